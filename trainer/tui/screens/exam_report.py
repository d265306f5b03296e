"""The exam report: score, per root, per kind, confusions explained by place, time per question, trend.

Every figure is text (tables and sentences), so a screen reader reads it and nothing depends on
colour. From here: "Drill my mistakes" (a review of exactly the missed cards), a report file
written on demand (.json, .md or .csv by its extension), or Home.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from trainer.study.exam import SubmittedBy, clock_text
from trainer.tui.literal import literal
from trainer.tui.widgets.confusion_maps import ConfusionMaps
from trainer.words import counted

if TYPE_CHECKING:
    from trainer.study.exam import ExamReport, Tally
    from trainer.study.exams import ExamResult
    from trainer.tui.app import TrainerApp


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.0f} s"


def _tally_table(title: str, tallies: tuple[Tally, ...]) -> Table:
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, show_edge=False, min_width=len(title))
    table.add_column(title.split()[-1].capitalize(), no_wrap=True)
    table.add_column("Right", justify="right")
    table.add_column("%", justify="right")
    for t in tallies:
        table.add_row(Text(t.key), f"{t.correct}/{t.total}", f"{t.percent:.0f}")
    return table


def _questions_table(report: ExamReport) -> Table:
    table = Table(title="Time per question", title_justify="left", box=None, pad_edge=False, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Question", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("You", no_wrap=True, max_width=12, overflow="ellipsis")
    table.add_column("Answer", no_wrap=True, max_width=12, overflow="ellipsis")
    table.add_column("", no_wrap=True)
    table.add_column("Time", justify="right", no_wrap=True)
    for q in report.questions:
        mark = "✓" if q.correct else ("–" if q.given is None else "✗")
        table.add_row(
            str(q.n),
            Text(q.prompt),
            Text(q.given if q.given is not None else "(none)"),
            Text(q.expected),
            mark + (" ⚑" if q.flagged else ""),
            _seconds(q.time_ms),
        )
    return table


class ExamReportScreen(Screen[None]):
    """What the exam measured, and what to review."""

    BINDINGS = [
        Binding("d", "drill", "Drill my mistakes", tooltip="Review exactly the cards missed in this exam", id="report.drill"),
        Binding("w", "write", "Write report", tooltip="Save the report as .json, .md or .csv", id="report.write"),
        Binding("down", "scroll('down')", "Scroll", key_display="↑↓", id="report.scroll"),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("q,escape,enter", "home", "Home", id="report.home"),
    ]

    DEFAULT_CSS = """
    ExamReportScreen #report-body { padding: 0 1; }
    ExamReportScreen .report-part { margin-top: 1; }
    """

    def __init__(self, result: ExamResult) -> None:
        super().__init__()
        self.result = result
        """The scored attempt and its trend."""

    @property
    def trainer(self) -> TrainerApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Score and trend first (they fit at 80x24), then the tables."""
        report = self.result.report
        with VerticalScroll(id="report-body"):
            yield Static(self._headline(), id="report-score")
            yield Static(self._confusions(), id="report-confusions", classes="report-part")
            yield ConfusionMaps([(c.given, c.expected, c.count) for c in report.confusions], id="report-maps")
            yield Static(_tally_table("Accuracy per root", report.per_root), id="report-roots", classes="report-part")
            yield Static(_tally_table("Accuracy per kind", report.per_kind), id="report-kinds", classes="report-part")
            yield Static(_questions_table(report), id="report-questions", classes="report-part")
        yield Footer()

    def _headline(self) -> Content:
        report, trend = self.result.report, self.result.trend
        s = report.score
        how = "time ran out" if report.submitted_by is SubmittedBy.TIMEOUT else "submitted"
        missed = len(report.missed_card_ids)
        return Content.assemble(
            ("Exam report", "bold $accent"), (f"  ({how})", "$text-muted"), "\n",
            ("Score     ", "bold"), (f"{s.correct}/{s.total} ({s.percent:.1f}%)", "bold"),
            f" · {s.answered} answered · {s.flagged} flagged\n",
            ("Time      ", "bold"), f"{clock_text(report.time_used_s * 1000)} of {clock_text(report.time_limit_s * 1000)}\n",
            ("Trend     ", "bold"), trend.sentence(), "\n",
            ("To review ", "bold"),
            f"{counted(missed, 'card')} missed: press d to drill them" if missed else "nothing missed",
        )  # fmt: skip

    def _confusions(self) -> Content:
        confusions = self.result.report.confusions
        if not confusions:
            return Content("No root was mistaken for another.").stylize("$text-muted")
        lines = [Content("Confusions").stylize("bold")]
        for c in confusions[:8]:
            text = c.explanation[0].upper() + c.explanation[1:] + "."
            lines.append(Content.assemble("• ", literal(text)))
        return Content("\n").join(lines)

    def action_scroll(self, direction: str) -> None:
        """Scroll the report."""
        getattr(self.query_one("#report-body", VerticalScroll), f"scroll_{direction}")(animate=False)

    def action_drill(self) -> None:
        """Start a review of exactly the cards missed in this exam."""
        missed = self.result.report.missed_card_ids
        if not missed:
            self.notify("Nothing to drill: every question was right.")
            return
        self.trainer.start_review(card_ids=list(missed))

    def action_write(self) -> None:
        """Ask for a file name, then write the report in the format its extension names."""
        report = self.result.report
        default = f"exam-{report.started_at:%Y%m%d-%H%M}.md"
        self.app.push_screen(ReportFileForm(default), self._write)

    def _write(self, path: str | None) -> None:
        if path:
            self._write_worker(path)

    @work(thread=True, exit_on_error=False, group="report-write", description="Writing the report")
    def _write_worker(self, path: str) -> None:
        from trainer.interop.report import ReportError, write_report

        try:
            written = write_report(self.result.report, path)
        except ReportError as error:
            self.app.call_from_thread(self.notify, str(error), title="Report not written", severity="error", timeout=10)
            return
        self.app.call_from_thread(self.notify, f"Report written to {written}.", title="Report")

    def action_home(self) -> None:
        """Back to Home."""
        self.trainer.go_home()


class ReportFileForm(ModalScreen["str | None"]):
    """One line: where to write the report (.json, .md or .csv)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="report-file.cancel")]

    DEFAULT_CSS = """
    ReportFileForm { align: center middle; }
    ReportFileForm #file-box { width: 70; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    """

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        """The file name, prefilled."""
        with Vertical(id="file-box"):
            yield Static("Write the report to (.json, .md or .csv):")
            yield Input(self.default, id="file-name")
            yield Static(Content.assemble(("Enter", "bold $accent"), " write · ", ("Esc", "bold $accent"), " cancel"))
        yield Footer()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without writing."""
        self.dismiss(None)
