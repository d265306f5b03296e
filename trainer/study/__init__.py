"""The study layer: review sessions and settings, driven by an injected clock; no UI."""
