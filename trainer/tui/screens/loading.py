"""The one-line screen shown until the first card can be read (a first run imports the decks first)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static


class LoadingScreen(Screen[None]):
    """What a review shows until its first card can be read (a first run imports the deck first)."""

    def compose(self) -> ComposeResult:
        """One line."""
        yield Static("Loading today's cards…", id="loading")
