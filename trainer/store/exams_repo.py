"""Exam attempts and their answers: every write and read of the `examattempt` and `examanswer` tables.

An exam never changes SM-2 state, so nothing here touches `cardstate` or `review`. Functions are
keyword-only, take an open `Session` or `Connection` (anything with `execute`) and never commit:
the study layer owns each unit of work (one answer saved = one transaction). The SQL is portable
SQLAlchemy, so a PostgreSQL URL works too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlmodel import col

from trainer.store.models import Deck, ExamAnswer, ExamAttempt, Profile, Review

__all__ = [
    "AttemptRow",
    "attempt_answers",
    "deck_versions",
    "earlier_scores",
    "finish_attempt",
    "insert_attempt",
    "misses_by_root",
    "profile_pseudonym",
    "save_attempt",
    "unfinished_attempt",
]

_ATTEMPT = ExamAttempt.__table__  # type: ignore[attr-defined]
_ANSWER = ExamAnswer.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AttemptRow:
    """An attempt as stored (without its answers)."""

    id: str
    profile_id: int
    student_id: str
    seed: int
    scope: str
    weak: bool
    time_limit_s: int
    started_at: datetime
    study_day: date
    time_used_ms: int
    position: int
    decks: list[dict[str, str]]
    submitted_at: datetime | None
    submitted_by: str | None
    correct: int | None
    total: int


def insert_attempt(conn: Any, *, attempt: Mapping[str, Any], answers: Sequence[Mapping[str, Any]]) -> None:
    """Store a new attempt and one row per question.

    Args:
        conn: An open session or connection.
        attempt: The `examattempt` column values.
        answers: The `examanswer` column values, one per question (`n` from 0).
    """
    conn.execute(insert(_ATTEMPT).values(**attempt))
    if answers:
        conn.execute(insert(_ANSWER), [dict(row) for row in answers])


def save_attempt(
    conn: Any, *, attempt_id: str, values: Mapping[str, Any], answers: Mapping[int, Mapping[str, Any]]
) -> None:
    """Update an attempt's row and the given questions' rows (what changed since the last save).

    Args:
        conn: An open session or connection.
        attempt_id: The attempt.
        values: `examattempt` columns to set (time used, position, submission...).
        answers: Question number -> `examanswer` columns to set.
    """
    if values:
        conn.execute(update(_ATTEMPT).where(_ATTEMPT.c.id == attempt_id).values(**values))
    for n, row in answers.items():
        conn.execute(update(_ANSWER).where(and_(_ANSWER.c.attempt_id == attempt_id, _ANSWER.c.n == n)).values(**row))


def finish_attempt(conn: Any, *, attempt_id: str, submitted_at: datetime, submitted_by: str, correct: int) -> None:
    """Mark an attempt submitted, with its score (the trend of later attempts reads it)."""
    conn.execute(
        update(_ATTEMPT)
        .where(_ATTEMPT.c.id == attempt_id)
        .values(submitted_at=submitted_at, submitted_by=submitted_by, correct=correct)
    )


def _attempt_row(row: Any) -> AttemptRow:
    return AttemptRow(**{name: getattr(row, name) for name in AttemptRow.__dataclass_fields__})


def unfinished_attempt(conn: Any, *, profile_id: int) -> AttemptRow | None:
    """The profile's latest attempt not submitted yet, or None."""
    row = conn.execute(
        select(_ATTEMPT)
        .where(_ATTEMPT.c.profile_id == profile_id, _ATTEMPT.c.submitted_at.is_(None))
        .order_by(_ATTEMPT.c.started_at.desc())
        .limit(1)
    ).first()
    return None if row is None else _attempt_row(row)


def attempt_answers(conn: Any, *, attempt_id: str) -> list[dict[str, Any]]:
    """An attempt's questions in order: {n, card_id, given, time_ms, flagged}."""
    rows = conn.execute(
        select(_ANSWER.c.n, _ANSWER.c.card_id, _ANSWER.c.given, _ANSWER.c.time_ms, _ANSWER.c.flagged)
        .where(_ANSWER.c.attempt_id == attempt_id)
        .order_by(_ANSWER.c.n)
    ).all()
    return [
        {"n": r.n, "card_id": r.card_id, "given": r.given, "time_ms": int(r.time_ms), "flagged": bool(r.flagged)}
        for r in rows
    ]


def earlier_scores(conn: Any, *, profile_id: int, before: datetime, exclude: str | None = None) -> list[float]:
    """Percent scores of the profile's submitted attempts that started before `before`, oldest first."""
    query = (
        select(_ATTEMPT.c.correct, _ATTEMPT.c.total)
        .where(
            _ATTEMPT.c.profile_id == profile_id,
            _ATTEMPT.c.submitted_at.is_not(None),
            _ATTEMPT.c.started_at < before,
            _ATTEMPT.c.total > 0,
        )
        .order_by(_ATTEMPT.c.started_at)
    )
    if exclude is not None:
        query = query.where(_ATTEMPT.c.id != exclude)
    return [round(100.0 * (r.correct or 0) / r.total, 1) for r in conn.execute(query).all()]


def profile_pseudonym(conn: Any, *, profile_id: int) -> tuple[str, str]:
    """(name, pseudonym) of a profile."""
    row = conn.execute(select(col(Profile.name), col(Profile.pseudonym)).where(col(Profile.id) == profile_id)).one()
    return row[0], row[1]


def deck_versions(conn: Any) -> list[tuple[str, str, str]]:
    """(id, version, title) of every deck."""
    return [tuple(r) for r in conn.execute(select(col(Deck.id), col(Deck.version), col(Deck.title))).all()]


def misses_by_root(conn: Any, *, profile_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """(misses, answers) per expected root, from the review log and submitted exam answers.

    A miss is a review graded below 3 or an exam answer that was not right (blank included).
    """
    misses: dict[str, int] = {}
    answers: dict[str, int] = {}

    def add(rows: Iterable[Any]) -> None:
        for root, missed, total in rows:
            misses[root] = misses.get(root, 0) + int(missed or 0)
            answers[root] = answers.get(root, 0) + int(total or 0)

    add(
        conn.execute(
            select(
                col(Review.expected_root),
                func.sum(case((col(Review.quality) < 3, 1), else_=0)),
                func.count(),
            )
            .where(col(Review.profile_id) == profile_id, col(Review.expected_root).is_not(None))
            .group_by(col(Review.expected_root))
        ).all()
    )
    add(
        conn.execute(
            select(_ANSWER.c.expected_root, func.sum(case((_ANSWER.c.correct, 0), else_=1)), func.count())
            .select_from(_ANSWER.join(_ATTEMPT, _ATTEMPT.c.id == _ANSWER.c.attempt_id))
            .where(
                _ATTEMPT.c.profile_id == profile_id,
                _ATTEMPT.c.submitted_at.is_not(None),
                _ANSWER.c.expected_root.is_not(None),
            )
            .group_by(_ANSWER.c.expected_root)
        ).all()
    )
    return misses, answers


