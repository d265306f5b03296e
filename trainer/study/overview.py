"""What the Home screen shows: today's counts, the streak, a time estimate, the decks, the profile.

Computed by the same queue rules as a study session (`trainer.study.queue.TodayQueue`) through
either reader, so the first screen (stdlib reader) and a later Home (full store) agree.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, NamedTuple

from trainer.clock import Clock
from trainer.store.readers import Reader, SqlAlchemyExecutor, profile_count
from trainer.study.queue import QueueCounts, TodayQueue, scoped_reader
from trainer.study.settings import Settings, settings_from_rows

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = [
    "DEFAULT_SECONDS_PER_CARD",
    "RESPONSE_SAMPLE",
    "DeckOverview",
    "HomeOverview",
    "home_overview",
    "home_overview_from",
    "seconds_per_card",
    "streak",
]

DEFAULT_SECONDS_PER_CARD = 8.0
"""Time estimate per card before the student has any timed answers (answer, read, accept)."""

FEEDBACK_SECONDS = 4.0
"""Added to the measured answer time: reading the right answer and the explanation, then
accepting the grade, which `response_ms` (question shown -> answer given) does not include."""

PRIOR_ANSWERS = 10
"""The default estimate weighs as much as this many timed answers, so one quick first answer
does not turn "about 3 minutes" into "about 1 minute"."""

RESPONSE_SAMPLE = 500
"""How many of the latest answers the time estimate takes its median from."""


class DeckOverview(NamedTuple):
    """One deck on the Home screen."""

    id: str
    title: str
    cards: int
    due: int


@dataclass(frozen=True)
class HomeOverview:
    """What the Home screen shows."""

    today: date
    counts: QueueCounts
    streak: int
    """Consecutive study days with at least one answer, ending today or yesterday."""
    minutes: int
    """Estimated minutes for today's queue, from the median of recent response times."""
    decks: list[DeckOverview]
    reviewed_today: int
    profile: str | None = None
    """The profile's name when the database holds several (Home names it), else None."""
    scope: str = ""
    """What today's study is limited to (the `study_scope` setting); "" = every deck."""


def streak(has_reviews_on: Callable[[date], bool], today: date) -> int:
    """Consecutive study days with at least one answer, ending today, or yesterday if today has none yet.

    Args:
        has_reviews_on: Whether a study day has an answer (one index probe per day, or a set lookup).
        today: The current study day.
    """
    day = today if has_reviews_on(today) else today - timedelta(days=1)
    count = 0
    while has_reviews_on(day):
        count += 1
        day -= timedelta(days=1)
    return count


def seconds_per_card(response_ms: Sequence[int]) -> float:
    """Expected seconds per card: the median answer time plus reading, blended with the default."""
    if not response_ms:
        return DEFAULT_SECONDS_PER_CARD
    measured = statistics.median(response_ms) / 1000 + FEEDBACK_SECONDS
    n = len(response_ms)
    return (n * measured + PRIOR_ANSWERS * DEFAULT_SECONDS_PER_CARD) / (n + PRIOR_ANSWERS)


def home_overview_from(reader: Reader, settings: Settings, today: date, *, profile: str | None = None) -> HomeOverview:
    """What the Home screen shows on `today`, read through either reader.

    Args:
        reader: The database, through either backend (all decks).
        settings: The profile's settings (the daily limits).
        today: The current study day.
        profile: The profile's name, to show when the database holds several profiles.
    """
    counts = TodayQueue.read(scoped_reader(reader, settings), settings, today).counts()
    seconds = seconds_per_card(reader.recent_response_ms(limit=RESPONSE_SAMPLE))
    several = profile is not None and profile_count(reader.executor) > 1
    return HomeOverview(
        today=today,
        counts=counts,
        # A streak may end yesterday: today's reviews may simply not have happened yet.
        streak=streak(lambda day: reader.has_reviews_on(day=day), today),
        minutes=math.ceil(counts.total * seconds / 60),
        decks=[DeckOverview(*row) for row in reader.deck_overview(today=today)],
        reviewed_today=reader.count_reviews(day=today),
        profile=profile if several else None,
        scope=settings.study_scope,
    )


def home_overview(store: Store, clock: Clock, *, profile_id: int, profile: str | None = None) -> HomeOverview:
    """Home's figures through the full store.

    Args:
        store: The open store.
        clock: The clock.
        profile_id: The student.
        profile: The profile's name (shown when the database holds several profiles).
    """
    from trainer.store.db import store_errors
    from trainer.study.session import today_for

    with store_errors("read today's overview"), store.engine.connect() as connection:
        reader = Reader(SqlAlchemyExecutor(connection), profile_id=profile_id)
        settings = settings_from_rows(reader.stored_settings())
        return home_overview_from(reader, settings, today_for(reader, clock, settings), profile=profile)
