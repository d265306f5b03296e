"""Today's queue: which card comes next and how many are left, decided in memory.

This is the one place that decides the queue. It reads the database once, through
`trainer.store.readers.Reader` (on either backend), into a `TodayQueue`; from then on the study
session tells it what each answer did, so the next card and the counts need no second round of
queries (an answer costs one transaction, nothing more). It imports no database layer, so the
first screen runs it before SQLAlchemy is loaded.

Today's queue, in order (study days come from `trainer.clock`, in the student's zone, starting at
the rollover hour):

1. Due reviews: cards due on or before today and not yet answered today, most overdue first (ties
   in deck order), up to `reviews_per_day` minus the due reviews already answered today.
2. New cards in the `new_order` setting's order (mixed kinds and regions, or deck order), up to `new_per_day` minus the cards first answered today (counted
   per study day across every session of that day).
3. Same-day repeats: cards answered today that SM-2 wants again today (a lapse, or a drill after
   a grade of 3; sm2.md rules 4 and 5), the one waiting longest first, until each scores 4 or 5.

Siblings (cards generated from the same fact) of a card answered today are buried: they are
shown only when nothing else is left. The daily limits are global (not per deck).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from trainer.clock import add_days
from trainer.content.cards import Card
from trainer.content.query import QueryError, Scope, scope_of
from trainer.scheduling.policy import AnswerEffect, CardProgress, QueueName
from trainer.scheduling.sm2 import Sm2State
from trainer.store.readers import Reader, StudyRow
from trainer.study.settings import Settings

__all__ = ["LOOKAHEAD", "QueueCounts", "QueueName", "StudyCard", "TodayQueue", "scoped_reader", "study_scope"]

LOOKAHEAD = 100
"""Cards read beyond each daily limit: a buried card gives way to the next one (as in Anki), and
these are the ones it gives way to."""

BATCH = 25
"""Cards (content and progress) loaded per read as the queue reaches them."""


@dataclass(frozen=True)
class QueueCounts:
    """How many cards are left today in each part of the queue."""

    due: int
    new: int
    repeat: int
    practice: int = 0
    """In a drill of chosen cards: those not due today, asked without moving their schedule."""

    @property
    def total(self) -> int:
        """All cards left today."""
        return self.due + self.new + self.repeat + self.practice


@dataclass(frozen=True)
class StudyCard:
    """What a screen shows: the content card and its scheduling situation."""

    card: Card
    queue: QueueName
    progress: CardProgress

    @property
    def state(self) -> Sm2State:
        """The card's SM-2 state."""
        return self.progress.sm2


def study_scope(settings: Settings) -> Scope:
    """What the `study_scope` setting limits today's study to (nothing, if it no longer parses)."""
    try:
        return scope_of(settings.study_scope)
    except QueryError:
        return Scope()


def scoped_reader(reader: Reader, settings: Settings, *, deck_ids: Sequence[str] | None = None) -> Reader:
    """A reader of the same database and profile, limited to the study scope and to `deck_ids`.

    The scope's decks and `deck_ids` (the app's `--deck` choice) both apply when both are given.
    """
    scope = study_scope(settings)
    decks: Sequence[str] | None = deck_ids if deck_ids is not None else reader.deck_ids
    if scope.deck_ids is not None:
        decks = scope.deck_ids if decks is None else [d for d in decks if d in scope.deck_ids]
    return Reader(
        reader.executor,
        profile_id=reader.profile_id,
        deck_ids=decks,
        card_ids=reader.card_ids,
        tags=scope.tags,
        roots=scope.roots,
    )


Loader = Callable[[Sequence[str]], dict[str, StudyRow]]
"""Reads cards with their progress (`Reader.study_rows`)."""


@dataclass
class TodayQueue:
    """Today's queue for one profile, read once and kept up to date by the session's answers."""

    today: date
    due: list[str]
    new: list[str]
    repeat: list[str]
    due_left: int
    """Due reviews still allowed today."""
    new_left: int
    """New cards still allowed today."""
    answered: set[str]
    """Cards answered today: their siblings are buried."""
    rows: dict[str, StudyRow] = field(default_factory=dict)
    """Cards loaded so far, with progress."""
    practice: list[str] = field(default_factory=list)
    """A drill of chosen cards ("Drill my mistakes"): the chosen cards not due today. They are
    asked after the due and new ones; their answers are logged as extra answers (no schedule move:
    SM-2 allows one repetition per due date)."""

    @classmethod
    def read(cls, reader: Reader, settings: Settings, today: date, *, ahead_days: int = 0) -> TodayQueue:
        """Read today's queue (ids and limits only; cards are loaded as they are reached).

        With a card filter on the reader (a drill of chosen cards) the daily limits do not apply:
        the student asked for exactly these cards.

        Args:
            reader: The database, through either backend.
            settings: The daily limits.
            today: The study day.
            ahead_days: Review ahead: cards due within this many days after today count as due.
        """
        due_done, introduced = reader.used_today(day=today)
        due_left = max(0, settings.reviews_per_day - due_done)
        new_left = max(0, settings.new_per_day - introduced)
        if reader.card_ids is not None:
            due_left = new_left = len(reader.card_ids)
        return cls(
            practice=reader.practice_card_ids(today=today),
            today=today,
            due=reader.due_card_ids(today=today, limit=due_left + LOOKAHEAD, due_by=add_days(today, ahead_days))
            if due_left
            else [],
            new=reader.new_card_ids(limit=new_left + LOOKAHEAD, order=settings.new_order, today=today) if new_left else [],
            repeat=reader.repeat_card_ids(today=today),
            due_left=due_left,
            new_left=new_left,
            answered=reader.answered_on(day=today),
        )

    def counts(self) -> QueueCounts:
        """Cards left today in each part of the queue."""
        return QueueCounts(
            due=min(len(self.due), self.due_left),
            new=min(len(self.new), self.new_left),
            repeat=len(self.repeat),
            practice=len(self.practice),
        )

    def next_card(self, load: Loader) -> StudyCard | None:
        """The card to show now, or None when today's queue is empty (asking again gives the same card).

        Args:
            load: Reads cards not loaded yet (called only when the queue reaches them).
        """
        fallback: tuple[str, QueueName] | None = None
        parts: tuple[tuple[QueueName, list[str], int | None], ...] = (
            ("due", self.due, self.due_left),
            ("new", self.new, self.new_left),
            ("extra", self.practice, None),
            ("repeat", self.repeat, None),
        )
        for queue, ids, quota in parts:
            if quota is not None and quota <= 0:
                continue
            for index, card_id in enumerate(ids):
                row = self._row(card_id, ids, index, load)
                if row is None:
                    continue
                if fallback is None:
                    fallback = (card_id, queue)
                if not self.answered.intersection(row.card.siblings):
                    return StudyCard(card=row.card, queue=queue, progress=row.progress)
        if fallback is None:
            return None
        # Only buried siblings are left: show them rather than end the day early.
        card_id, queue = fallback
        row = self.rows[card_id]
        return StudyCard(card=row.card, queue=queue, progress=row.progress)

    def _row(self, card_id: str, ids: list[str], index: int, load: Loader) -> StudyRow | None:
        """A queued card's row, loading it and the next few of its part when needed."""
        if card_id not in self.rows:
            wanted = [i for i in ids[index : index + BATCH] if i not in self.rows]
            self.rows.update(load(wanted))
        return self.rows.get(card_id)

    def answered_card(self, card_id: str, effect: AnswerEffect) -> None:
        """Take a recorded answer into account: the card leaves its part, maybe for the repeats."""
        self.remove(card_id)
        queue = effect.log.queue
        if queue == "due":
            self.due_left = max(0, self.due_left - 1)
        elif queue == "new":
            self.new_left = max(0, self.new_left - 1)
        self.answered.add(card_id)
        progress = effect.progress
        row = self.rows.get(card_id)
        if row is not None:
            self.rows[card_id] = StudyRow(card=row.card, progress=progress)
        again_today = progress.due_day is not None and progress.due_day <= self.today
        if again_today and not progress.suspended and effect.moves_schedule:
            self.repeat.append(card_id)

    def remove(self, card_id: str) -> None:
        """Take a card out of today's queue (answered, suspended)."""
        for ids in (self.due, self.new, self.repeat, self.practice):
            if card_id in ids:
                ids.remove(card_id)
