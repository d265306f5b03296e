"""Snapshots at 80x24 of the exam question, the submit confirmation, the report and the Stats screen."""

from __future__ import annotations

from textual.pilot import Pilot

from trainer.study.exams import ExamOptions
from trainer.tui.app import make_app

from .helpers import settle

SIZE = (80, 24)


def _exam_app(db_path, clock):
    return make_app(
        str(db_path), clock=clock, start="exam", cursor_blink=False, deck_ids=["tui-test"], import_builtin=False,
        exam=ExamOptions(questions=3, minutes=2, seed=4),
    )  # fmt: skip


def keys(*pressed: str):
    """Wait for the store, press the keys one by one, wait again."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)

    return run_before


class TestExamSnapshots:
    """One picture per exam and statistics screen."""

    def test_exam_question(self, snap_compare, db_path, clock) -> None:
        """Question 2 of 3, flagged, after answering the first: bar, prompt, answer box."""
        assert snap_compare(_exam_app(db_path, clock), terminal_size=SIZE, run_before=keys("2", "ctrl+f"))

    def test_submit_confirmation(self, snap_compare, db_path, clock) -> None:
        """The confirmation names the unanswered and flagged questions."""
        assert snap_compare(_exam_app(db_path, clock), terminal_size=SIZE, run_before=keys("2", "ctrl+f", "ctrl+s"))

    def test_report(self, snap_compare, db_path, clock) -> None:
        """The report after one right answer and two unanswered questions."""
        assert snap_compare(_exam_app(db_path, clock), terminal_size=SIZE, run_before=keys("2", "ctrl+s", "enter"))

    def test_stats(self, snap_compare, app_factory) -> None:
        """Statistics after two answers today: summary, forecast chart and its numbers."""
        assert snap_compare(
            app_factory(), terminal_size=SIZE, run_before=keys("enter", "L", "4", "enter", "enter", "2", "enter", "q", "t")
        )
