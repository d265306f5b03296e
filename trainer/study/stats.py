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

Step 1 (the rows and `aggregate_*`) lives in `trainer.study.stats_rows`; this module does step 2
and re-exports step 1's public names, so import from here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from trainer.content.roots import position
from trainer.study.exam_report import Confusion, confusion_pairs
from trainer.study.overview import streak
from trainer.study.stats_rows import (
    MATURE_INTERVAL,
    MAX_ANSWER_MS,
    REVIEW_QUEUE,  # noqa: F401  (a module-level name of stats.py before the split; kept importable)
    CardStateRow,
    CardTotals,
    ExamAnswerRow,
    ReviewRow,
    ReviewTotals,
    aggregate_cards,
    aggregate_reviews,
    period_start,
)

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

FORECAST_DAYS = 30
"""Days the due forecast covers, today first."""

HEATMAP_DAYS = 16 * 7
"""Days of the reviews-per-day calendar: the last 16 weeks, today last."""


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
