"""Statistics over a profile's review log, card states and exam answers: pure, no SQL, no clock.

Two steps, so that the database can do the heavy one:

1. `aggregate_reviews` folds review-log rows into totals (`ReviewTotals`): answers and time per
   study day, and over the period review-queue passes of mature and young cards, passes per root
   and confusion pairs with the days they happened on; `aggregate_cards` folds card states into
   cards due per day and per-root card counts (`CardTotals`). They are what SQL `GROUP BY`
   queries return (bench/bench_stats.py has the queries), so the store can hand over about a
   thousand grouped rows instead of a million reviews; or the rows themselves can be folded here
   (`summarize` does both steps).
2. `compute_stats` turns those totals and the exam answers into the figures the Stats screen and
   `trainer stats --json` show (`Stats`, `stats_json`).

Definitions (as Anki's, where Anki has one):
- Retention is the pass rate (quality >= 3) of answers from the review queue ("due"), not of new
  cards, same-day repeats or drills. Mature: the interval before the answer was >= 21 days; young:
  shorter. A lapse (a failed review) lowers retention; the relearning that follows does not count.
- Time studied adds each answer's response time, capped at 60 s (an answer left on screen while
  the student made tea is not an hour of study), and the time spent on exam questions.
- A confusion is a wrong answer that named another root than the card's: (expected, given). An
  answer another source accepts (L3 on a knee card whose canonical root is L4) is right, not one.
- The streak is the Home screen's (`trainer.study.queue.streak`): consecutive study days with an
  answer, ending today, or yesterday while today has none yet.
Study days are the ones stored with each answer (local zone and rollover hour at the time), so a
DST change or travel never moves a past answer to another day.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from trainer.content.roots import position
from trainer.scheduling.sm2 import PASSING_QUALITY
from trainer.study.exam import Confusion, confusion_pairs
from trainer.study.overview import streak

__all__ = [
    "FORECAST_DAYS",
    "HEATMAP_DAYS",
    "MATURE_INTERVAL",
    "MAX_ANSWER_MS",
    "CardStateRow",
    "CardTotals",
    "DayCount",
    "ExamAnswerRow",
    "ReviewTotals",
    "ReviewRow",
    "RootMastery",
    "Stats",
    "aggregate_cards",
    "aggregate_reviews",
    "compute_stats",
    "period_start",
    "stats_json",
    "summarize",
]

MATURE_INTERVAL = 21
"""Days of interval from which a card is mature (Anki's definition)."""

FORECAST_DAYS = 30
"""Days the due forecast covers, today first."""

HEATMAP_DAYS = 16 * 7
"""Days of the reviews-per-day calendar: the last 16 weeks, today last."""

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


# --- step 2: the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    """A count on one study day."""

    day: date
    count: int


@dataclass(frozen=True)
class RootMastery:
    """One row of the per-root mastery table."""

    root: str
    cards: int
    """Active cards whose answer is this root (suspended ones included)."""
    seen: int
    """Of those, cards answered at least once."""
    mature: int
    """Of those, cards with an interval of 21 days or more."""
    reviews: int
    """Answers in the period (reviews and exam questions)."""
    passed: int
    """Of those, the ones passed (quality >= 3, or right in an exam)."""

    @property
    def accuracy(self) -> float | None:
        """Passed out of answers in the period; None without answers."""
        return self.passed / self.reviews if self.reviews else None

    @property
    def mastery(self) -> float:
        """The share of the root's cards that are mature."""
        return self.mature / self.cards if self.cards else 0.0


@dataclass(frozen=True)
class Stats:
    """Everything the Stats screen and `trainer stats --json` show."""

    today: date
    period_days: int | None
    """The period retention, mastery accuracy, confusions and time cover (None = all history)."""
    due_today: int
    """Cards due today or overdue (not suspended), before any daily limit."""
    forecast: tuple[DayCount, ...]
    """Cards falling due on each of the next 30 days, today (with the overdue) first."""
    streak_days: int
    reviews_by_day: tuple[DayCount, ...]
    """Answers on each of the last 112 study days, oldest first, zero days included."""
    retention_mature: float | None
    retention_mature_counts: tuple[int, int]
    """(passed, total)."""
    retention_young: float | None
    retention_young_counts: tuple[int, int]
    per_root: tuple[RootMastery, ...]
    """Cranio-caudal; roots with neither cards nor answers left out."""
    confusions: tuple[Confusion, ...]
    """Reviews and exams together, most frequent first."""
    confusion_days: Mapping[tuple[str, str], int]
    """(expected, given) -> on how many study days reviews gave it ("you keep answering L4 for L5");
    exam answers add to a pair's count, not to its days."""
    time_studied_s: int
    reviews_total: int
    """Answers in the period."""


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


def _root_order(root: str) -> float:
    try:
        return position(root)
    except ValueError:
        return math.inf


def compute_stats(
    reviews: ReviewTotals,
    cards: CardTotals,
    exams: Iterable[ExamAnswerRow] = (),
    *,
    today: date,
    places: Mapping[str, str] | None = None,
    profile: str = "default",
) -> Stats:
    """The statistics on `today` for one profile.

    Args:
        reviews: This profile's review totals (`aggregate_reviews`, or the same from SQL); their
            `since` sets the period of retention, per-root accuracy, confusions and time.
        cards: This profile's card-state totals (`aggregate_cards`, or the same from SQL).
        exams: Answered exam questions (rows of other profiles and outside the period are skipped).
        today: The current study day (from `trainer.clock.study_day`).
        places: Root -> region, to explain confusions (`trainer.content.places.dermatome_places`).
        profile: The profile.
    """
    start = reviews.since

    def within(day: date) -> bool:
        return start <= day <= today

    exam_rows = [e for e in exams if e.profile == profile and within(e.study_day)]

    due: Counter[int] = Counter()
    for day, count in cards.due.items():
        offset = max(0, (day - today).days)
        if offset < FORECAST_DAYS:
            due[offset] += count
    forecast = tuple(DayCount(today + timedelta(days=i), due[i]) for i in range(FORECAST_DAYS))

    answers = reviews.answers
    heat = tuple(
        DayCount(day, answers.get(day, 0)) for day in (today - timedelta(days=i) for i in range(HEATMAP_DAYS - 1, -1, -1))
    )
    current_streak = streak({d for d, n in answers.items() if n}.__contains__, today)

    mature = reviews.retention.get(True, [0, 0])
    young = reviews.retention.get(False, [0, 0])

    answered = {root: list(cell) for root, cell in reviews.roots.items()}
    for e in exam_rows:
        if e.expected_root:
            cell = answered.setdefault(e.expected_root, [0, 0])
            cell[0] += e.correct
            cell[1] += 1
    per_root_cards = cards.roots
    per_root = tuple(
        RootMastery(
            root=root,
            cards=per_root_cards.get(root, (0, 0, 0))[0],
            seen=per_root_cards.get(root, (0, 0, 0))[1],
            mature=per_root_cards.get(root, (0, 0, 0))[2],
            reviews=answered.get(root, (0, 0))[1],
            passed=answered.get(root, (0, 0))[0],
        )
        for root in sorted(set(per_root_cards) | set(answered), key=lambda r: (_root_order(r), r))
    )

    pairs: Counter[tuple[str, str]] = Counter({pair: cell[0] for pair, cell in reviews.confusions.items()})
    for e in exam_rows:
        if not e.correct and e.expected_root and e.given_root and e.given_root != e.expected_root:
            pairs[(e.expected_root, e.given_root)] += 1
    confusions = confusion_pairs(pairs, places or {})

    time_ms = sum(ms for day, ms in reviews.time_ms.items() if within(day)) + sum(e.time_ms for e in exam_rows)
    return Stats(
        today=today,
        period_days=None if start == date.min else (today - start).days + 1,
        due_today=forecast[0].count,
        forecast=forecast,
        streak_days=current_streak,
        reviews_by_day=heat,
        retention_mature=_rate(mature[0], mature[1]),
        retention_mature_counts=(mature[0], mature[1]),
        retention_young=_rate(young[0], young[1]),
        retention_young_counts=(young[0], young[1]),
        per_root=per_root,
        confusions=confusions,
        confusion_days={pair: cell[1] for pair, cell in reviews.confusions.items()},
        time_studied_s=(time_ms + 500) // 1000,
        reviews_total=sum(n for day, n in answers.items() if within(day)),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def stats_json(stats: Stats) -> dict[str, Any]:
    """The JSON object of `trainer stats --json`.

    Keys: due_today, forecast [{day, count}], streak_days, retention_mature and retention_young
    (fractions 0..1 to 4 decimals, null without answers) with their counts, reviews_by_day
    [{day, count}], per_root [{root, cards, seen, mature, mastery, reviews, passed, accuracy}],
    confusions [{expected, given, count, days, text}], time_studied_s, and today, period_days,
    reviews_total. Days are ISO dates.
    """
    return {
        "today": stats.today.isoformat(),
        "period_days": stats.period_days,
        "due_today": stats.due_today,
        "forecast": [{"day": d.day.isoformat(), "count": d.count} for d in stats.forecast],
        "streak_days": stats.streak_days,
        "retention_mature": _round(stats.retention_mature),
        "retention_mature_counts": {"passed": stats.retention_mature_counts[0], "total": stats.retention_mature_counts[1]},
        "retention_young": _round(stats.retention_young),
        "retention_young_counts": {"passed": stats.retention_young_counts[0], "total": stats.retention_young_counts[1]},
        "reviews_by_day": [{"day": d.day.isoformat(), "count": d.count} for d in stats.reviews_by_day],
        "reviews_total": stats.reviews_total,
        "per_root": [
            {
                "root": r.root, "cards": r.cards, "seen": r.seen, "mature": r.mature,
                "mastery": round(r.mastery, 4), "reviews": r.reviews, "passed": r.passed,
                "accuracy": _round(r.accuracy),
            }
            for r in stats.per_root
        ],  # fmt: skip
        "confusions": [
            {
                "expected": c.expected, "given": c.given, "count": c.count,
                "days": stats.confusion_days.get((c.expected, c.given), 0), "text": c.explanation,
            }
            for c in stats.confusions
        ],  # fmt: skip
        "time_studied_s": stats.time_studied_s,
    }


def summarize(
    reviews: Iterable[ReviewRow],
    cards: Iterable[CardStateRow],
    exams: Sequence[ExamAnswerRow] = (),
    *,
    today: date,
    period_days: int | None = None,
    places: Mapping[str, str] | None = None,
    profile: str = "default",
) -> Stats:
    """Both steps over raw rows: `compute_stats(aggregate_reviews(...), aggregate_cards(...), ...)`."""
    return compute_stats(
        aggregate_reviews(reviews, since=period_start(today, period_days), profile=profile),
        aggregate_cards(cards, profile=profile),
        exams,
        today=today,
        places=places,
        profile=profile,
    )
