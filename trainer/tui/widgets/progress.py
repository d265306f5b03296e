"""The session's progress line: a bar of done against left today, and the time spent."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static


class SessionBar(Widget):
    """A thin bar of done against today's total, drawn as Textual's `ProgressBar` draws it.

    One widget instead of `ProgressBar`'s two and their reactive chain: the bar changes with every
    answer, on the Enter -> next card path.
    """

    COMPONENT_CLASSES = {"session-bar--bar", "session-bar--complete"}
    DEFAULT_CSS = """
    SessionBar {
        width: 1fr;
        height: 1;
        & > .session-bar--bar {
            color: $primary;
            background: $surface;
        }
        & > .session-bar--complete {
            color: $success;
            background: $surface;
        }
    }
    """

    BAR, HALF_LEFT, HALF_RIGHT = "━", "╺", "╸"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.fraction = 0.0
        """Done / (done + left), from 0 to 1."""

    def show(self, fraction: float) -> None:
        """Fill the bar to `fraction` (0 to 1)."""
        fraction = min(max(fraction, 0.0), 1.0)
        if fraction != self.fraction:
            self.fraction = fraction
            self.refresh()

    def render(self) -> Text:
        """The filled part in the bar colour, then the rest in the track colour, to half a cell."""
        width = self.size.width
        style = self.get_component_rich_style("session-bar--complete" if self.fraction >= 1 else "session-bar--bar")
        filled, track = Style.from_color(style.color), Style.from_color(style.bgcolor)
        end = int(self.fraction * width * 2) / 2  # whole and half cells, rounded down
        if end <= 0:
            return Text(self.BAR * width, style=track, end="")
        half = end != int(end)
        bar = Text(self.BAR * int(end) + (self.HALF_RIGHT if half else ""), style=filled, end="")
        if not half and end != width:
            bar.append(self.HALF_LEFT, track)
        bar.append(self.BAR * (width - int(end) - 1), track)
        return bar


class SessionProgress(Horizontal):
    """`[██████░░░░] 6 done · 14 left · 03:12`."""

    DEFAULT_CSS = """
    SessionProgress {
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
        yield SessionBar(id="progress-bar")
        yield Static(id="progress-figures", markup=False)

    def show(self, *, done: int, left: int, elapsed_s: float) -> None:
        """Update the bar and the figures.

        Args:
            done: Cards recorded in this session.
            left: Cards still queued today (including same-day repeats).
            elapsed_s: Seconds since the session started.
        """
        self._done, self._left = done, left
        self.query_one(SessionBar).show(done / max(done + left, 1))
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
