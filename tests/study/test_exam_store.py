"""Exams kept in the store: saved as they go, resumed after a crash, never touching SM-2 state."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from trainer.store.location import SCHEMA_VERSION
from trainer.clock import FixedClock
from trainer.store.db import open_store
from trainer.study.exam import SubmittedBy
from trainer.study.exams import new_exam, resume_exam, unfinished_exam
from trainer.study.review import open_session

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def _cardstate_rows(path: Path) -> list[tuple]:
    """Every card-state row, every column, as SQLite returns it (byte-level comparison)."""
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM cardstate ORDER BY profile_id, card_id").fetchall()


def _count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.fixture
def db(tmp_path: Path, make_deck, import_deck) -> tuple[Path, object]:
    """A database with 12 typed cards (L4, L5, S1), some of them already reviewed."""
    path = tmp_path / "trainer.db"
    store = open_store(f"sqlite:///{path}")
    deck = make_deck(12)
    import_deck(store, deck)
    session = open_session(store, FixedClock(T0 - timedelta(days=3)))
    for card in deck.cards[:5]:
        session.answer(card.id, 4 if card.answer_root != "L5" else 1, 3000)
    store.close()
    return path, deck


def test_an_exam_leaves_every_card_state_byte_identical_and_writes_no_review(db) -> None:
    path, deck = db
    before = _cardstate_rows(path)
    reviews = _count(path, "SELECT count(*) FROM review")
    clock = FixedClock(T0)
    store = open_store(f"sqlite:///{path}")
    run = new_exam(store, clock, profile_id=1, questions=8, minutes=10, seed=7)
    for i, question in enumerate(run.attempt.questions):
        clock.advance(timedelta(seconds=20))
        run.attempt.go_to(i, clock.now())
        run.attempt.answer("L5" if i % 2 else question.card.answer, clock.now())
        run.save()
    run.attempt.submit(clock.now())
    result = run.finish()
    store.close()
    assert result.report.score.total == 8
    assert _cardstate_rows(path) == before
    assert _count(path, "SELECT count(*) FROM review") == reviews


def test_every_answer_is_saved_as_given_and_the_score_is_kept_for_the_trend(db) -> None:
    path, _deck = db
    clock = FixedClock(T0)
    store = open_store(f"sqlite:///{path}")
    first = new_exam(store, clock, profile_id=1, questions=4, minutes=5, seed=1)
    for i, question in enumerate(first.attempt.questions):
        first.attempt.go_to(i, clock.now())
        first.attempt.answer(question.card.answer if i < 3 else "C2", clock.now())
        first.save()
        assert _count(path, "SELECT count(*) FROM examanswer WHERE given IS NOT NULL") == i + 1
    first.attempt.submit(clock.now())
    assert first.finish().trend.direction == "first"
    clock.advance(timedelta(days=1))
    second = new_exam(store, clock, profile_id=1, questions=4, minutes=5, seed=2)
    for i, question in enumerate(second.attempt.questions):
        second.attempt.go_to(i, clock.now())
        second.attempt.answer(question.card.answer, clock.now())
    second.attempt.submit(clock.now())
    result = second.finish()
    store.close()
    assert result.report.score.percent == 100.0
    assert (result.trend.previous, result.trend.direction, result.trend.change) == (75.0, "up", 25.0)
    assert _count(path, "SELECT count(*) FROM examattempt WHERE submitted_by = 'student'") == 2


def test_a_closed_app_resumes_with_answers_flags_position_and_time_left(db) -> None:
    path, _deck = db
    clock = FixedClock(T0)
    store = open_store(f"sqlite:///{path}")
    run = new_exam(store, clock, profile_id=1, questions=6, minutes=3, seed=3)
    attempt = run.attempt
    clock.advance(timedelta(seconds=30))
    attempt.answer(attempt.current.card.answer, clock.now())
    attempt.next(clock.now())
    attempt.toggle_flag(clock.now())
    clock.advance(timedelta(seconds=15))
    attempt.answer("S1", clock.now())
    run.save()
    store.close()  # the terminal is closed; an hour passes before the student comes back
    clock.advance(timedelta(hours=1))

    store = open_store(f"sqlite:///{path}")
    waiting = unfinished_exam(store, profile_id=1)
    assert waiting is not None
    assert (waiting.questions, waiting.answered, waiting.position, waiting.time_left_ms) == (6, 2, 2, 135_000)
    resumed = resume_exam(store, clock, profile_id=1)
    store.close()
    assert resumed is not None
    back = resumed.attempt
    assert back.index == 1 and back.current.flagged and back.current.given == "S1"
    assert back.questions[0].given == attempt.questions[0].card.answer
    assert back.time_left_ms(clock.now()) == 135_000


def test_an_attempt_killed_mid_way_resumes_with_its_answers_and_time_left(db) -> None:
    """SIGKILL mid-exam, straight after an answer was saved: nothing given is lost."""
    path, _deck = db
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import UTC, datetime, timedelta
        from trainer.clock import FixedClock
        from trainer.store.db import open_store
        from trainer.study.exams import new_exam
        clock = FixedClock(datetime(2026, 1, 10, 12, tzinfo=UTC))
        store = open_store({f"sqlite:///{path}"!r})
        run = new_exam(store, clock, profile_id=1, questions=5, minutes=2, seed=11)
        a = run.attempt
        clock.advance(timedelta(seconds=40))
        a.answer("L4", clock.now())
        a.toggle_flag(clock.now())
        a.next(clock.now())
        clock.advance(timedelta(seconds=5))
        a.answer("S1", clock.now())
        run.save()
        print("saved", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=os.environ.copy())
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert result.stdout == "saved\n"
    clock = FixedClock(T0 + timedelta(minutes=30))
    store = open_store(f"sqlite:///{path}")
    run = resume_exam(store, clock, profile_id=1)
    assert run is not None
    a = run.attempt
    assert [(q.given, q.flagged) for q in a.questions[:2]] == [("L4", True), ("S1", False)]
    assert a.index == 1
    assert a.time_left_ms(clock.now()) == 75_000
    clock.advance(timedelta(seconds=75))
    assert a.check_time(clock.now()) and a.submitted_by is SubmittedBy.TIMEOUT
    result = run.finish()
    assert unfinished_exam(store, profile_id=1) is None
    store.close()
    assert result.report.score.answered == 2


def test_the_weak_exam_leans_on_the_roots_this_profile_misses(db) -> None:
    path, _deck = db
    store = open_store(f"sqlite:///{path}")
    run = new_exam(store, FixedClock(T0), profile_id=1, questions=6, minutes=5, seed=5, weak=True)
    store.close()
    roots = [q.card.answer_root for q in run.attempt.questions]
    # L5 was failed twice in the reviews: it gets more than its third of the questions.
    assert roots.count("L5") > roots.count("L4") and roots.count("L5") > roots.count("S1")
    assert run.attempt.weak


def test_an_empty_scope_is_one_sentence(db) -> None:
    path, _deck = db
    store = open_store(f"sqlite:///{path}")
    with pytest.raises(ValueError, match="cervical"):
        new_exam(store, FixedClock(T0), profile_id=1, scope="cervical")
    store.close()


def test_a_schema_2_database_migrates_to_exams(tmp_path: Path, make_deck, import_deck) -> None:
    """A schema-2 file (made by dropping the tables schema 3 adds) gains the exam tables, keeping its reviews."""
    path = tmp_path / "old.db"
    store = open_store(f"sqlite:///{path}")
    import_deck(store, make_deck(3))
    open_session(store, FixedClock(T0)).answer(make_deck(3).cards[0].id, 4, 1000)
    store.close()
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE examanswer")
        connection.execute("DROP TABLE examattempt")
        connection.execute("DROP TABLE reviewday")
        connection.execute("DROP TABLE reviewdayconfusion")
        connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    store = open_store(f"sqlite:///{path}", now=lambda: T0)
    run = new_exam(store, FixedClock(T0), profile_id=1, questions=2, minutes=1, seed=1)
    store.close()
    assert len(run.attempt.questions) == 2
    assert _count(path, "SELECT value FROM meta WHERE key = 'schema_version'") == str(SCHEMA_VERSION)
    assert _count(path, "SELECT count(*) FROM review") == 1
    assert list(tmp_path.glob("old.db.v2-*.bak"))
