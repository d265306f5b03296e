"""The session's progress line: a bar of done against left today, and the time spent."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static


class SessionProgress(Horizontal):
    """`[██████░░░░] 6 done · 14 left · 03:12`."""

    DEFAULT_CSS = """
    SessionProgress {
        #progress-bar {
            width: 1fr;
        }
        #progress-bar Bar {
            width: 1fr;
        }
        #progress-figures {
            width: auto;
            margin-left: 1;
        }
    }
    """
    """Its own styles, so any screen that mounts it gets it styled."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._done = 0
        self._left = 0
        self._elapsed_s = 0.0

    def compose(self) -> ComposeResult:
        """The bar and the figures beside it."""
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="progress-bar")
        yield Static(id="progress-figures", markup=False)

    def show(self, *, done: int, left: int, elapsed_s: float) -> None:
        """Update the bar and the figures.

        Args:
            done: Cards recorded in this session.
            left: Cards still queued today (including same-day repeats).
            elapsed_s: Seconds since the session started.
        """
        self._done, self._left = done, left
        self.query_one(ProgressBar).update(total=max(done + left, 1), progress=done)
        self.set_elapsed(elapsed_s)

    def set_elapsed(self, elapsed_s: float) -> None:
        """Update only the time spent (called every second)."""
        self._elapsed_s = elapsed_s
        minutes, seconds = divmod(int(elapsed_s), 60)
        self.query_one("#progress-figures", Static).update(
            Content.assemble(
                (f"{self._done}", "bold"),
                " done · ",
                (f"{self._left}", "bold"),
                " left · ",
                (f"{minutes:02d}:{seconds:02d}", "$text-muted"),
            )
        )
