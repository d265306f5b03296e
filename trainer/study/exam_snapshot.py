"""An exam attempt as a plain dict, for the store to keep mid-exam, and back.

`ExamAttempt.to_dict` and `ExamAttempt.from_dict` call these; the dict is JSON-ready and carries
`ATTEMPT_FORMAT`. Pure: no SQL, no clock. Re-exported (`ATTEMPT_FORMAT`) by `trainer.study.exam`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trainer.content.answers import Verdict, check
from trainer.content.cards import Card
from trainer.study.exam_blueprint import parse_scope
from trainer.study.exam_records import DeckRef, ExamStateError, StudentRef, SubmittedBy

if TYPE_CHECKING:
    from trainer.study.exam_attempt import ExamAttempt

__all__ = ["ATTEMPT_FORMAT", "attempt_from_dict", "attempt_to_dict"]

ATTEMPT_FORMAT = 1
"""Version of the dict `ExamAttempt.to_dict` writes (what the store keeps mid-exam)."""


# These functions read and set the attempt's private state on purpose: they are the attempt's own
# persistence, kept in their own module only so that no module grows past 400 lines.


def attempt_to_dict(attempt: ExamAttempt, now: datetime) -> dict[str, Any]:
    """The snapshot `ExamAttempt.to_dict` returns (see there)."""
    if not attempt.submitted:
        attempt._flush(now)
    return {
        "format": ATTEMPT_FORMAT,
        "id": attempt.id,
        "student": {"id": attempt.student.id, "profile": attempt.student.profile},
        "decks": [{"id": d.id, "version": d.version, "title": d.title} for d in attempt.decks],
        "seed": attempt.seed,
        "scope": attempt.scope,
        "weak": attempt.weak,
        "time_limit_s": attempt.time_limit_s,
        "started_at": attempt.started_at.isoformat(),
        "time_used_ms": attempt._used_ms,
        "index": attempt._index,
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        "submitted_by": attempt.submitted_by.value if attempt.submitted_by else None,
        "questions": [
            {"card_id": q.card.id, "given": q.given, "time_ms": q.time_ms, "flagged": q.flagged}
            for q in attempt._questions
        ],
    }


def attempt_from_dict(
    cls: type[ExamAttempt], data: Mapping[str, Any], cards: Mapping[str, Card], now: datetime
) -> ExamAttempt:
    """The attempt `ExamAttempt.from_dict` restores (see there); `cls` is the attempt class."""
    if not isinstance(data, Mapping) or data.get("format") != ATTEMPT_FORMAT:
        found = data.get("format") if isinstance(data, Mapping) else type(data).__name__
        raise ExamStateError(f"Cannot resume an exam saved in format {found!r}.")
    try:
        return _restore(cls, data, cards, now)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ExamStateError):
            raise
        raise ExamStateError(f"Cannot resume the exam: its saved state is damaged ({error!r}).") from None


def _restore(cls: type[ExamAttempt], data: Mapping[str, Any], cards: Mapping[str, Card], now: datetime) -> ExamAttempt:
    missing = [q["card_id"] for q in data["questions"] if q["card_id"] not in cards]
    if missing:
        raise ExamStateError(
            f"Cannot resume the exam: {len(missing)} of its cards are no longer in your decks "
            f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''})."
        )
    attempt = cls(
        attempt_id=str(data["id"]),
        cards=[cards[q["card_id"]] for q in data["questions"]],
        time_limit_s=int(data["time_limit_s"]),
        started_at=datetime.fromisoformat(data["started_at"]),
        seed=int(data["seed"]),
        scope=parse_scope(data["scope"]),
        weak=bool(data["weak"]),
        student=StudentRef(id=str(data["student"]["id"]), profile=str(data["student"]["profile"])),
        decks=[DeckRef(id=str(d["id"]), version=str(d["version"]), title=str(d.get("title", ""))) for d in data["decks"]],
    )
    for i, saved in enumerate(data["questions"]):
        q = attempt._questions[i]
        given = saved.get("given")
        result = check(q.card, str(given)) if given is not None else None
        if result is not None and result.verdict is Verdict.BLANK:
            given, result = None, None
        attempt._questions[i] = replace(
            q, given=given, result=result, time_ms=max(0, int(saved["time_ms"])), flagged=bool(saved["flagged"])
        )
    attempt._index = min(max(0, int(data["index"])), len(attempt._questions) - 1)
    attempt._used_ms = min(max(0, int(data["time_used_ms"])), attempt.limit_ms)
    if data.get("submitted_by"):
        attempt._close(datetime.fromisoformat(data["submitted_at"]), SubmittedBy(data["submitted_by"]))
    else:
        attempt._running_since = now
        attempt._flush(now)  # a snapshot taken with no time left resumes straight into the report
    return attempt
