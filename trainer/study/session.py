"""A study session: one object that every face holds, from the first card to the summary.

It has two phases, and no face needs to know which one it is in:

1. Quick: built from the read-only stdlib reader (`trainer.study.startup`), it serves the first
   card, the counts and the card's sources before the database layer is even imported.
2. Attached: once the face has opened the store (in a worker), `attach(store)` re-reads today's
   queue through the full store. `answer()`, `undo()`, `suspend()` and `summary()` wait for that
   moment, so an answer given before it is recorded as soon as the store is open.

Today's queue is kept in memory (`trainer.study.queue.TodayQueue`): an answer is one
transaction (the card's new progress and its review-log row, committed together before `answer`
returns), and the next card and the counts come from what the session already knows. The
scheduling rules are pure (`trainer.scheduling.policy`).

Two windows: each write replaces only the card revision it read. When another window changed the
card meanwhile, the answer is scheduled from the state found in the database; when that window
already answered the card today (and it is not due again today), the answer is logged as an
"extra" answer that moves no schedule, and the outcome says so.

Study days never go backwards: today is at least the day of the profile's latest answer, whatever
the zone or the clock says (travel west across the date line, a clock set back).

Every method that reaches the database is one unit of work wrapped in `store_errors`: a busy,
damaged or unreachable database surfaces as `StoreError` with a plain message.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from trainer.clock import Clock, add_days, study_day
from trainer.content.cards import Card, SourceRef
from trainer.store.location import DEFAULT_PROFILE_ID
from trainer.store.readers import Reader, SqlAlchemyExecutor, StudyRow
from trainer.study.queue import QueueCounts, StudyCard, TodayQueue, scoped_reader
from trainer.study.session_writes import AnswerOutcome, SessionWrites
from trainer.study.settings import Settings, study_zone
from trainer.study.summary import SessionSummary, summarise
from trainer.study.undo import UNDO_CONFLICT, UndoStack

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = ["UNDO_CONFLICT", "AnswerOutcome", "SessionSummary", "StudySession", "open_session", "today_for"]

ATTACH_WAIT_S = 120.0
"""How long a write waits for the store to open before giving up (opening normally takes < 1 s)."""


class StudySession(SessionWrites):
    """One student's study of today's queue, headless: the TUI, tests and benchmarks drive it.

    Build it with `open` (attached at once) or `quick` (first screen first, store later).

    Args:
        clock: The clock (its zone decides where study days start, unless settings name one).
        settings: The student's settings.
        profile_id: The student.
        queue: Today's queue as read.
        sources: Citations by (deck id, source key).
        floor_day: The latest study day with an answer: today never goes before it.
        deck_ids: Only these decks (None: all).
        card_ids: Only these cards (None: all): a drill of chosen cards, e.g. an exam's mistakes.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        settings: Settings,
        profile_id: int,
        queue: TodayQueue,
        sources: dict[tuple[str, str], SourceRef],
        floor_day: date | None,
        deck_ids: Sequence[str] | None = None,
        load: Any = None,
        card_ids: Sequence[str] | None = None,
    ) -> None:
        self._clock = clock
        self._settings = settings
        self._tz = study_zone(settings, clock)
        self.profile_id = profile_id
        self._deck_ids = list(deck_ids) if deck_ids is not None else None
        self._card_ids = list(card_ids) if card_ids is not None else None
        self._queue = queue
        self._sources = sources
        self._floor = floor_day
        self._load = load or (lambda ids: {})
        self._store: Store | None = None
        self._attached = threading.Event()
        self._lock = threading.RLock()
        self._undo = UndoStack()
        self.started_at = clock.now()
        """When the session started (the progress bar and the summary both count from it)."""
        self.answers_done = 0
        """Answers recorded in this session (undo takes one back)."""
        self.undo_problem: str | None = None
        """Why the latest `undo()` returned None although answers were left (None otherwise)."""

    # --- building ------------------------------------------------------------------------

    @classmethod
    def from_reader(
        cls,
        reader: Reader,
        clock: Clock,
        settings: Settings,
        *,
        deck_ids: Sequence[str] | None = None,
        ahead_days: int = 0,
    ) -> StudySession:
        """A session whose first card and counts come from `reader` (the quick reader, or the store's).

        `ahead_days` reviews ahead: cards due within that many days after today count as due.
        """
        reader = scoped_reader(reader, settings, deck_ids=deck_ids)
        floor = reader.last_study_day()
        today = _today(clock, settings, floor)
        queue = TodayQueue.read(reader, settings, today, ahead_days=ahead_days)
        session = cls(
            clock=clock,
            settings=settings,
            profile_id=reader.profile_id,
            queue=queue,
            sources=reader.all_sources(),
            floor_day=floor,
            deck_ids=deck_ids,
            load=reader.study_rows,
            card_ids=reader.card_ids,
        )
        session.ahead_days = ahead_days
        session.current = session._queue.next_card(reader.study_rows)
        return session

    @classmethod
    def open(
        cls,
        store: Store,
        clock: Clock,
        *,
        profile_id: int,
        deck_ids: Sequence[str] | None = None,
        card_ids: Sequence[str] | None = None,
        ahead_days: int = 0,
        extra_new: int = 0,
    ) -> StudySession:
        """A session attached to an open store at once (the headless faces, tests and benchmarks).

        With `card_ids`, a drill of exactly those cards ("Drill my mistakes"): due and new ones are
        scheduled as usual, the others are asked as practice that moves no schedule.
        `ahead_days` reviews ahead (custom study); `extra_new` takes that many more new cards
        than the daily limit (custom study "extra new cards today").
        """
        from trainer.store.db import store_errors
        from trainer.study.settings import settings_from_rows

        with store_errors("open the review session"), store.engine.connect() as connection:
            reader = Reader(SqlAlchemyExecutor(connection), profile_id=profile_id, deck_ids=deck_ids, card_ids=card_ids)
            settings = settings_from_rows(reader.stored_settings())
            if extra_new:
                settings = replace(settings, new_per_day=settings.new_per_day + extra_new)
            session = cls.from_reader(reader, clock, settings, deck_ids=deck_ids, ahead_days=ahead_days)
        session._load = session._loader(store)
        session._store = store
        session._attached.set()
        return session

    current: StudyCard | None = None
    """The card to show now (None when today's queue is done)."""

    ahead_days: int = 0
    """Custom study "review ahead": cards due within this many days after today count as due."""

    def release_reader(self) -> None:
        """The quick reader is closed: until the store is attached, no further card is read."""
        with self._lock:
            self._load = lambda ids: {}

    def _loader(self, store: Store) -> Any:
        """Reads further cards of the queue through the store (one short read)."""

        def load(ids: Sequence[str]) -> dict[str, StudyRow]:
            with store.engine.connect() as connection:
                return self._reader(connection).study_rows(ids)

        return load

    def _reader(self, connection: Any) -> Reader:
        reader = Reader(SqlAlchemyExecutor(connection), profile_id=self.profile_id, card_ids=self._card_ids)
        return scoped_reader(reader, self._settings, deck_ids=self._deck_ids)

    def attach(self, store: Store) -> None:
        """Switch to the full store (called from a worker once it is open): today's queue is re-read.

        The card on screen stays on screen; anything waiting for the store goes ahead.
        """
        from trainer.store.db import store_errors

        with store_errors("read today's cards"), store.engine.connect() as connection:
            reader = self._reader(connection)
            floor = reader.last_study_day()
            with self._lock:
                self._floor = max(filter(None, (self._floor, floor)), default=None)
                self._queue = TodayQueue.read(reader, self._settings, self.today(), ahead_days=self.ahead_days)
                self._sources = reader.all_sources()
                self._load = self._loader(store)
                if self.current is None:
                    self.current = self._queue.next_card(self._load)
        self._store = store
        self._attached.set()

    @property
    def attached(self) -> bool:
        """True once the full store is attached (answers are recorded at once)."""
        return self._attached.is_set()

    def _wait_store(self) -> Store:
        """The store, waiting for it to be attached (an answer given during the quick phase)."""
        if not self._attached.wait(ATTACH_WAIT_S):
            from trainer.store.db import StoreError

            raise StoreError("The database did not open in time; nothing was recorded.")
        assert self._store is not None
        return self._store

    # --- reading -------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings this session runs with (read when it started)."""
        return self._settings

    def today(self) -> date:
        """The current study day: now in the study zone, never before the day of the latest answer."""
        return _today(self._clock, self._settings, self._floor, tz=self._tz)

    def counts(self) -> QueueCounts:
        """Cards left today in each part of the queue (from memory)."""
        with self._lock:
            return self._queue.counts()

    def next_card(self) -> StudyCard | None:
        """The card to show now, or None when today's queue is empty (asking again gives the same card).

        Re-reads the queue when the study day has changed since it was read.
        """
        from trainer.store.db import store_errors

        with self._lock, store_errors("read the next card"):
            if self.attached and self.today() != self._queue.today:
                self._reread()
            self.current = self._queue.next_card(self._load)
            return self.current

    def citations(self, card: Card) -> list[SourceRef]:
        """The full citations of a card's sources, in the card's order (from memory).

        A key its deck does not define (which a validated deck never has) comes back as a
        `SourceRef` whose citation is the key itself, so feedback never fails on it.
        """
        return [self._sources.get((card.deck_id, key)) or SourceRef(key=key, citation=key) for key in card.sources]

    def refresh(self) -> None:
        """Read today's queue again, keeping the card on screen: counts then include other windows' answers.

        Called by a face after each recorded answer, off the answer path (a few indexed reads).
        `current` stays as it is, so the card the student is looking at does not change under
        them; if another window answered it meanwhile, answering it here is an extra answer.
        Does nothing before the store is attached.
        """
        from trainer.store.db import store_errors

        if not self.attached:
            return
        assert self._store is not None
        with self._lock, store_errors("read today's cards"), self._store.engine.connect() as connection:
            reader = self._reader(connection)
            self._floor = max(filter(None, (self._floor, reader.last_study_day())), default=None)
            queue = TodayQueue.read(reader, self._settings, self.today(), ahead_days=self.ahead_days)
            # Load the card on screen and the next few now, so the next answer needs no extra read.
            if self.current is not None:
                queue.rows.update(reader.study_rows([self.current.card.id]))
            queue.next_card(reader.study_rows)
            self._queue = queue

    def _reread(self, connection: Any = None) -> None:
        """Read today's queue again (after an undo, or at the rollover); `current` is its first card."""
        assert self._store is not None
        if connection is None:
            with self._store.engine.connect() as fresh:
                self._reread(fresh)
            return
        reader = self._reader(connection)
        self._queue = TodayQueue.read(reader, self._settings, self.today(), ahead_days=self.ahead_days)
        self.current = self._queue.next_card(reader.study_rows)

    # --- reading again, the summary ------------------------------------------------------

    def reload(self) -> None:
        """Read today's queue again after a change made outside the session (a card action); `current`
        becomes the queue's first card."""
        from trainer.store.db import store_errors

        self._wait_store()
        with self._lock, store_errors("read today's cards"):
            self._reread()

    def summary(self) -> SessionSummary:
        """The report on the whole study day so far (every answer of today, in any session)."""
        from trainer.content.places import PLACE_TEMPLATE, dermatome_places
        from trainer.store import repo
        from trainer.store.db import store_errors

        store = self._wait_store()
        today = self.today()
        with store_errors("summarise the session"), store.engine.connect() as connection:
            answers = repo.answers_on(connection, profile_id=self.profile_id, day=today)
            next_due = repo.next_due_day_after(connection, profile_id=self.profile_id, day=today)
            due_tomorrow = repo.count_due_on_or_before(connection, profile_id=self.profile_id, day=add_days(today, 1))
            places = dermatome_places(self._reader(connection).cards_of_template(PLACE_TEMPLATE))
        elapsed_s = max(0.0, (self._clock.now() - self.started_at).total_seconds())
        return summarise(answers, elapsed_s=elapsed_s, next_due=next_due, due_tomorrow=due_tomorrow, places=places)


def today_for(reader: Reader, clock: Clock, settings: Settings) -> date:
    """A profile's current study day: now in its zone, never before the day of its latest answer."""
    return _today(clock, settings, reader.last_study_day())


def _today(clock: Clock, settings: Settings, floor: date | None, *, tz: Any = None) -> date:
    """The study day now, never before `floor` (the day of the latest answer)."""
    day = study_day(clock.now(), tz or study_zone(settings, clock), settings.rollover_hour)
    return max(day, floor) if floor is not None else day


def open_session(
    store: Store,
    clock: Clock,
    *,
    profile_id: int = DEFAULT_PROFILE_ID,
    deck_ids: Sequence[str] | None = None,
    card_ids: Sequence[str] | None = None,
) -> StudySession:
    """A study session on an open store, attached at once (the default profile unless named;
    only `card_ids` for a drill of chosen cards)."""
    return StudySession.open(store, clock, profile_id=profile_id, deck_ids=deck_ids, card_ids=card_ids)
