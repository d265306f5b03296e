"""Statistics of a profile from the store: the figures of `trainer.study.stats`, read the fast way.

The heavy part is SQL (`trainer.store.stats_repo`): closed study days come from a cache folded
from the review log (brought up to today here, once a day; the log's writers keep it right), the
newest answers and the card states straight from their tables; exam answers come from the exam tables. The
figures themselves are computed by the pure `trainer.study.stats.compute_stats`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

from trainer.clock import Clock
from trainer.content.places import PLACE_TEMPLATE, dermatome_places
from trainer.store.readers import Executor, Reader, SqlAlchemyExecutor
from trainer.study.session import today_for
from trainer.study.settings import settings_from_rows
from trainer.study.stats import (
    FORECAST_DAYS,
    CardTotals,
    ExamAnswerRow,
    ReviewTotals,
    Stats,
    compute_stats,
    period_start,
)

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = ["HABIT_DAYS", "HABIT_WINDOW", "habits", "load_stats", "quick_stats", "repeated_confusions"]

HABIT_WINDOW = 30
"""Days looked back for a confusion that keeps coming back."""

HABIT_DAYS = 2
"""A confusion is a habit once it happened on this many different study days."""


def load_stats(store: Store, clock: Clock, *, profile_id: int, days: int | None = None) -> Stats:
    """The statistics of one profile today.

    Args:
        store: The open store.
        clock: The clock (study days in the profile's zone).
        profile_id: The student.
        days: The period retention, per-root accuracy, confusions and time cover (None: all history).

    Raises:
        ValueError: `days` below 1.
        StoreError: The database could not be read or the cache written.
    """
    from trainer.store import stats_repo
    from trainer.store.db import store_errors

    with store_errors("read the statistics"):
        with store.engine.connect() as connection:
            reader = Reader(SqlAlchemyExecutor(connection), profile_id=profile_id)
            today = today_for(reader, clock, settings_from_rows(reader.stored_settings()))
            until = stats_repo.cache_until(reader.executor, profile_id=profile_id)
        if until is None or until < today:
            # A new study day (or a writer moved the cache back): fold the closed days it lacks.
            with store.engine.begin() as connection:
                stats_repo.refresh_cache(connection, profile_id=profile_id, today=today)
        with store.engine.connect() as connection:
            return _read(Reader(SqlAlchemyExecutor(connection), profile_id=profile_id), today, days)


def quick_stats(executor: Executor, clock: Clock, *, profile_id: int, days: int | None = None) -> Stats | None:
    """The statistics through a read-only executor (`trainer.store.quick`), or None if the cache lacks closed days.

    `trainer stats` tries this first: it needs no SQLAlchemy (most of a second to import), and it
    is right whenever the cache already holds every closed day that has answers (after the day's
    first statistics read, which takes `load_stats` and folds them in).

    Raises:
        ValueError: `days` below 1.
        sqlite3.Error: The file could not be read (the caller takes the full path).
    """
    from trainer.store import stats_repo

    reader = Reader(executor, profile_id=profile_id)
    today = today_for(reader, clock, settings_from_rows(reader.stored_settings()))
    until = stats_repo.cache_until(executor, profile_id=profile_id)
    if until is None or (until < today and stats_repo.log_has_days(executor, profile_id=profile_id, from_day=until, before=today)):
        return None
    return _read(reader, today, days)


def _read(reader: Reader, today: date, days: int | None) -> Stats:
    """The figures through `reader`'s executor, in one transaction: cache up to its `until` day, log after."""
    from trainer.store import stats_repo

    executor, profile_id = reader.executor, reader.profile_id
    since = period_start(today, days)
    # Read again in this transaction: another window may have moved it since.
    until = stats_repo.cache_until(executor, profile_id=profile_id)
    figures = stats_repo.closed_day_figures(executor, profile_id=profile_id, since=since, until=until)
    from_day = max(since, until) if until is not None else since
    stats_repo.today_figures(executor, profile_id=profile_id, from_day=from_day, into=figures)
    cards = stats_repo.card_figures(executor, profile_id=profile_id, horizon=today + timedelta(days=FORECAST_DAYS))
    exams = stats_repo.exam_answer_rows(executor, profile_id=profile_id, since=since)
    places = dermatome_places(reader.cards_of_template(PLACE_TEMPLATE))
    totals = ReviewTotals(
        since=since,
        answers=Counter(figures.answers),
        time_ms=Counter(figures.time_ms),
        retention=figures.retention,
        roots=figures.roots,
        confusions=figures.confusions,
    )
    exam_rows = [
        ExamAnswerRow(study_day=e.study_day, expected_root=e.expected_root, given_root=e.given_root,
                      correct=e.correct, time_ms=e.time_ms)
        for e in exams
    ]  # fmt: skip
    return compute_stats(
        totals, CardTotals(due=Counter(cards.due), roots=cards.roots), exam_rows, today=today, places=places
    )


def habits(stats: Stats) -> list[str]:
    """The confusions a student keeps making, as sentences, most frequent first.

    "you keep answering L4 for L5 (4 times on 3 days)": a pair given on `HABIT_DAYS` or more study
    days in the period of `stats`.
    """
    out = []
    for c in stats.confusions:
        days = stats.confusion_days.get((c.expected, c.given), 0)
        if days >= HABIT_DAYS:
            out.append(f"you keep answering {c.given} for {c.expected} ({c.count} times on {days} days)")
    return out


def repeated_confusions(store: Store, clock: Clock, *, profile_id: int) -> list[str]:
    """The habits (`habits`) of the last `HABIT_WINDOW` days, for Home and the session summary."""
    return habits(load_stats(store, clock, profile_id=profile_id, days=HABIT_WINDOW))
