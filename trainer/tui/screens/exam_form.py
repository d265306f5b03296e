"""Home's exam form: how many questions, how many minutes, which scope.

Dismissed with the `ExamOptions` to start (`trainer.tui.screens.exam.open_exam`) or None when
cancelled; a bad value is named on the form's error line and nothing starts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from trainer.tui.literal import literal

if TYPE_CHECKING:
    pass


class ExamForm(ModalScreen["ExamOptions | None"]):
    """Home's short form: how many questions, how many minutes, which scope."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="exam-form.cancel")]

    DEFAULT_CSS = """
    ExamForm { align: center middle; }
    ExamForm #form-box { width: 64; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    ExamForm Input { margin-bottom: 0; }
    ExamForm #form-error { color: $text-error; }
    """

    def compose(self) -> ComposeResult:
        """Three fields and a line for problems."""
        from trainer.study.exams import DEFAULT_QUESTIONS, default_minutes

        with Vertical(id="form-box"):
            yield Static(Content("New exam").stylize("bold"))
            yield Static("Questions")
            yield Input(str(DEFAULT_QUESTIONS), id="form-questions", type="integer")
            yield Static("Minutes")
            yield Input(str(default_minutes(DEFAULT_QUESTIONS)), id="form-minutes", type="integer")
            yield Static("Scope: all, cervical, thoracic, lumbosacral, tag:NAME or deck:ID")
            yield Input("all", id="form-scope")
            yield Static(id="form-error", markup=False)
            yield Static(Content.assemble(("Enter", "bold $accent"), " start · ", ("Esc", "bold $accent"), " cancel"))
        yield Footer()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        from trainer.study.exam import parse_scope
        from trainer.study.exams import ExamOptions

        event.stop()
        try:
            questions = int(self.query_one("#form-questions", Input).value or "0")
            minutes = int(self.query_one("#form-minutes", Input).value or "0")
            if questions < 1 or minutes < 1:
                raise ValueError("Give at least one question and one minute.")
            scope = parse_scope(self.query_one("#form-scope", Input).value)
        except ValueError as error:
            message = str(error) if "invalid literal" not in str(error) else "Questions and minutes are whole numbers."
            self.query_one("#form-error", Static).update(literal(message))
            return
        self.dismiss(replace(ExamOptions(), questions=questions, minutes=minutes, scope=scope))

    def action_cancel(self) -> None:
        """Close without starting."""
        self.dismiss(None)
