"""The exam's submit confirmation: "Submit the exam?" naming the unanswered and flagged questions.

Pushed by `trainer.tui.screens.exam.ExamScreen` on ^s; dismissed with True (submit) or False (back
to the exam). The exam's clock keeps running while it is up, so the timer may close it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ConfirmSubmit(ModalScreen[bool]):
    """"Submit the exam?" with the counts of unanswered and flagged questions."""

    BINDINGS = [
        Binding("enter,y", "answer(True)", "Submit", id="confirm.submit"),
        Binding("escape,n", "answer(False)", "Back to the exam", id="confirm.back"),
    ]

    DEFAULT_CSS = """
    ConfirmSubmit { align: center middle; }
    ConfirmSubmit #confirm-box { width: 60; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    """

    def __init__(self, unanswered: int, flagged: int, total: int) -> None:
        super().__init__()
        self.unanswered = unanswered
        self.flagged = flagged
        self.total = total

    def compose(self) -> ComposeResult:
        """The question, the counts, the keys."""
        from trainer.words import counted

        with Vertical(id="confirm-box"):
            yield Static(Content("Submit the exam?").stylize("bold"), id="confirm-title")
            yield Static(
                Content.assemble(
                    (counted(self.unanswered, "question"), "bold $text-warning" if self.unanswered else "bold"),
                    f" of {self.total} unanswered\n",
                    (counted(self.flagged, "question"), "bold $text-warning" if self.flagged else "bold"),
                    " flagged\n\n",
                    "Once submitted, answers cannot be changed. The clock keeps running meanwhile.\n\n",
                    ("Enter", "bold $accent"), " submit · ", ("Esc", "bold $accent"), " back to the exam",
                ),
                id="confirm-counts",
            )
        yield Footer()

    def action_answer(self, submit: bool) -> None:
        """Close with the student's choice."""
        self.dismiss(submit)
