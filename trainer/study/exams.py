"""Exams with a store: start, save as the student goes, resume, finish with the report and the trend.

The exam itself (blueprint, timer, scoring) is pure, in `trainer.study.exam`; this module keeps an
attempt in the store (`trainer.store.exams_repo`) so that every answer, flag and move survives a
crash or a closed terminal. An exam never writes card state or the review log.

Faces hold an `ExamRun`. They act on `run.attempt` on their own thread (pure, instant), take a
`snapshot()` right after, and hand it to `save()` in a worker: snapshots carry a sequence number,
so a late save never overwrites a newer one, and a save writes only what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trainer.clock import Clock
from trainer.content.answers import Verdict, check
from trainer.content.cards import Card
from trainer.content.places import dermatome_places
from trainer.store.readers import Reader, SqlAlchemyExecutor
from trainer.study.exam import (
    DeckRef,
    ExamAttempt,
    ExamReport,
    StudentRef,
    Trend,
    blueprint,
    parse_scope,
    start_exam,
    trend,
    weakness_weights,
)
from trainer.study.settings import settings_from_rows
from trainer.study.session import today_for

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = [
    "DEFAULT_QUESTIONS",
    "SAVE_EVERY_S",
    "ExamOptions",
    "ExamResult",
    "ExamRun",
    "UnfinishedExam",
    "default_minutes",
    "new_exam",
    "resume_exam",
    "unfinished_exam",
]

DEFAULT_QUESTIONS = 40
"""Questions in an exam when the student names no number."""

SECONDS_PER_QUESTION = 60
"""The default time allowed per question (a minute, as in timed single-best-answer papers)."""

SAVE_EVERY_S = 5
"""While the clock runs, the time used is saved at least this often (besides every action), so an
attempt killed mid-way resumes with at most this many seconds too much time left."""


def default_minutes(questions: int) -> int:
    """The time allowed when the student names none: a minute per question."""
    return max(1, questions * SECONDS_PER_QUESTION // 60)


@dataclass(frozen=True)
class ExamResult:
    """A finished attempt: its report, the trend against earlier attempts, and the places used."""

    report: ExamReport
    trend: Trend


@dataclass(frozen=True)
class UnfinishedExam:
    """What Home says about an attempt left mid-way."""

    attempt_id: str
    questions: int
    answered: int
    position: int
    """1-based question on screen when it was left."""
    time_left_ms: int


def _answer_values(card: Card, given: str | None) -> dict[str, Any]:
    """The `examanswer` columns that follow from an answer (checked again, as scoring does)."""
    result = check(card, given) if given is not None else None
    return {
        "given": given,
        "verdict": result.verdict.value if result is not None else None,
        "given_root": result.given_root if result is not None else None,
        "correct": result is not None and result.verdict is Verdict.CORRECT,
    }


class ExamRun:
    """An attempt kept in the store: the face acts on `attempt`, then saves a `snapshot()`.

    Args:
        store: The open store.
        clock: The app's clock (the only one the exam reads).
        profile_id: The student.
        attempt: The attempt (new, or restored).
        saved: The snapshot the store holds now.
    """

    def __init__(self, store: Store, clock: Clock, *, profile_id: int, attempt: ExamAttempt, saved: dict[str, Any]) -> None:
        self.store = store
        self.clock = clock
        self.profile_id = profile_id
        self.attempt = attempt
        """The attempt: act on it from one thread, then `snapshot()`."""
        self._saved = saved
        self._saved_seq = 0
        self._seq = 0
        self._lock = threading.Lock()
        self._cards = {q.card.id: q.card for q in attempt.questions}
        self.last_saved_at = clock.now()
        """When the latest snapshot was taken (the face saves the running time every `SAVE_EVERY_S`)."""

    def snapshot(self) -> tuple[int, dict[str, Any]]:
        """The attempt as it is now (taking it credits the time so far), numbered for `save`."""
        now = self.clock.now()
        self._seq += 1
        self.last_saved_at = now
        return self._seq, self.attempt.to_dict(now)

    def save(self, snapshot: tuple[int, dict[str, Any]] | None = None) -> bool:
        """Write a snapshot (taken now if not given): the attempt's row and the questions that changed.

        Safe from any thread; a snapshot older than one already written is skipped.

        Returns:
            True if written, False if skipped as stale.

        Raises:
            StoreError: The database is busy, damaged or unreachable (nothing was written).
        """
        from trainer.store import exams_repo
        from trainer.store.db import store_errors

        seq, data = snapshot if snapshot is not None else self.snapshot()
        with self._lock:
            if seq <= self._saved_seq:
                return False
            values = {"time_used_ms": data["time_used_ms"], "position": data["index"]}
            changed: dict[int, dict[str, Any]] = {}
            for n, (old, new) in enumerate(zip(self._saved["questions"], data["questions"], strict=True)):
                if old == new:
                    continue
                row: dict[str, Any] = {"time_ms": new["time_ms"], "flagged": new["flagged"]}
                if old["given"] != new["given"]:
                    row.update(_answer_values(self._cards[new["card_id"]], new["given"]))
                changed[n] = row
            with store_errors("save the exam"), self.store.engine.begin() as connection:
                exams_repo.save_attempt(connection, attempt_id=data["id"], values=values, answers=changed)
            self._saved, self._saved_seq = data, seq
        return True

    def finish(self) -> ExamResult:
        """Score the submitted attempt, store its score and submission, and compare with earlier attempts.

        Raises:
            ExamStateError: If the attempt is not submitted yet.
            StoreError: The database could not be read or written.
        """
        from trainer.store import exams_repo
        from trainer.store.db import store_errors

        attempt = self.attempt
        with store_errors("read the places of the roots"), self.store.engine.connect() as connection:
            places = dermatome_places(Reader(SqlAlchemyExecutor(connection), profile_id=self.profile_id).active_cards())
        report = attempt.report(places)
        self.save()
        with store_errors("save the exam's score"), self.store.engine.begin() as connection:
            assert attempt.submitted_at is not None and attempt.submitted_by is not None
            exams_repo.finish_attempt(
                connection,
                attempt_id=attempt.id,
                submitted_at=attempt.submitted_at,
                submitted_by=attempt.submitted_by.value,
                correct=report.score.correct,
            )
            earlier = exams_repo.earlier_scores(
                connection, profile_id=self.profile_id, before=attempt.started_at, exclude=attempt.id
            )
        return ExamResult(report=report, trend=trend(report.score.percent, earlier))


def new_exam(
    store: Store,
    clock: Clock,
    *,
    profile_id: int,
    questions: int = DEFAULT_QUESTIONS,
    minutes: int | None = None,
    scope: str = "all",
    seed: int | None = None,
    weak: bool = False,
    deck_ids: Sequence[str] | None = None,
) -> ExamRun:
    """Choose the questions, store the new attempt and start its clock.

    Args:
        store: The open store.
        clock: The app's clock.
        profile_id: The student.
        questions: How many questions (fewer if the scope holds fewer cards).
        minutes: The time allowed; `default_minutes(questions)` when None.
        scope: all, cervical, thoracic, lumbosacral, tag:NAME or deck:ID.
        seed: The blueprint's seed; from the clock when None (the report names it).
        weak: Weight the questions toward the roots this profile misses most (reviews and exams).
        deck_ids: Only these decks (None: all).

    Raises:
        ValueError: A bad count, time or scope, or no exam card in the scope (one sentence).
        StoreError: The database could not be read or written.
    """
    from trainer.store import exams_repo
    from trainer.store.db import store_errors

    if minutes is not None and minutes < 1:
        raise ValueError(f"An exam needs at least one minute (got {minutes}).")
    scope = parse_scope(scope)
    now = clock.now()
    if seed is None:
        seed = int(now.timestamp() * 1000) % 1_000_000
    with store_errors("prepare the exam"), store.engine.connect() as connection:
        reader = Reader(SqlAlchemyExecutor(connection), profile_id=profile_id, deck_ids=deck_ids)
        candidates = reader.active_cards()
        weights = weakness_weights(*exams_repo.misses_by_root(connection, profile_id=profile_id)) if weak else None
        name, pseudonym = exams_repo.profile_pseudonym(connection, profile_id=profile_id)
        decks = [DeckRef(id=d, version=v, title=t) for d, v, t in exams_repo.deck_versions(connection)]
        day = today_for(reader, clock, settings_from_rows(reader.stored_settings()))
    plan = blueprint(candidates, questions=questions, seed=seed, scope=scope, weights=weights)
    minutes = minutes if minutes is not None else default_minutes(len(plan.cards))
    attempt = start_exam(
        plan, time_limit_s=minutes * 60, now=now, student=StudentRef(id=pseudonym, profile=name), decks=decks
    )
    data = attempt.to_dict(now)
    with store_errors("start the exam"), store.engine.begin() as connection:
        exams_repo.insert_attempt(
            connection,
            attempt={
                "id": attempt.id,
                "profile_id": profile_id,
                "student_id": pseudonym,
                "seed": attempt.seed,
                "scope": attempt.scope,
                "weak": attempt.weak,
                "time_limit_s": attempt.time_limit_s,
                "started_at": attempt.started_at,
                "study_day": day,
                "time_used_ms": 0,
                "position": 0,
                "decks": data["decks"],
                "total": len(attempt.questions),
            },
            answers=[
                {"attempt_id": attempt.id, "n": n, "card_id": q.card.id, "expected_root": q.card.answer_root}
                for n, q in enumerate(attempt.questions)
            ],
        )
    return ExamRun(store, clock, profile_id=profile_id, attempt=attempt, saved=data)


def _stored(connection: Any, profile_id: int) -> tuple[Any, list[dict[str, Any]]] | None:
    from trainer.store import exams_repo

    row = exams_repo.unfinished_attempt(connection, profile_id=profile_id)
    if row is None:
        return None
    return row, exams_repo.attempt_answers(connection, attempt_id=row.id)


def _as_dict(row: Any, questions: list[dict[str, Any]], profile_name: str) -> dict[str, Any]:
    """A stored attempt in the shape `ExamAttempt.from_dict` reads."""
    from trainer.study.exam import ATTEMPT_FORMAT

    return {
        "format": ATTEMPT_FORMAT,
        "id": row.id,
        "student": {"id": row.student_id, "profile": profile_name},
        "decks": row.decks,
        "seed": row.seed,
        "scope": row.scope,
        "weak": row.weak,
        "time_limit_s": row.time_limit_s,
        "started_at": row.started_at.isoformat(),
        "time_used_ms": row.time_used_ms,
        "index": row.position,
        "submitted_at": None,
        "submitted_by": None,
        "questions": [{k: q[k] for k in ("card_id", "given", "time_ms", "flagged")} for q in questions],
    }


def unfinished_exam(store: Store, *, profile_id: int) -> UnfinishedExam | None:
    """The profile's attempt left mid-way (for Home's "Resume exam"), or None.

    Raises:
        StoreError: The database could not be read.
    """
    from trainer.store.db import store_errors

    with store_errors("look for an unfinished exam"), store.engine.connect() as connection:
        found = _stored(connection, profile_id)
    if found is None:
        return None
    row, questions = found
    return UnfinishedExam(
        attempt_id=row.id,
        questions=len(questions),
        answered=sum(q["given"] is not None for q in questions),
        position=row.position + 1,
        time_left_ms=max(0, row.time_limit_s * 1000 - row.time_used_ms),
    )


def resume_exam(store: Store, clock: Clock, *, profile_id: int) -> ExamRun | None:
    """The profile's unfinished attempt, running again from now with the time left as saved; None if none.

    An attempt saved with no time left comes back submitted (by timeout): `finish()` it.

    Raises:
        ExamStateError: Its saved state cannot be restored (cards gone, damaged rows).
        StoreError: The database could not be read.
    """
    from trainer.store import exams_repo
    from trainer.store.db import store_errors

    with store_errors("resume the exam"), store.engine.connect() as connection:
        found = _stored(connection, profile_id)
        if found is None:
            return None
        row, questions = found
        cards = Reader(SqlAlchemyExecutor(connection), profile_id=profile_id).cards([q["card_id"] for q in questions])
        name, _ = exams_repo.profile_pseudonym(connection, profile_id=profile_id)
    attempt = ExamAttempt.from_dict(_as_dict(row, questions, name), cards, clock.now())
    return ExamRun(store, clock, profile_id=profile_id, attempt=attempt, saved=_as_dict(row, questions, name))



@dataclass(frozen=True)
class ExamOptions:
    """What the student asked for (`trainer exam ...` or Home's form)."""

    questions: int = DEFAULT_QUESTIONS
    minutes: int | None = None
    scope: str = "all"
    seed: int | None = None
    weak: bool = False
    resume: bool = False
    """Resume the unfinished attempt instead of starting one."""
    report: str | None = None
    """A report file to write once the exam is submitted (.json, .md or .csv)."""
