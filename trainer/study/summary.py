"""The end-of-session report: how the study day went and when the next cards fall due.

Pure: it adds up the day's answers (as the store lists them) and leaves the reading to the session.
A confusion made again within the study day is spelt out with where each root lies on the body
(`trainer.content.places`, the sentence the exam report uses), so the student sees the pattern
while it is fresh, without running an exam.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from trainer.content.places import explain_confusion

__all__ = ["REPEATED", "DayAnswer", "SessionSummary", "summarise"]

CONFUSING_VERDICTS = frozenset({"wrong", "adjacent"})
"""Verdicts that name a wrong root: an accepted alternative ("L3" on a knee card) is no confusion."""

REPEATED = 2
"""A confusion made this many times in one study day is spelt out in the summary."""

class DayAnswer(Protocol):
    """One answer of the day, as `trainer.store.repo.answers_on` gives it."""

    quality: int
    expected_root: str | None
    given_root: str | None
    verdict: str | None


def _confused(answer: DayAnswer) -> bool:
    """The student named another root than the answer's and was not right (by the checker, else by the grade)."""
    if not answer.expected_root or not answer.given_root or answer.given_root == answer.expected_root:
        return False
    if answer.verdict is not None:
        return answer.verdict in CONFUSING_VERDICTS
    return answer.quality < 3


@dataclass(frozen=True)
class SessionSummary:
    """The report on the study day so far."""

    reviewed: int
    correct: int
    """Answers graded 3 or more (a pass in SM-2)."""
    accuracy: float | None
    """correct / reviewed, or None when nothing was reviewed."""
    elapsed_s: float
    missed_roots: list[tuple[str, int]]
    """(expected root, times missed), most first."""
    confusions: list[tuple[str, str, int]]
    """(expected root, given root, count), most first."""
    next_due: date | None
    """The first study day after today with cards due."""
    due_tomorrow: int
    """Cards due by tomorrow (including any left over today)."""
    repeated: list[str] = field(default_factory=list)
    """The confusions made `REPEATED` times or more today, most first, as sentences with where each
    root lies: "You answered L4 where the answer was L5 3 times today: L4 is ..., L5 ..."."""


def summarise(
    answers: Sequence[DayAnswer],
    *,
    elapsed_s: float,
    next_due: date | None,
    due_tomorrow: int,
    places: Mapping[str, str] | None = None,
) -> SessionSummary:
    """Add up a day's answers.

    Args:
        answers: Every answer of the study day, in order.
        elapsed_s: Time since the session started.
        next_due: The first study day after today with cards due.
        due_tomorrow: Cards due by tomorrow.
        places: Root -> where its dermatome lies (`trainer.content.places.dermatome_places`), to
            explain repeated confusions; without it they are named without places.
    """
    correct = sum(1 for a in answers if a.quality >= 3)
    missed: Counter[str] = Counter(a.expected_root for a in answers if a.quality < 3 and a.expected_root)
    confusions: Counter[tuple[str, str]] = Counter((a.expected_root, a.given_root) for a in answers if _confused(a))
    ranked = sorted(confusions.items(), key=lambda item: (-item[1], item[0]))
    repeated = [
        _sentence(explain_confusion(expected, given, n, places or {}, when="today"))
        for (expected, given), n in ranked
        if n >= REPEATED
    ]
    return SessionSummary(
        reviewed=len(answers),
        correct=correct,
        accuracy=correct / len(answers) if answers else None,
        elapsed_s=elapsed_s,
        missed_roots=sorted(missed.items(), key=lambda item: (-item[1], item[0])),
        confusions=[(e, g, n) for (e, g), n in ranked],
        next_due=next_due,
        due_tomorrow=due_tomorrow,
        repeated=repeated,
    )


def _sentence(text: str) -> str:
    """`text` as a sentence on its own: capital first letter, full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
