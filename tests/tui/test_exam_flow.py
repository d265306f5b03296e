"""The exam as a student sits it: answer, flag, go back, change, submit, report, drill the mistakes.

The app's clock is a FixedClock the tests advance (never a sleep, never freezegun around Pilot).
The database is read back with sqlite3 after each step.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from trainer.study.exams import ExamOptions
from trainer.tui.app import make_app
from trainer.tui.screens.exam import ConfirmSubmit, ExamScreen
from trainer.tui.screens.exam_report import ExamReportScreen
from trainer.tui.screens.review import ReviewScreen

from .conftest import CHOICE, EVIL, TYPED
from .helpers import settle, text_of


def _rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def _exam_app(db_path: Path, clock, **options):
    return make_app(
        str(db_path), clock=clock, start="exam", cursor_blink=False, deck_ids=["tui-test"], import_builtin=False,
        exam=ExamOptions(**{"questions": 3, "minutes": 2, "seed": 4, **options}),
    )  # fmt: skip


async def _answer_current(pilot, right: bool) -> None:
    screen = pilot.app.screen
    card = screen.run.attempt.current.card
    if card.id == CHOICE.id:
        await pilot.press("2" if right else "1")  # C6 is option 2
    else:
        answer = card.answer if right else "L5"
        await pilot.press(*answer, "enter")
    await pilot.pause()


async def test_the_whole_exam_flow_reaches_the_report_and_drills_the_mistakes(db_path: Path, clock) -> None:
    before = _rows(db_path, "SELECT * FROM cardstate ORDER BY card_id")
    app = _exam_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        attempt = screen.run.attempt
        assert {q.card.id for q in attempt.questions} == {TYPED.id, CHOICE.id, EVIL.id}  # never the reveal card
        assert "1/3" in text_of(app, "#exam-bar") and "2:00 left" in text_of(app, "#exam-bar")

        first = attempt.current.card.id
        await _answer_current(pilot, right=False)  # wrong, then come back to change it
        clock.advance(timedelta(seconds=10))
        await pilot.press("ctrl+f")  # flag question 2
        await _answer_current(pilot, right=True)
        await settle(pilot)
        assert "1 flagged" in text_of(app, "#exam-bar")
        saved = _rows(db_path, "SELECT n, given IS NOT NULL, flagged FROM examanswer ORDER BY n")
        assert saved[:2] == [(0, 1, 0), (1, 1, 1)]

        await pilot.press("up", "up")
        await pilot.pause()
        assert attempt.index == 0 and attempt.current.card.id == first
        assert "Your answer:" in text_of(app, "#exam-given")
        if attempt.current.card.id != CHOICE.id:
            await pilot.press("ctrl+u")  # clear the box, then type the right answer
        await _answer_current(pilot, right=True)
        await settle(pilot)
        assert _rows(db_path, "SELECT correct FROM examanswer WHERE n = 0") == [(1,)]

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSubmit)
        assert "1 question of 3 unanswered" in text_of(app, "#confirm-counts")
        assert "1 question flagged" in text_of(app, "#confirm-counts")
        await pilot.press("enter")
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ExamReportScreen)
        assert "2/3 (66.7%)" in text_of(app, "#report-score")
        assert "1 card missed" in text_of(app, "#report-score")
        assert _rows(db_path, "SELECT submitted_by, correct, total FROM examattempt") == [("student", 2, 3)]
        missed = report.result.report.missed_card_ids
        assert len(missed) == 1

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.current.card.id == missed[0]
        assert app.screen.session.counts().total == 1
    assert _rows(db_path, "SELECT * FROM cardstate ORDER BY card_id") == before  # the exam changed no schedule
    assert _rows(db_path, "SELECT count(*) FROM review") == [(0,)]


async def test_time_out_submits_the_exam_by_the_injected_clock(db_path: Path, clock) -> None:
    app = _exam_app(db_path, clock, minutes=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _answer_current(pilot, right=True)
        clock.advance(timedelta(seconds=15))
        await pilot.pause(1.1)  # one tick of the one-second timer
        assert "(last minute)" in text_of(app, "#exam-bar")
        clock.advance(timedelta(seconds=50))
        await pilot.pause(1.1)
        await settle(pilot)
        assert isinstance(app.screen, ExamReportScreen)
        assert "time ran out" in text_of(app, "#report-score")
    assert _rows(db_path, "SELECT submitted_by, correct FROM examattempt") == [("timeout", 1)]


async def test_leaving_mid_exam_is_resumed_with_answers_and_time_left(db_path: Path, clock, app_factory) -> None:
    app = _exam_app(db_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(timedelta(seconds=30))
        await _answer_current(pilot, right=True)
        await pilot.press("escape")
        await settle(pilot)
        assert "unfinished: question 2/3, 1 answered, 1:30 left" in text_of(app, "#home-notes")
        clock.advance(timedelta(hours=2))  # away from the exam: its clock does not run
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExamScreen)
        assert "2/3" in text_of(app, "#exam-bar") and "1:30 left" in text_of(app, "#exam-bar")
        assert app.screen.run.attempt.questions[0].given is not None


async def test_home_e_opens_the_form_and_starts_the_exam(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        for field, value in (("#form-questions", "2"), ("#form-minutes", "3")):
            app.screen.query_one(field).value = value
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExamScreen)
        assert "1/2" in text_of(app, "#exam-bar") and "3:00 left" in text_of(app, "#exam-bar")
