"""The end of a review session: how it went and when the next cards fall due."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from trainer.tui.literal import literal

if TYPE_CHECKING:
    from trainer.study.review import SessionSummary


def _duration(seconds: float) -> str:
    """"4 min 05 s" or "35 s"."""
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


class SummaryScreen(Screen[None]):
    """Cards done, accuracy, time, roots missed, confusions and the next due date."""

    DEFAULT_CSS = """
    SummaryScreen #summary-repeated {
        margin-bottom: 1;
    }
    """

    BINDINGS = [
        Binding("enter", "home", "Home", tooltip="Back to the Home screen", id="summary.home"),
        Binding("q,escape", "home", "Home", show=False),
    ]
    """Every way out leads Home."""

    def __init__(self, summary: SessionSummary) -> None:
        super().__init__()
        self.summary = summary
        """The session's figures, computed by the study layer."""

    def compose(self) -> ComposeResult:
        """One scrollable block of text, then the keys."""
        with VerticalScroll(id="summary-body"):
            title = "Session complete" if self.summary.reviewed else "Nothing to review right now"
            yield Static(Content(title).stylize("bold $accent"), id="summary-title")
            yield Static(self._figures(), id="summary-figures", markup=False)
            missed = Static(self._missed(), id="summary-missed", markup=False)
            missed.display = bool(self.summary.reviewed)
            yield missed
            # Confusions made again today, spelt out with where each root lies on the body.
            repeated = Static(self._repeated(), id="summary-repeated", markup=False)
            repeated.display = bool(self.summary.repeated)
            yield repeated
            yield Static(self._next(), id="summary-next", markup=False)
        yield Footer()

    def _figures(self) -> Content:
        s = self.summary
        if s.reviewed == 0:
            return Content("No cards were answered in this session: today's queue is empty.")
        accuracy = "–" if s.accuracy is None else f"{s.accuracy:.0%}"
        return Content.assemble(
            ("Cards done  ", "bold"), f"{s.reviewed}\n",
            # The study layer counts a pass as SM-2 grade 3 or more (the student's final grade).
            ("Passed      ", "bold"), f"{s.correct} of {s.reviewed} ({accuracy}), graded 3 or more\n",
            ("Time        ", "bold"), _duration(s.elapsed_s),
        )

    def _missed(self) -> Content:
        s = self.summary
        lines: list[Content] = []
        if s.missed_roots:
            missed = ", ".join(f"{root} ×{times}" if times > 1 else root for root, times in s.missed_roots[:10])
            lines.append(Content.assemble(("Roots missed  ", "bold"), literal(missed, "$text-error")))
        if s.confusions:
            pairs = ", ".join(
                f"{given} for {expected}" + (f" ×{count}" if count > 1 else "")
                for expected, given, count in s.confusions[:6]
            )
            lines.append(Content.assemble(("Confused      ", "bold"), literal(pairs, "$text-warning")))
        if not lines and s.reviewed:
            lines.append(Content("No roots missed. Well done.").stylize("$text-success"))
        return Content("\n").join(lines)

    def _repeated(self) -> Content:
        return Content("\n").join(literal(sentence, "$text-warning") for sentence in self.summary.repeated[:3])

    def _next(self) -> Content:
        s = self.summary
        if s.next_due is None:
            return Content("Nothing else is scheduled yet.").stylize("$text-muted")
        parts: list[str | tuple[str, str]] = [("Next due    ", "bold"), s.next_due.isoformat()]
        if s.due_tomorrow:
            parts.append(f"  ({s.due_tomorrow} card{'s' if s.due_tomorrow != 1 else ''} due tomorrow)")
        return Content.assemble(*parts)

    def action_home(self) -> None:
        """Back to Home (which refreshes its counts on the way in)."""
        self.app.go_home()  # type: ignore[attr-defined]
