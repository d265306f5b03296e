"""An exam's report: the scored attempt, confusions explained by place, and the trend.

`ExamReport` is the scored attempt: score, accuracy per root and per kind, confusion pairs
explained by place, time per question and the missed cards ("Drill my mistakes"); `trend`
compares a score with the profile's earlier attempts. Pure. Re-exported by `trainer.study.exam`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from trainer.content.answers import Verdict
from trainer.content.cards import CardKind
from trainer.content.places import explain_confusion
from trainer.content.roots import position
from trainer.study.exam_blueprint import EXAM_KINDS
from trainer.study.exam_records import DeckRef, StudentRef, SubmittedBy

if TYPE_CHECKING:
    from trainer.study.exam_attempt import ExamAttempt

__all__ = [
    "Confusion",
    "ExamReport",
    "QuestionReport",
    "Score",
    "Tally",
    "Trend",
    "confusion_pairs",
    "score_attempt",
    "trend",
]


@dataclass(frozen=True)
class Score:
    """The headline figures."""

    correct: int
    total: int
    answered: int
    flagged: int

    @property
    def percent(self) -> float:
        """Correct out of all questions, in percent, to one decimal."""
        return round(100.0 * self.correct / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Tally:
    """Correct out of total for one root or one kind of question."""

    key: str
    correct: int
    total: int

    @property
    def percent(self) -> float:
        """Correct out of total, in percent, to one decimal."""
        return round(100.0 * self.correct / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Confusion:
    """A root given where another was expected, how often, and why it is an easy mix-up."""

    expected: str
    given: str
    count: int
    explanation: str


@dataclass(frozen=True)
class QuestionReport:
    """One question as scored."""

    n: int
    card_id: str
    deck_id: str
    deck_version: str
    kind: str
    template: str
    prompt: str
    expected: str
    expected_root: str | None
    given: str | None
    given_root: str | None
    verdict: str
    correct: bool
    time_ms: int
    flagged: bool


@dataclass(frozen=True)
class ExamReport:
    """A scored attempt: everything the report screen and the report files show."""

    attempt_id: str
    student: StudentRef
    started_at: datetime
    submitted_at: datetime
    submitted_by: SubmittedBy
    time_limit_s: int
    time_used_s: int
    seed: int
    scope: str
    weak: bool
    decks: tuple[DeckRef, ...]
    score: Score
    questions: tuple[QuestionReport, ...]
    per_root: tuple[Tally, ...]
    """By expected root, cranio-caudal; questions naming no root are not in it."""
    per_kind: tuple[Tally, ...]
    """By `Card.kind` value (true/false cards are "choice" cards)."""
    per_template: tuple[Tally, ...]
    """By generator template, most asked first (on screen; files carry it per question)."""
    confusions: tuple[Confusion, ...]
    """Most frequent first."""

    @property
    def missed_card_ids(self) -> tuple[str, ...]:
        """Cards not answered right (wrong, adjacent or blank), in exam order: "Drill my mistakes"."""
        return tuple(q.card_id for q in self.questions if not q.correct)


def _tallies(items: Iterable[tuple[str, bool]], order: Sequence[str] | None = None) -> tuple[Tally, ...]:
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for key, correct in items:
        total[key] += 1
        right[key] += correct
    keys = list(order) if order is not None else sorted(total, key=lambda k: (-total[k], k))
    return tuple(Tally(k, right[k], total[k]) for k in keys if total[k])


def confusion_pairs(
    pairs: Iterable[tuple[str, str]] | Mapping[tuple[str, str], int], places: Mapping[str, str]
) -> tuple[Confusion, ...]:
    """Count (expected, given) root pairs and explain each by place, most frequent first.

    Args:
        pairs: One (expected root, given root) per wrong answer that named a different root, or
            such pairs already counted (a mapping pair -> count).
        places: Root -> region (see `trainer.content.places.dermatome_places`).
    """
    counts = Counter(pairs) if not isinstance(pairs, Mapping) else Counter(dict(pairs))

    def rank(root: str) -> float:
        try:
            return position(root)
        except ValueError:
            return math.inf

    ordered = sorted(counts.items(), key=lambda item: (-item[1], rank(item[0][0]), rank(item[0][1])))
    return tuple(Confusion(e, g, n, explain_confusion(e, g, n, places)) for (e, g), n in ordered)


def score_attempt(attempt: ExamAttempt, places: Mapping[str, str]) -> ExamReport:
    """Score a submitted attempt (see `ExamAttempt.report`)."""
    assert attempt.submitted_by is not None and attempt.submitted_at is not None
    versions = {d.id: d.version for d in attempt.decks}
    rows: list[QuestionReport] = []
    for n, q in enumerate(attempt.questions, 1):
        card = q.card
        rows.append(
            QuestionReport(
                n=n,
                card_id=card.id,
                deck_id=card.deck_id,
                deck_version=versions.get(card.deck_id, ""),
                kind=card.kind.value,
                template=card.template,
                prompt=card.prompt,
                expected=card.answer,
                expected_root=card.answer_root,
                given=q.given,
                given_root=q.result.given_root if q.result is not None else None,
                verdict=q.verdict.value,
                correct=q.verdict is Verdict.CORRECT,
                time_ms=q.time_ms,
                flagged=q.flagged,
            )
        )
    roots = sorted({r.expected_root for r in rows if r.expected_root}, key=position)
    kinds = [k.value for k in CardKind if k in EXAM_KINDS]
    return ExamReport(
        attempt_id=attempt.id,
        student=attempt.student,
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        submitted_by=attempt.submitted_by,
        time_limit_s=attempt.time_limit_s,
        time_used_s=(attempt._used_ms + 500) // 1000,
        seed=attempt.seed,
        scope=attempt.scope,
        weak=attempt.weak,
        decks=attempt.decks,
        score=Score(
            correct=sum(r.correct for r in rows),
            total=len(rows),
            answered=sum(r.given is not None for r in rows),
            flagged=sum(r.flagged for r in rows),
        ),
        questions=tuple(rows),
        per_root=_tallies(((r.expected_root, r.correct) for r in rows if r.expected_root), roots),
        per_kind=_tallies(((r.kind, r.correct) for r in rows), kinds),
        per_template=_tallies((r.template, r.correct) for r in rows),
        confusions=confusion_pairs(
            (
                (r.expected_root, r.given_root)
                for r in rows
                if not r.correct and r.expected_root and r.given_root and r.given_root != r.expected_root
            ),
            places,
        ),
    )


# --- trend -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A score against the profile's earlier attempts."""

    current: float
    attempts: int
    """All attempts, this one included."""
    previous: float | None = None
    best_before: float | None = None
    mean_before: float | None = None
    direction: Literal["first", "up", "down", "same"] = "first"
    earlier: tuple[float, ...] = field(default=())
    """The earlier scores, oldest first (for a sparkline)."""

    @property
    def change(self) -> float | None:
        """Percentage points since the previous attempt (None on the first)."""
        return None if self.previous is None else round(self.current - self.previous, 1)

    def sentence(self) -> str:
        """One line for the report: "77.5%, up 5.0 points on last time (72.5%); best before 80.0%"."""
        now = f"{self.current:.1f}%"
        if self.previous is None or self.change is None:
            return f"{now}: your first attempt."
        if self.direction == "same":
            move = f"the same as last time ({self.previous:.1f}%)"
        else:
            move = f"{self.direction} {abs(self.change):.1f} points on last time ({self.previous:.1f}%)"
        earlier = self.attempts - 1
        return f"{now}, {move}; best before {self.best_before:.1f}% over {earlier} earlier attempt{'s' if earlier > 1 else ''}."


def trend(current: float, earlier: Sequence[float]) -> Trend:
    """Compare a score with earlier attempts' scores.

    Args:
        current: This attempt's percent.
        earlier: Earlier attempts' percents, oldest first (the profile's, in the same scope if
            the face wants like compared with like).

    Returns:
        The trend; `direction` is "same" when the change rounds to 0.0 points.
    """
    if not earlier:
        return Trend(current=current, attempts=1)
    previous = earlier[-1]
    change = round(current - previous, 1)
    direction: Literal["up", "down", "same"] = "up" if change > 0 else "down" if change < 0 else "same"
    return Trend(
        current=current,
        attempts=len(earlier) + 1,
        previous=previous,
        best_before=max(earlier),
        mean_before=round(sum(earlier) / len(earlier), 1),
        direction=direction,
        earlier=tuple(earlier),
    )
