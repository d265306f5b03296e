"""Killed at random moments, or two at once on one file: no acknowledged answer lost, no state torn.

A scripted student (a subprocess running the study layer, as the app's worker does) prints "ack"
after each `StudySession.answer()` returns, the moment the app would show "Recorded".

- Crash: SIGKILL at a random moment, many times over on one SQLite file. After each kill every
  acknowledged answer is in the log (at most one more, committed just before the kill, which the
  student never saw acknowledged), and `PRAGMA integrity_check` is ok; at the end every card state
  equals a replay of its log (tests/replay.py).
- Concurrency: two processes answer the same profile's cards of one SQLite file at once (two
  windows); both finish without an error, every answer of each is in the log in its order, and
  every card state equals the replay.

The acknowledgements are read from the student's stdout through ONE buffered reader: the "ready"
line with `readline()`, the rest with `read()` once it is dead. (`Popen.communicate()` after a
`readline()` reads the pipe's descriptor directly and silently drops whatever `readline()` had
already buffered past "ready": on a busy machine those were acks, and the check then blamed the
store for an answer "changed" at the index where this run's acks began. That was the flake.)

CI: 20 kills, 2 x 100 answers; TRAINER_FULL_PROOF=1: 200 kills, 2 x 1,000 answers.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.replay import integrity, logged_answers, proof_count, replay_mismatches
from trainer.store.db import open_store

STUDENT = r"""
import os
import sys
from datetime import UTC, datetime, time, timedelta
from trainer.clock import FixedClock
from trainer.store.db import open_store
from trainer.study.session import open_session

url, start_day, limit, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
clock = FixedClock(datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=start_day, seconds=seed))
store = open_store(url)
session = open_session(store, clock)
print("ready", flush=True)


def morning_of(day):
    # The student comes back at 09:00 (UTC, the clock's zone) on `day`, which is then the study day.
    return datetime.combine(day, time(9), UTC) + timedelta(seconds=seed)


grades = (5, 4, 4, 3, 2, 1)
done = 0
parent = os.getppid()
while done < limit and os.getppid() == parent:  # an orphan (the test was interrupted) stops
    card = session.next_card()
    if card is None:
        # Today is done: come back tomorrow (new cards), or, if nothing is waiting then, on the
        # next day with cards due. Stepping one day at a time once intervals reach years made the
        # full run crawl through tens of thousands of empty days (the "date runaway").
        clock.set(morning_of(session.today() + timedelta(days=1)))
        session = open_session(store, clock)
        if session.next_card() is None:
            next_due = session.summary().next_due
            if next_due is not None:
                clock.set(morning_of(next_due))
                session = open_session(store, clock)
        continue
    quality = grades[(done * 7 + seed) % len(grades)]
    session.answer(card.card.id, quality, 1000 + done)
    done += 1
    print("ack", card.card.id, quality, flush=True)
    clock.advance(timedelta(seconds=11))
store.close()
"""


def _student(url: str, start_day: int, limit: int, seed: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", STUDENT, url, str(start_day), str(limit), str(seed)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip


def _killed_after(student: subprocess.Popen[str], seconds: float) -> tuple[str, str]:
    """Wait for the student's "ready", let it answer for `seconds`, SIGKILL it: (stdout, stderr).

    stdout is read through the same buffered reader throughout (see the module docstring);
    stderr is small (a traceback at most) and only read once the student is dead.
    """
    assert student.stdout is not None and student.stderr is not None
    ready = student.stdout.readline()
    if ready != "ready\n":
        student.kill()
        student.wait(timeout=60)
        raise AssertionError(f"the student did not start: {ready!r} {student.stderr.read()}")
    time.sleep(seconds)
    student.send_signal(signal.SIGKILL)
    output = ready + student.stdout.read()  # to EOF: the pipe closes when the process dies
    student.wait(timeout=60)
    return output, student.stderr.read()


def _acks(output: str) -> list[tuple[str, int]]:
    return [(line.split()[1], int(line.split()[2])) for line in output.splitlines() if line.startswith("ack ")]


@pytest.fixture
def collection(tmp_path: Path, make_deck, import_deck) -> tuple[Path, str]:
    """A SQLite file with a 30-card deck."""
    path = tmp_path / "trainer.db"
    url = f"sqlite:///{path}"
    store = open_store(url)
    try:
        import_deck(store, make_deck(30))
    finally:
        store.close()
    return path, url


def test_acks_written_together_with_ready_are_all_counted() -> None:
    """The check's own reading: acks already buffered with "ready" are not dropped (the old flake)."""
    eager = (
        "import sys, time\n"
        "sys.stdout.write('ready\\n' + ''.join(f'ack c{i} 5\\n' for i in range(40)))\n"
        "sys.stdout.flush()\n"
        "time.sleep(60)\n"
    )
    student = subprocess.Popen(
        [sys.executable, "-c", eager], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )  # fmt: skip
    output, errors = _killed_after(student, 0.2)
    assert errors == ""
    assert _acks(output) == [(f"c{i}", 5) for i in range(40)]


@pytest.mark.slow
def test_killed_at_random_moments_no_acknowledged_answer_is_lost(collection: tuple[Path, str]) -> None:
    """Every kill: the log holds every ack (plus at most the one in flight); the file is intact."""
    path, url = collection
    rng = random.Random(14)
    acknowledged: list[tuple[str, int]] = []
    for run in range(proof_count(20, 200)):
        student = _student(url, start_day=run * 400, limit=100_000, seed=run)
        output, errors = _killed_after(student, rng.uniform(0.0, 0.4))
        assert student.returncode == -signal.SIGKILL, errors
        acknowledged += _acks(output)
        logged = logged_answers(url)
        assert logged[: len(acknowledged)] == acknowledged, (
            f"run {run}: an acknowledged answer is missing: the log has {len(logged)} answers, "
            f"{len(acknowledged)} were acknowledged or seen before"
        )
        assert len(logged) - len(acknowledged) <= 1, f"run {run}: answers nobody gave"
        acknowledged = logged  # an answer committed just before the kill is history now
        assert integrity(path) == "ok"
    assert len(acknowledged) > 0
    store = open_store(url)
    try:
        assert replay_mismatches(store) == []
    finally:
        store.close()


@pytest.mark.slow
def test_two_processes_answer_one_file_at_once(collection: tuple[Path, str]) -> None:
    """Two windows of one student: no error, no lost answer, no torn state."""
    path, url = collection
    answers = proof_count(100, 1000)
    students = [_student(url, start_day=0, limit=answers, seed=seed) for seed in (1, 2)]
    results = [student.communicate(timeout=900) for student in students]
    for student, (output, errors) in zip(students, results, strict=True):
        assert student.returncode == 0 and errors == "", errors
        assert len(_acks(output)) == answers
    logged = logged_answers(url)
    assert len(logged) == 2 * answers
    for output, _ in results:
        # Each window's answers are in the log in the order it gave them.
        mine = iter(logged)
        assert all(any(entry == ack for entry in mine) for ack in _acks(output))
    assert integrity(path) == "ok"
    store = open_store(url)
    try:
        assert replay_mismatches(store) == []
    finally:
        store.close()
