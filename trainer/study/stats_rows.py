"""Statistics, step 1: the input rows and their totals (pure, no SQL, no clock).

`aggregate_reviews` folds review-log rows into totals (`ReviewTotals`): answers and time per study
day, and over the period review-queue passes of mature and young cards, passes per root and
confusion pairs with the days they happened on; `aggregate_cards` folds card states into cards due
per day and per-root card counts (`CardTotals`). They are what SQL `GROUP BY` queries return
(bench/bench_stats.py has the queries), so the store can hand over about a thousand grouped rows
instead of a million reviews. The definitions (retention, time studied, confusions) are in
`trainer.study.stats`, which re-exports everything here and does step 2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from trainer.scheduling.sm2 import PASSING_QUALITY

__all__ = [
    "MATURE_INTERVAL",
    "MAX_ANSWER_MS",
    "REVIEW_QUEUE",
    "CardStateRow",
    "CardTotals",
    "ExamAnswerRow",
    "ReviewRow",
    "ReviewTotals",
    "aggregate_cards",
    "aggregate_reviews",
    "period_start",
]

MATURE_INTERVAL = 21
"""Days of interval from which a card is mature (Anki's definition)."""

MAX_ANSWER_MS = 60_000
"""Longest time one answer counts toward time studied (Anki's default answer-time cap)."""

REVIEW_QUEUE = "due"
"""The `Review.queue` value of answers from the review queue (the ones retention counts)."""


# --- input rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """The fields of one `trainer.store.models.Review` row that statistics read."""

    card_id: str
    reviewed_at: datetime
    study_day: date
    quality: int
    response_ms: int | None
    queue: str
    """"due", "new" or "repeat"."""
    interval_before: int
    interval_after: int
    given_root: str | None = None
    expected_root: str | None = None
    is_drill: bool = False
    verdict: str | None = None
    """"correct", "adjacent", "wrong", "blank", or None for a self-graded card."""
    profile: str = "default"


@dataclass(frozen=True, slots=True)
class CardStateRow:
    """One active card's schedule (a `CardState` joined with its card's `answer_root`)."""

    card_id: str
    due_day: date | None
    """None until the card's first answer."""
    interval: int
    suspended: bool
    root: str | None = None
    """The root the card's answer names (`Card.answer_root`), for the per-root table."""
    profile: str = "default"


@dataclass(frozen=True, slots=True)
class ExamAnswerRow:
    """One answered exam question (exams never change SM-2 state, but they count as study and show confusions)."""

    study_day: date
    expected_root: str | None
    given_root: str | None
    correct: bool
    time_ms: int
    profile: str = "default"


# --- step 1: totals -------------------------------------------------------------------------------------


def period_start(today: date, period_days: int | None) -> date:
    """The first study day of a period of `period_days` ending `today` (date.min for all history).

    Raises:
        ValueError: If `period_days` is less than 1.
    """
    if period_days is None:
        return date.min
    if period_days < 1:
        raise ValueError(f"The period must be at least one day (got {period_days}).")
    return today - timedelta(days=period_days - 1)


@dataclass
class ReviewTotals:
    """A review log folded into what the figures need: small enough for SQL to return whole.

    Per-day counts cover all history (the calendar and the streak need them); the rest covers the
    period from `since` on. Each field is one GROUP BY of the proposed queries (bench/bench_stats.py).
    """

    since: date = date.min
    """First study day of the period the period totals cover (date.min: all history)."""
    answers: Counter[date] = field(default_factory=Counter)
    """Answers per study day, all history (every queue, drills included)."""
    time_ms: Counter[date] = field(default_factory=Counter)
    """Capped response time per study day, all history."""
    retention: dict[bool, list[int]] = field(default_factory=dict)
    """Mature? -> [passed, total] of review-queue answers that are not drills, in the period."""
    roots: dict[str, list[int]] = field(default_factory=dict)
    """Expected root -> [passed, total] over all answers in the period."""
    confusions: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(expected, given) -> [wrong answers naming that other root, study days it happened on], in the period."""


def _wrong(verdict: str | None, quality: int) -> bool:
    # The checked verdict decides when there is one (a student may raise the grade of a wrong
    # answer); a self-graded answer is wrong when failed.
    if verdict is not None:
        return verdict in ("wrong", "adjacent")
    return quality < PASSING_QUALITY


def aggregate_reviews(rows: Iterable[ReviewRow], *, since: date = date.min, profile: str = "default") -> ReviewTotals:
    """Fold one profile's review-log rows into totals.

    Args:
        rows: Review rows (any order; rows of other profiles are skipped).
        since: First study day of the period (`period_start`); date.min for all history.
        profile: The profile whose rows count.
    """
    totals = ReviewTotals(since=since)
    answers, time_ms, retention, roots = totals.answers, totals.time_ms, totals.retention, totals.roots
    pair_days: dict[tuple[str, str], set[date]] = {}
    pair_count: Counter[tuple[str, str]] = Counter()
    for r in rows:
        if r.profile != profile:
            continue
        day = r.study_day
        answers[day] += 1
        if r.response_ms:
            time_ms[day] += min(r.response_ms, MAX_ANSWER_MS)
        if day < since:
            continue
        passed = r.quality >= PASSING_QUALITY
        if r.queue == REVIEW_QUEUE and not r.is_drill:
            cell = retention.get(r.interval_before >= MATURE_INTERVAL)
            if cell is None:
                cell = retention[r.interval_before >= MATURE_INTERVAL] = [0, 0]
            cell[0] += passed
            cell[1] += 1
        expected = r.expected_root
        if expected:
            cell = roots.get(expected)
            if cell is None:
                cell = roots[expected] = [0, 0]
            cell[0] += passed
            cell[1] += 1
            given = r.given_root
            if given and given != expected and _wrong(r.verdict, r.quality):
                pair = (expected, given)
                pair_count[pair] += 1
                pair_days.setdefault(pair, set()).add(day)
    totals.confusions = {pair: [n, len(pair_days[pair])] for pair, n in pair_count.items()}
    return totals


@dataclass
class CardTotals:
    """Card states folded into the two groupings the figures need (what SQL GROUP BY returns)."""

    due: Counter[date] = field(default_factory=Counter)
    """Due day -> cards due then (answered, not suspended). Days past the forecast may be left out."""
    roots: dict[str, list[int]] = field(default_factory=dict)
    """Root -> [cards, seen (answered at least once), mature (interval >= 21)], suspended included."""


def aggregate_cards(rows: Iterable[CardStateRow], *, profile: str = "default") -> CardTotals:
    """Fold one profile's active card states into per-due-day and per-root totals.

    Args:
        rows: Card-state rows of active (not retired) cards; rows of other profiles are skipped.
        profile: The profile whose rows count.
    """
    totals = CardTotals()
    due, roots = totals.due, totals.roots
    for c in rows:
        if c.profile != profile:
            continue
        if c.root:
            cell = roots.get(c.root)
            if cell is None:
                cell = roots[c.root] = [0, 0, 0]
            cell[0] += 1
            cell[1] += c.due_day is not None
            cell[2] += c.interval >= MATURE_INTERVAL
        if c.due_day is not None and not c.suspended:
            due[c.due_day] += 1
    return totals
