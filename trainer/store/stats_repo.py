"""Statistics SQL: the closed-day cache of the review log, its reads, today's answers and card totals.

As bench/bench_stats.py proposed and measured: the review log folded per closed study day (before
today) into `reviewday` and `reviewdayconfusion`, so statistics read a few thousand cache rows plus
today's answers instead of every review. A closed day's answers never change (answers are only
added, on today; undo reaches only today), so the cache is filled once per day from the log. It is
never trusted blindly: before each read the count of closed-day answers in the log is compared
with the cache's (one index-only count) and the cache is rebuilt from the log if they differ (a
purged deck took its reviews with it), so it cannot drift.

The SQL is plain text with named parameters (CASE rather than SQLite's scalar MIN, NOT on
booleans), so it runs on SQLite and PostgreSQL alike. Functions take an open connection and never
commit, except where named "refresh" (the caller's transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trainer.store.readers import SqlAlchemyExecutor, as_day

__all__ = ["CardFigures", "DayFigures", "card_figures", "closed_day_figures", "refresh_cache", "today_figures"]

MATURE = 21
"""Interval (days) from which a card is mature; `trainer.study.stats.MATURE_INTERVAL` says the same
(the store cannot import the study layer; tests/study/test_stats_store.py checks they agree)."""

CAP_MS = 60_000
"""Longest time one answer counts; `trainer.study.stats.MAX_ANSWER_MS` (checked by the same test)."""

CAPPED_MS = f"CASE WHEN response_ms > {CAP_MS} THEN {CAP_MS} ELSE COALESCE(response_ms, 0) END"
PASSED = "CASE WHEN quality >= 3 THEN 1 ELSE 0 END"
RETAINED = "queue = 'due' AND NOT is_drill"
"""Answers retention counts: from the review queue, not same-day drills."""
WRONG_ROOT = (
    "expected_root IS NOT NULL AND given_root IS NOT NULL AND given_root <> expected_root "
    "AND (verdict IN ('wrong', 'adjacent') OR (verdict IS NULL AND quality < 3))"
)
"""A confusion: a wrong answer that named another root than the card's."""

FILL_DAYS = f"""INSERT INTO reviewday (profile_id, study_day, expected_root, answers, time_ms, passed,
        mature_n, mature_p, young_n, young_p)
    SELECT profile_id, study_day, expected_root, COUNT(*), SUM({CAPPED_MS}), SUM({PASSED}),
        SUM(CASE WHEN {RETAINED} AND interval_before >= {MATURE} THEN 1 ELSE 0 END),
        SUM(CASE WHEN {RETAINED} AND interval_before >= {MATURE} AND quality >= 3 THEN 1 ELSE 0 END),
        SUM(CASE WHEN {RETAINED} AND interval_before < {MATURE} THEN 1 ELSE 0 END),
        SUM(CASE WHEN {RETAINED} AND interval_before < {MATURE} AND quality >= 3 THEN 1 ELSE 0 END)
    FROM review WHERE profile_id = :profile AND study_day >= :from_day AND study_day < :today
    GROUP BY profile_id, study_day, expected_root"""
FILL_CONFUSIONS = f"""INSERT INTO reviewdayconfusion (profile_id, study_day, expected_root, given_root, n)
    SELECT profile_id, study_day, expected_root, given_root, COUNT(*) FROM review
    WHERE profile_id = :profile AND study_day >= :from_day AND study_day < :today AND {WRONG_ROOT}
    GROUP BY profile_id, study_day, expected_root, given_root"""

LOG_CLOSED_COUNT = "SELECT COUNT(*) FROM review WHERE profile_id = :profile AND study_day < :today"
CACHE_COUNT = "SELECT COALESCE(SUM(answers), 0), MAX(study_day) FROM reviewday WHERE profile_id = :profile"

CACHE_DAYS = """SELECT study_day, SUM(answers), SUM(time_ms) FROM reviewday WHERE profile_id = :profile
    GROUP BY study_day"""
CACHE_RETENTION = """SELECT SUM(mature_p), SUM(mature_n), SUM(young_p), SUM(young_n) FROM reviewday
    WHERE profile_id = :profile AND study_day >= :since"""
CACHE_ROOTS = """SELECT expected_root, SUM(passed), SUM(answers) FROM reviewday
    WHERE profile_id = :profile AND study_day >= :since AND expected_root IS NOT NULL GROUP BY expected_root"""
CACHE_CONFUSIONS = """SELECT expected_root, given_root, SUM(n), COUNT(DISTINCT study_day) FROM reviewdayconfusion
    WHERE profile_id = :profile AND study_day >= :since GROUP BY expected_root, given_root"""

LOG_DAYS = f"""SELECT study_day, COUNT(*), SUM({CAPPED_MS}) FROM review
    WHERE profile_id = :profile AND study_day >= :from_day GROUP BY study_day"""
LOG_RETENTION = f"""SELECT CASE WHEN interval_before >= {MATURE} THEN 1 ELSE 0 END, SUM({PASSED}), COUNT(*) FROM review
    WHERE profile_id = :profile AND study_day >= :from_day AND {RETAINED}
    GROUP BY CASE WHEN interval_before >= {MATURE} THEN 1 ELSE 0 END"""
LOG_ROOTS = f"""SELECT expected_root, SUM({PASSED}), COUNT(*) FROM review
    WHERE profile_id = :profile AND study_day >= :from_day AND expected_root IS NOT NULL GROUP BY expected_root"""
LOG_CONFUSIONS = f"""SELECT expected_root, given_root, COUNT(*), COUNT(DISTINCT study_day) FROM review
    WHERE profile_id = :profile AND study_day >= :from_day AND {WRONG_ROOT} GROUP BY expected_root, given_root"""

DUE = """SELECT cardstate.due_day, COUNT(*) FROM cardstate JOIN card ON card.id = cardstate.card_id
    WHERE cardstate.profile_id = :profile AND card.retired_at IS NULL AND NOT cardstate.suspended
      AND cardstate.due_day IS NOT NULL AND cardstate.due_day < :horizon
    GROUP BY cardstate.due_day"""
ROOT_CARDS = f"""SELECT card.answer_root, COUNT(*),
        SUM(CASE WHEN cardstate.due_day IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN cardstate.interval >= {MATURE} THEN 1 ELSE 0 END)
    FROM cardstate JOIN card ON card.id = cardstate.card_id
    WHERE cardstate.profile_id = :profile AND card.retired_at IS NULL AND card.answer_root IS NOT NULL
    GROUP BY card.answer_root"""


@dataclass
class DayFigures:
    """Review-log figures (the fields of `trainer.study.stats.ReviewTotals`, before typing)."""

    answers: dict[date, int] = field(default_factory=dict)
    time_ms: dict[date, int] = field(default_factory=dict)
    retention: dict[bool, list[int]] = field(default_factory=dict)
    roots: dict[str, list[int]] = field(default_factory=dict)
    confusions: dict[tuple[str, str], list[int]] = field(default_factory=dict)


@dataclass
class CardFigures:
    """Card-state figures (the fields of `trainer.study.stats.CardTotals`)."""

    due: dict[date, int] = field(default_factory=dict)
    roots: dict[str, list[int]] = field(default_factory=dict)


def _add(cells: dict[Any, list[int]], key: Any, *values: int) -> None:
    cell = cells.setdefault(key, [0] * len(values))
    for i, value in enumerate(values):
        cell[i] += int(value or 0)


def refresh_cache(connection: Any, *, profile_id: int, today: date) -> bool:
    """Bring the closed-day cache up to `today` (exclusive); rebuild it if it no longer matches the log.

    Returns:
        True if anything was written (the caller commits).
    """
    run = SqlAlchemyExecutor(connection).rows
    params: dict[str, Any] = {"profile": profile_id, "today": today}
    cached, last = run(CACHE_COUNT, params)[0]
    last_day = as_day(last)
    if last_day is not None and last_day >= today:
        # A day the cache holds is today again (the clock went back): start over.
        cached = -1
    if int(cached) == int(run(LOG_CLOSED_COUNT, params)[0][0]):
        return False
    from_day = date.min
    if cached >= 0 and last_day is not None:
        # Only whole days after the last cached one are missing, if the counts add up once they are in.
        missing_after = int(run(
            "SELECT COUNT(*) FROM review WHERE profile_id = :profile AND study_day > :last AND study_day < :today",
            {**params, "last": last_day},
        )[0][0])  # fmt: skip
        if int(cached) + missing_after == int(run(LOG_CLOSED_COUNT, params)[0][0]):
            from_day = date.fromordinal(last_day.toordinal() + 1)
    if from_day == date.min:
        run_write(connection, "DELETE FROM reviewday WHERE profile_id = :profile", {"profile": profile_id})
        run_write(connection, "DELETE FROM reviewdayconfusion WHERE profile_id = :profile", {"profile": profile_id})
    fill = {"profile": profile_id, "today": today, "from_day": from_day}
    run_write(connection, FILL_DAYS, fill)
    run_write(connection, FILL_CONFUSIONS, fill)
    return True


def run_write(connection: Any, sql: str, params: Mapping[str, Any]) -> None:
    """Run one write statement (dates bound as ISO text on SQLite, as the readers bind them)."""
    from sqlalchemy import text

    if connection.dialect.name == "sqlite":
        params = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
    connection.execute(text(sql), params)


def closed_day_figures(connection: Any, *, profile_id: int, since: date) -> DayFigures:
    """The cache's figures: answers and time per day (all history), the rest from `since`."""
    run = SqlAlchemyExecutor(connection).rows
    params = {"profile": profile_id, "since": since}
    out = DayFigures()
    for day, n, ms in run(CACHE_DAYS, params):
        d = as_day(day)
        assert d is not None
        out.answers[d] = out.answers.get(d, 0) + int(n)
        out.time_ms[d] = out.time_ms.get(d, 0) + int(ms or 0)
    for mature_p, mature_n, young_p, young_n in run(CACHE_RETENTION, params):
        if mature_n:
            _add(out.retention, True, mature_p, mature_n)
        if young_n:
            _add(out.retention, False, young_p, young_n)
    for root, passed, total in run(CACHE_ROOTS, params):
        _add(out.roots, root, passed, total)
    for expected, given, n, days in run(CACHE_CONFUSIONS, params):
        _add(out.confusions, (expected, given), n, days)
    return out


def today_figures(connection: Any, *, profile_id: int, from_day: date, into: DayFigures | None = None) -> DayFigures:
    """The same figures straight from the log, for study days from `from_day` on (today's answers)."""
    run = SqlAlchemyExecutor(connection).rows
    params = {"profile": profile_id, "from_day": from_day}
    out = into if into is not None else DayFigures()
    for day, n, ms in run(LOG_DAYS, params):
        d = as_day(day)
        assert d is not None
        out.answers[d] = out.answers.get(d, 0) + int(n)
        out.time_ms[d] = out.time_ms.get(d, 0) + int(ms or 0)
    for mature, passed, total in run(LOG_RETENTION, params):
        _add(out.retention, bool(mature), passed, total)
    for root, passed, total in run(LOG_ROOTS, params):
        _add(out.roots, root, passed, total)
    for expected, given, n, days in run(LOG_CONFUSIONS, params):
        _add(out.confusions, (expected, given), n, days)
    return out


def card_figures(connection: Any, *, profile_id: int, horizon: date) -> CardFigures:
    """Cards due per day before `horizon` (active, not suspended), and per root: cards, seen, mature."""
    run = SqlAlchemyExecutor(connection).rows
    out = CardFigures()
    for day, n in run(DUE, {"profile": profile_id, "horizon": horizon}):
        d = as_day(day)
        assert d is not None
        out.due[d] = int(n)
    for root, n, seen, mature in run(ROOT_CARDS, {"profile": profile_id}):
        out.roots[root] = [int(n), int(seen or 0), int(mature or 0)]
    return out
