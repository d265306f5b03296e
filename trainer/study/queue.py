"""Today's queue: which card comes next, how many are left, and Home's overview of the day.

This is the one place that decides the queue (the order is described in `trainer.study.review`).
It reads the database only through a small `QueueReader`, so that it runs over two readers: the
SQLModel session that a `ReviewSession` uses (`trainer.study.review`), and the read-only stdlib
`sqlite3` reader of `trainer.store.quick`, which the TUI uses to paint the first card before the
database layer (SQLAlchemy, SQLModel, pydantic: most of a second to import) is loaded. Hence this
module imports none of them; tests/study/test_quick_reader.py checks that both readers agree.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple, Protocol

from trainer.content.cards import Card
from trainer.scheduling.sm2 import Sm2State
from trainer.study.settings import Settings

__all__ = [
    "DEFAULT_SECONDS_PER_CARD",
    "RESPONSE_SAMPLE",
    "DeckOverview",
    "HomeOverview",
    "OverviewReader",
    "QueueCounts",
    "QueueName",
    "QueueReader",
    "StudyCard",
    "TodayQueue",
    "home_overview_from",
    "streak",
]

QueueName = Literal["due", "new", "repeat"]
"""Which part of today's queue a card comes from."""

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


@dataclass(frozen=True)
class QueueCounts:
    """How many cards are left today in each part of the queue."""

    due: int
    new: int
    repeat: int

    @property
    def total(self) -> int:
        """All cards left today."""
        return self.due + self.new + self.repeat


@dataclass(frozen=True)
class StudyCard:
    """What a screen shows: the content card and its scheduling situation."""

    card: Card
    queue: QueueName
    state: Sm2State


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


class QueueReader(Protocol):
    """The reads the queue needs (the SQL behind them lives in `trainer.store`).

    "Active" cards are not retired, not suspended and, when `deck_ids` is given, in those decks.
    """

    def used_today(self, *, day: date) -> tuple[int, int]:
        """(due reviews answered, new cards introduced) on a study day."""
        ...

    def due_card_ids(self, *, today: date, limit: int, deck_ids: Sequence[str] | None) -> list[str]:
        """Active cards due on or before `today` and not answered today, most overdue first (then deck order)."""
        ...

    def new_card_ids(self, *, limit: int, deck_ids: Sequence[str] | None) -> list[str]:
        """Active cards never answered, in deck order."""
        ...

    def repeat_card_ids(self, *, today: date, limit: int | None, deck_ids: Sequence[str] | None) -> list[str]:
        """Active cards answered today and due again today, longest-waiting first."""
        ...

    def count_due(self, *, today: date, cap: int, deck_ids: Sequence[str] | None) -> int:
        """The cards `due_card_ids` would give, counted up to `cap`."""
        ...

    def count_new(self, *, cap: int, deck_ids: Sequence[str] | None) -> int:
        """The cards `new_card_ids` would give, counted up to `cap`."""
        ...

    def siblings_of(self, *, card_ids: Sequence[str]) -> dict[str, list[str]]:
        """The sibling ids of each card (cards generated from the same fact)."""
        ...

    def answered_among(self, *, card_ids: Iterable[str], day: date) -> set[str]:
        """Those of `card_ids` last answered on `day`."""
        ...

    def card_and_state(self, *, card_id: str) -> tuple[Card, Sm2State] | None:
        """A stored card as a content card, with its SM-2 state; None if unknown."""
        ...


class OverviewReader(QueueReader, Protocol):
    """The queue's reads plus the few more that Home shows."""

    def count_reviews(self, *, day: date) -> int:
        """Answers given on a study day."""
        ...

    def has_reviews_on(self, *, day: date) -> bool:
        """True if any answer was given on this study day."""
        ...

    def recent_response_ms(self, *, limit: int) -> list[int]:
        """Response times of the latest timed answers, newest first."""
        ...

    def deck_overview(self, *, today: date) -> list[tuple[str, str, int, int]]:
        """(deck id, title, active cards, cards due by `today`) for every deck, in title order."""
        ...


class TodayQueue:
    """The selection rules of today's queue, over any `QueueReader`.

    Holds only content that cannot change during a session (each card's siblings), so the same
    instance can be asked again and again as the student answers.

    Args:
        settings: The student's settings (the daily limits).
        deck_ids: Only these decks (None = all).
    """

    def __init__(self, settings: Settings, deck_ids: Sequence[str] | None = None) -> None:
        self._settings = settings
        self._deck_ids = list(deck_ids) if deck_ids is not None else None
        self._siblings: dict[str, tuple[str, ...]] = {}

    def _quotas(self, reader: QueueReader, today: date) -> tuple[int, int]:
        """Due reviews and new cards still allowed today."""
        due_done, introduced = reader.used_today(day=today)
        return (
            max(0, self._settings.reviews_per_day - due_done),
            max(0, self._settings.new_per_day - introduced),
        )

    def counts(self, reader: QueueReader, today: date) -> QueueCounts:
        """Cards left today in each part of the queue."""
        due_quota, new_quota = self._quotas(reader, today)
        return QueueCounts(
            due=reader.count_due(today=today, cap=due_quota, deck_ids=self._deck_ids),
            new=reader.count_new(cap=new_quota, deck_ids=self._deck_ids),
            repeat=len(reader.repeat_card_ids(today=today, limit=None, deck_ids=self._deck_ids)),
        )

    def next_card(self, reader: QueueReader, today: date) -> StudyCard | None:
        """The card to show now, or None when today's queue is empty (asking again gives the same card)."""
        deck_ids = self._deck_ids
        due_quota, new_quota = self._quotas(reader, today)
        fetchers: tuple[tuple[QueueName, Callable[[int], list[str]], int | None], ...] = (
            ("due", lambda n: reader.due_card_ids(today=today, limit=n, deck_ids=deck_ids), due_quota),
            ("new", lambda n: reader.new_card_ids(limit=n, deck_ids=deck_ids), new_quota),
            ("repeat", lambda n: reader.repeat_card_ids(today=today, limit=n, deck_ids=deck_ids), None),
        )
        fallback: tuple[str, QueueName] | None = None
        for queue, fetch, quota in fetchers:
            chosen, first = self._first_unburied(reader, today, fetch, quota)
            if chosen is not None:
                return self._study_card(reader, chosen, queue)
            if first is not None and fallback is None:
                fallback = (first, queue)
        if fallback is None:
            return None
        # Only buried siblings are left: show them rather than end the day early.
        return self._study_card(reader, *fallback)

    def _first_unburied(
        self, reader: QueueReader, today: date, fetch: Callable[[int], list[str]], quota: int | None
    ) -> tuple[str | None, str | None]:
        """The first card of one queue whose siblings were not answered today, and its first card.

        Reads a few candidates at a time, more only when those are all buried. The daily limit
        (`quota`, None = none) caps how many cards are taken from the queue today, not how far
        down it we look: with one new card left for today, a buried first new card gives way to
        the next one, as in Anki.
        """
        if quota is not None and quota <= 0:
            return None, None
        limit = 8
        first: str | None = None
        while True:
            ids = fetch(limit)
            if not ids:
                return None, first
            first = first or ids[0]
            buried = self._buried(reader, ids, today)
            for card_id in ids:
                if card_id not in buried:
                    return card_id, first
            if len(ids) < limit:
                return None, first
            limit *= 4

    def _buried(self, reader: QueueReader, card_ids: list[str], today: date) -> set[str]:
        """Those of `card_ids` with a sibling answered today.

        Sibling lists are content, fixed for the life of a session, so they are read once per
        card; whether a sibling was answered today is always read from the database (another
        window may have answered it).
        """
        missing = [card_id for card_id in card_ids if card_id not in self._siblings]
        if missing:
            for card_id, siblings in reader.siblings_of(card_ids=missing).items():
                self._siblings[card_id] = tuple(siblings)
        siblings = {sibling for card_id in card_ids for sibling in self._siblings.get(card_id, ())}
        if not siblings:
            return set()
        answered = reader.answered_among(card_ids=siblings, day=today)
        return {card_id for card_id in card_ids if answered.intersection(self._siblings.get(card_id, ()))}

    def _study_card(self, reader: QueueReader, card_id: str, queue: QueueName) -> StudyCard:
        """Load a queued card."""
        found = reader.card_and_state(card_id=card_id)
        assert found is not None  # the queue query joined both
        card, state = found
        self._siblings[card_id] = tuple(card.siblings)
        return StudyCard(card=card, queue=queue, state=state)


def streak(reader: OverviewReader, today: date) -> int:
    """Consecutive study days with at least one answer, ending today, or yesterday if today has none yet."""
    day = today if reader.has_reviews_on(day=today) else today - timedelta(days=1)
    count = 0
    while reader.has_reviews_on(day=day):
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


def home_overview_from(reader: OverviewReader, queue: TodayQueue, today: date) -> HomeOverview:
    """What the Home screen shows on `today`: the queue's counts, streak, time estimate, decks.

    Args:
        reader: The database, read through either reader.
        queue: Today's queue (over all decks, for Home).
        today: The current study day.
    """
    counts = queue.counts(reader, today)
    seconds = seconds_per_card(reader.recent_response_ms(limit=RESPONSE_SAMPLE))
    return HomeOverview(
        today=today,
        counts=counts,
        # A streak may end yesterday: today's reviews may simply not have happened yet.
        streak=streak(reader, today),
        minutes=math.ceil(counts.total * seconds / 60),
        decks=[DeckOverview(*row) for row in reader.deck_overview(today=today)],
        reviewed_today=reader.count_reviews(day=today),
    )
