"""Statistics SQL: the closed-day cache of the review log, its reads, today's answers and card totals.

As bench/bench_stats.py proposed and measured: the review log folded per closed study day (before
today) into `reviewday` and `reviewdayconfusion`, so statistics read a few thousand cache rows plus
the newest answers instead of every review. `statscache.until_day` says how far the cache holds the
log: every study day before it is folded in exactly, the days from it on are read from the log.
The cache is kept right by the writers, not by checking it on every read: each function that adds
or removes review rows (`repo.add_review`, `repo.delete_review`, `decks_repo.purge_deck`) calls
`forget_from`, which moves `until_day` back to the earliest day it touched, so those days are read
from the log again and refolded at the next refresh. tests/study/test_stats_cache.py checks that
every writer of the review table in trainer/ does so, and that the cache equals a recompute after
each kind of change, across midnight and the day-rollover hour.

The SQL is plain text with named parameters (CASE rather than SQLite's scalar MIN, NOT on
booleans), so it runs on SQLite and PostgreSQL alike. Functions take an open connection and never
commit; `refresh_cache` writes in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trainer.store.readers import Executor, SqlAlchemyExecutor, as_day

__all__ = [
    "CardFigures",
    "DayFigures",
    "ExamAnswerFigures",
    "cache_until",
    "card_figures",
    "closed_day_figures",
    "exam_answer_rows",
    "log_has_days",
    "forget_from",
    "refresh_cache",
    "today_figures",
]

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

UNTIL = "SELECT until_day FROM statscache WHERE profile_id = :profile"
CLAIM = "UPDATE statscache SET until_day = until_day WHERE profile_id = :profile"
"""A write that changes nothing, run first in a refresh: it takes SQLite's write lock (a row lock
on PostgreSQL) before anything is read, so two windows refreshing at once take turns, and a read
transaction never has to be upgraded after another window's commit (SQLITE_BUSY_SNAPSHOT)."""

CACHE_DAYS = """SELECT study_day, SUM(answers), SUM(time_ms) FROM reviewday
    WHERE profile_id = :profile AND study_day < :until GROUP BY study_day"""
CACHE_RETENTION = """SELECT SUM(mature_p), SUM(mature_n), SUM(young_p), SUM(young_n) FROM reviewday
    WHERE profile_id = :profile AND study_day >= :since AND study_day < :until"""
CACHE_ROOTS = """SELECT expected_root, SUM(passed), SUM(answers) FROM reviewday
    WHERE profile_id = :profile AND study_day >= :since AND study_day < :until AND expected_root IS NOT NULL
    GROUP BY expected_root"""
CACHE_CONFUSIONS = """SELECT expected_root, given_root, SUM(n), COUNT(*) FROM reviewdayconfusion
    WHERE profile_id = :profile AND study_day >= :since AND study_day < :until GROUP BY expected_root, given_root"""
"""COUNT(*) is the number of days: the cache holds one row per profile, day and pair (FILL_CONFUSIONS
groups by them and a refresh first deletes the days it refolds); COUNT(DISTINCT) cost a sort."""

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


def cache_until(executor: Executor, *, profile_id: int) -> date | None:
    """The first study day the cache does not hold (every day before it is folded in); None: nothing cached."""
    rows = executor.rows(UNTIL, {"profile": profile_id})
    return as_day(rows[0][0]) if rows else None


def log_has_days(executor: Executor, *, profile_id: int, from_day: date, before: date) -> bool:
    """True if the profile answered on a study day from `from_day` to `before` (exclusive): days to fold."""
    rows = executor.rows(
        "SELECT 1 FROM review WHERE profile_id = :profile AND study_day >= :from_day AND study_day < :before LIMIT 1",
        {"profile": profile_id, "from_day": from_day, "before": before},
    )
    return bool(rows)


def refresh_cache(connection: Any, *, profile_id: int, today: date) -> bool:
    """Fold the closed study days the cache lacks (from `cache_until` to `today`, exclusive) into it.

    Run it in a write transaction (`engine.begin()`); it claims the write lock before it reads.

    Returns:
        True if anything was written (the caller commits); False if the cache already reaches `today`.
    """
    params: dict[str, Any] = {"profile": profile_id}
    run_write(connection, CLAIM, params)
    until = cache_until(SqlAlchemyExecutor(connection), profile_id=profile_id)
    if until is not None and until >= today:
        return False
    from_day = until or date.min
    # Rows from `until` on were left by writers that moved it back: refold those days whole.
    for table in ("reviewday", "reviewdayconfusion"):
        run_write(connection, f"DELETE FROM {table} WHERE profile_id = :profile AND study_day >= :from_day",
                  {**params, "from_day": from_day})  # fmt: skip
    fill = {**params, "today": today, "from_day": from_day}
    run_write(connection, FILL_DAYS, fill)
    run_write(connection, FILL_CONFUSIONS, fill)
    if until is None:
        run_write(connection, "INSERT INTO statscache (profile_id, until_day) VALUES (:profile, :today)", fill)
    else:
        run_write(connection, "UPDATE statscache SET until_day = :today WHERE profile_id = :profile", fill)
    return True


_FORGET: dict[bool, Any] = {}
"""The two `forget_from` statements (one profile, every profile), built once: an answer runs one."""


def forget_from(conn: Any, *, profile_id: int | None, day: date | None) -> None:
    """Stop trusting the cache from `day` on, because review rows of that study day were added or removed.

    Every writer of the review table calls it in the same transaction as its change. Cheap when
    nothing is cached from `day` (an answer today): one primary-key lookup, no row changed.

    Args:
        conn: A Session or Connection (the caller's transaction).
        profile_id: The profile whose rows changed; None for every profile.
        day: The earliest study day changed; None for "any day" (nothing cached stays trusted).
    """
    from sqlalchemy import bindparam, delete, update
    from sqlmodel import col

    from trainer.store.models import StatsCache

    if day is None:
        statement = delete(StatsCache)
        conn.execute(statement if profile_id is None else statement.where(col(StatsCache.profile_id) == profile_id))
        return
    one = profile_id is not None
    statement = _FORGET.get(one)
    if statement is None:
        statement = update(StatsCache).where(col(StatsCache.until_day) > bindparam("changed_day"))
        if one:
            statement = statement.where(col(StatsCache.profile_id) == bindparam("changed_profile"))
        statement = _FORGET[one] = statement.values(until_day=bindparam("changed_day"))
    conn.execute(statement, {"changed_day": day, **({"changed_profile": profile_id} if one else {})})


def run_write(connection: Any, sql: str, params: Mapping[str, Any]) -> None:
    """Run one write statement (dates bound as ISO text on SQLite, as the readers bind them)."""
    from sqlalchemy import text

    if connection.dialect.name == "sqlite":
        params = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
    connection.execute(text(sql), params)


def closed_day_figures(executor: Executor, *, profile_id: int, since: date, until: date | None) -> DayFigures:
    """The cache's figures for days before `until` (`cache_until`): answers and time per day (all
    history), the rest from `since`. Read the days from `until` on with `today_figures`."""
    run = executor.rows
    params = {"profile": profile_id, "since": since, "until": until}
    out = DayFigures()
    if until is None:
        return out
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


def today_figures(executor: Executor, *, profile_id: int, from_day: date, into: DayFigures | None = None) -> DayFigures:
    """The same figures straight from the log, for study days from `from_day` on (those the cache lacks)."""
    run = executor.rows
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


def card_figures(executor: Executor, *, profile_id: int, horizon: date) -> CardFigures:
    """Cards due per day before `horizon` (active, not suspended), and per root: cards, seen, mature."""
    run = executor.rows
    out = CardFigures()
    for day, n in run(DUE, {"profile": profile_id, "horizon": horizon}):
        d = as_day(day)
        assert d is not None
        out.due[d] = int(n)
    for root, n, seen, mature in run(ROOT_CARDS, {"profile": profile_id}):
        out.roots[root] = [int(n), int(seen or 0), int(mature or 0)]
    return out



@dataclass(frozen=True)
class ExamAnswerFigures:
    """One question of a submitted exam attempt, as statistics read it."""

    study_day: date
    expected_root: str | None
    given_root: str | None
    correct: bool
    time_ms: int


EXAM_ANSWERS = """SELECT examattempt.study_day, examanswer.expected_root, examanswer.given_root, examanswer.correct,
        examanswer.time_ms
    FROM examanswer JOIN examattempt ON examattempt.id = examanswer.attempt_id
    WHERE examattempt.profile_id = :profile AND examattempt.submitted_at IS NOT NULL AND examattempt.study_day >= :since"""


def exam_answer_rows(executor: Executor, *, profile_id: int, since: date) -> list[ExamAnswerFigures]:
    """Every question of the profile's submitted attempts from study day `since` on (answered or not)."""
    return [
        ExamAnswerFigures(study_day=as_day(r[0]), expected_root=r[1], given_root=r[2], correct=bool(r[3]),  # type: ignore[arg-type]
                          time_ms=int(r[4] or 0))
        for r in executor.rows(EXAM_ANSWERS, {"profile": profile_id, "since": since})
    ]  # fmt: skip
