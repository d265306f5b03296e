"""What a study session writes: answers, taking them back, and suspension.

A mixin of `StudySession` (trainer.study.session), kept apart so that module holds the session's
life (building, attaching, reading the queue) and this one its writes.
Each method is one unit of work wrapped in `store_errors`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from trainer.clock import Clock
from trainer.scheduling.policy import (
    AnswerEffect,
    CardProgress,
    Grade,
    answered_elsewhere,
    apply_answer,
    as_grade,
    extra_answer,
)
from trainer.scheduling.sm2 import Sm2State
from trainer.store.readers import Reader, StudyRow
from trainer.study.queue import TodayQueue
from trainer.study.settings import Settings
from trainer.study.undo import UNDO_CONFLICT, UndoEntry, UndoStack

if TYPE_CHECKING:
    from trainer.store.db import Store
    from trainer.study.queue import StudyCard


WRITE_ATTEMPTS = 5
"""How often an answer is re-read and re-applied when another window changes the card meanwhile."""


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


class SessionWrites:
    """Answer, undo and suspend/unsuspend for `StudySession` (a mixin: it uses the session's state)."""

    if TYPE_CHECKING:  # provided by StudySession
        profile_id: int
        current: StudyCard | None
        answers_done: int
        undo_problem: str | None
        started_at: datetime
        _clock: Clock
        _lock: threading.RLock
        _undo: UndoStack
        _queue: TodayQueue
        _load: Any
        _settings: Settings
        _floor: date | None
        ahead_days: int

        def _reader(self, connection: Any) -> Reader: ...

        def today(self) -> date: ...
        def _wait_store(self) -> Store: ...
        def _reread(self, connection: Any = None) -> None: ...

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
                        progress,
                        grade,
                        today,
                        now,
                        self._settings.leech_threshold,
                        practice=card_id in self._queue.practice,
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

    # --- undo ----------------------------------------------------------------------------

    def adopt_undo(self, earlier: SessionWrites) -> None:
        """Take over the answers an earlier session (of this profile, e.g. a review left for Home)
        could still undo, so that undo reaches across screens; the earlier session keeps none."""
        if earlier is self or earlier.profile_id != self.profile_id:
            return
        with self._lock:
            self._undo.adopt(earlier._undo)

    def can_undo(self) -> bool:
        """True if there is an answer of this session to take back."""
        return self._undo.latest() is not None

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

    # --- suspend, reload, summary ------------------------------------------------------

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

    def suspend(self, card_id: str) -> None:
        """Take a card out of every queue until it is unsuspended (its progress is kept)."""
        self._set_suspended(card_id, True)

    def unsuspend(self, card_id: str) -> None:
        """Put a suspended card (or a leech) back into the queues."""
        self._set_suspended(card_id, False)


def _effect(
    progress: CardProgress, grade: Grade, today: date, at: datetime, leech_threshold: int, *, practice: bool = False
) -> AnswerEffect:
    """What an answer does: an extra answer if another window already answered the card today, or
    if it is practice of a card not due (a drill of chosen cards)."""
    if practice or answered_elsewhere(progress, today):
        return extra_answer(progress, grade, today=today)
    return apply_answer(progress, grade, today=today, at=at, leech_threshold=leech_threshold)
