"""tui/screens package."""
