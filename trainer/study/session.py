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
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from trainer.clock import Clock, add_days, study_day
from trainer.content.cards import Card, SourceRef
from trainer.scheduling.policy import (
    AnswerEffect,
    CardProgress,
    Grade,
    as_grade,
    answered_elsewhere,
    apply_answer,
    extra_answer,
)
from trainer.scheduling.sm2 import Sm2State
from trainer.store.readers import Reader, SqlAlchemyExecutor, StudyRow
from trainer.study.queue import QueueCounts, StudyCard, TodayQueue, scoped_reader
from trainer.store.location import DEFAULT_PROFILE_ID
from trainer.study.settings import Settings, study_zone
from trainer.study.summary import SessionSummary, summarise
from trainer.study.undo import UNDO_CONFLICT, UndoEntry, UndoStack

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = ["UNDO_CONFLICT", "AnswerOutcome", "SessionSummary", "StudySession", "open_session", "today_for"]

WRITE_ATTEMPTS = 5
"""How often an answer is re-read and re-applied when another window changes the card meanwhile."""

ATTACH_WAIT_S = 120.0
"""How long a write waits for the store to open before giving up (opening normally takes < 1 s)."""



@dataclass(frozen=True)
class AnswerOutcome:
    """What an answer did; returned only after it is committed."""

    card_id: str
    quality: int
    state: Sm2State
    days_until_due: int
    """0 = asked again today."""
    due_day: date | None
    leech: bool
    """True when this answer made the card a leech (flagged and suspended)."""
    elsewhere: bool = False
    """The card was already answered today in another window: logged, schedule unchanged."""
    note: str | None = None
    """Said instead of the schedule (a cram: nothing was scheduled)."""


class StudySession:
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

    def adopt_undo(self, earlier: StudySession) -> None:
        """Take over the answers an earlier session (of this profile, e.g. a review left for Home)
        could still undo, so that undo reaches across screens; the earlier session keeps none."""
        if earlier is self or earlier.profile_id != self.profile_id:
            return
        with self._lock:
            self._undo.adopt(earlier._undo)

    def can_undo(self) -> bool:
        """True if there is an answer of this session to take back."""
        return self._undo.latest() is not None

    # --- answering -----------------------------------------------------------------------

    def answer(
        self,
        card_id: str,
        quality: int,
        response_ms: int | None,
        *,
        response: str | None = None,
        verdict: str | None = None,
        given_root: str | None = None,
    ) -> AnswerOutcome:
        """Record an answer: the review row and the card's new progress, committed together.

        Waits for the store when it is not attached yet. Afterwards `current` is the next card.

        Args:
            card_id: The card answered.
            quality: The SM-2 grade, 0 to 5.
            response_ms: How long the student took, if timed.
            response: What the student typed or chose.
            verdict: The checker's verdict ("correct", "adjacent", "wrong", "blank"), if checked.
            given_root: The root the student named, for confusion statistics.

        Returns:
            The outcome, after the commit.

        Raises:
            ValueError: For a quality outside 0..5 or an unknown card (nothing is written).
            StoreError: The database is busy, damaged or unreachable: the answer was not
                recorded (nothing was committed) and is not on the undo stack.
        """
        from trainer.store import repo
        from trainer.store.db import StoreError, store_errors

        grade = as_grade(quality)
        store = self._wait_store()
        now = self._clock.now()
        with self._lock, store_errors("record the answer"), store.engine.connect() as connection:
            today = self.today()
            reader = self._reader(connection)
            row = self._queue.rows.get(card_id)
            for _attempt in range(WRITE_ATTEMPTS):
                with connection.begin():
                    if row is None:
                        # Not read yet (or another window changed it): schedule from what is stored.
                        row = reader.study_row(card_id)
                        if row is None:
                            raise ValueError(f"Unknown card {card_id!r}.")
                    progress = row.progress
                    effect = _effect(
                        progress, grade, today, now, self._settings.leech_threshold, practice=card_id in self._queue.practice
                    )
                    review_id = repo.record_answer(
                        connection,
                        profile_id=self.profile_id,
                        card_id=card_id,
                        effect=effect,
                        revision=progress.revision,
                        reviewed_at=now,
                        study_day=today,
                        response_ms=response_ms,
                        response=response,
                        verdict=verdict,
                        given_root=given_root,
                        expected_root=row.card.answer_root,
                    )
                if review_id is not None:
                    break
                row = None  # another window changed the card since it was read: read it again
            else:
                raise StoreError("This card keeps changing in another window; the answer was not recorded.")
            stored = replace(effect.progress, revision=progress.revision + 1)
            self._floor = max(filter(None, (self._floor, today)))
            if today != self._queue.today:
                self._queue = TodayQueue.read(reader, self._settings, today, ahead_days=self.ahead_days)
            self._queue.rows[card_id] = StudyRow(card=row.card, progress=stored)
            self._queue.answered_card(card_id, replace(effect, progress=stored))
            self._undo.push(UndoEntry(review_id, card_id, progress, stored.revision, effect.became_leech))
            self.answers_done += 1
            # The next card, in the same connection: the face shows it without another read.
            self.current = self._queue.next_card(reader.study_rows)
        return AnswerOutcome(
            card_id=card_id,
            quality=int(grade),
            state=effect.progress.sm2,
            days_until_due=effect.log.days_until_due,
            due_day=effect.log.due_day_after,
            leech=effect.became_leech,
            elsewhere=not effect.moves_schedule,
        )

    def undo(self) -> str | None:
        """Take back the latest answer of this session (repeatable, one answer at a time).

        The card's progress is restored as it was before the answer and the answer's review row
        is deleted, in one transaction. The undo is refused if another window answered or changed
        the card after this session's last write to it: then nothing is written, `undo_problem`
        says why, and the answer leaves the undo stack.

        Returns:
            The id of the card restored; None if there is nothing left to undo (`undo_problem`
            is None) or the undo was refused (`undo_problem` holds one sentence for the student).
        """
        from trainer.store import repo
        from trainer.store.db import store_errors

        self.undo_problem = None
        entry = self._undo.latest()
        if entry is None:
            return None
        store = self._wait_store()
        with self._lock, store_errors("undo the answer"), store.engine.connect() as connection:
            with connection.begin() as transaction:
                restored = entry.before
                if entry.made_leech:
                    restored = replace(restored, leech=False, suspended=False)
                if not repo.take_back_answer(
                    connection,
                    profile_id=self.profile_id,
                    card_id=entry.card_id,
                    review_id=entry.review_id,
                    restored=restored,
                    revision=entry.revision,
                    with_suspension=entry.made_leech,
                ):
                    transaction.rollback()
                    self._undo.drop_latest()
                    self.undo_problem = UNDO_CONFLICT
                    return None
            self._undo.drop_latest()
            # Earlier answers to this card wrote up to `before.revision`; the restore wrote one more.
            self._undo.moved(entry.card_id, entry.before.revision, entry.revision + 1)
            self.answers_done = max(0, self.answers_done - 1)
            self._reread(connection)
        return entry.card_id

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

    def _set_suspended(self, card_id: str, suspended: bool) -> None:
        from trainer.store import repo
        from trainer.store.db import store_errors

        store = self._wait_store()
        with self._lock, store_errors("change whether the card is suspended"), store.engine.begin() as connection:
            if not repo.set_suspended(connection, profile_id=self.profile_id, card_id=card_id, suspended=suspended):
                raise ValueError(f"Unknown card {card_id!r}.")
            row = self._queue.rows.get(card_id)
            if row is not None:
                revision = row.progress.revision
                self._queue.rows[card_id] = StudyRow(
                    card=row.card, progress=replace(row.progress, suspended=suspended, revision=revision + 1)
                )
                self._undo.moved(card_id, revision, revision + 1)
        with self._lock:
            if suspended:
                self._queue.remove(card_id)
                if self.current is not None and self.current.card.id == card_id:
                    self.current = self._queue.next_card(self._load)
            else:
                self._reread()  # the card may belong in today's queue again

    def reload(self) -> None:
        """Read today's queue again after a change made outside the session (a card action); `current`
        becomes the queue's first card."""
        from trainer.store.db import store_errors

        self._wait_store()
        with self._lock, store_errors("read today's cards"):
            self._reread()

    def suspend(self, card_id: str) -> None:
        """Take a card out of every queue until it is unsuspended (its progress is kept)."""
        self._set_suspended(card_id, True)

    def unsuspend(self, card_id: str) -> None:
        """Put a suspended card (or a leech) back into the queues."""
        self._set_suspended(card_id, False)

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


def _effect(
    progress: CardProgress, grade: Grade, today: date, at: datetime, leech_threshold: int, *, practice: bool = False
) -> AnswerEffect:
    """What an answer does: an extra answer if another window already answered the card today, or
    if it is practice of a card not due (a drill of chosen cards)."""
    if practice or answered_elsewhere(progress, today):
        return extra_answer(progress, grade, today=today)
    return apply_answer(progress, grade, today=today, at=at, leech_threshold=leech_threshold)


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
