"""MapApp: the map explorer on its own, for `trainer map [ROOT|NERVE]` (no database is opened)."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from trainer.tui.screens.map import MapScreen


class MapApp(App[None]):
    """Only the map explorer; q or Escape quits."""

    CSS_PATH = "app.tcss"
    TITLE = "Dermatome Trainer: body map"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, target: str | None = None) -> None:
        """Open the explorer on `target` (a root such as "L4", a nerve id, or None for C2)."""
        super().__init__()
        self._target = target

    def on_mount(self) -> None:
        """Show the explorer."""
        self.push_screen(MapScreen(self._target))
