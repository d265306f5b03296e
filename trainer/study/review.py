"""A review session: today's queue, answering, undo, suspend; no UI, fully testable.

The queue is read from the database on every `next_card()` rather than kept in memory, so that a
session dropped halfway (a crash, a closed window) and a new one opened on the same database
carry on exactly where the first stopped, and two windows never hand out stale counts for long.

Today's queue, in order (study days come from `trainer.clock`, in the student's zone, starting at
the rollover hour):

1. Due reviews: cards due on or before today and not yet answered today, most overdue first (ties
   in deck order), up to `reviews_per_day` minus the due reviews already answered today.
2. New cards in deck order, up to `new_per_day` minus the cards first answered today (counted
   per study day across every session of that day).
3. Same-day repeats: cards answered today that SM-2 wants again today (a lapse, or a drill after
   a grade of 3; sm2.md rules 4 and 5), the one waiting longest first, until each scores 4 or 5.

Siblings (cards generated from the same fact) of a card answered today are buried: they are
shown only when nothing else is left.

Decisions where the design was silent:

- A lapse (counted towards leeches) is an answer below 3 to a card from the due queue: a
  scheduled card that was forgotten. Failing a new card, or again during today's repeats, is
  learning, not a lapse (Anki counts lapses the same way).
- A drill left unfinished at the rollover (the student quit after a 3): on a later day a fail is
  a lapse (rule 4), a 3 keeps drilling, a 4 or 5 ends the drill and the card is due its interval
  from that day (`schedule_answer`; docs/scheduling.md). Such a fail counts as a lapse.
- A leech is flagged and suspended once, when its lapses reach the threshold; unsuspending it
  keeps the flag, and it is not suspended again automatically.
- Stale answers: if a card's state changed after it was shown (another window answered it), the
  answer is still recorded, but scheduled from the state found in the database, so no answer is
  lost and no state is overwritten with one computed from an outdated copy. The write itself is
  optimistic: it only replaces the state revision it read, and is re-read and re-applied if
  another window committed in between.
- The daily limits are global (not per deck): they describe the student's day.
- Every public method is one unit of work wrapped in `store_errors`: a busy (locked), damaged
  or unreachable database surfaces as `StoreError` with a plain message, never as a raw
  SQLAlchemy or sqlite3 error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlmodel import Session

from trainer.clock import Clock, add_days, study_day
from trainer.content.cards import Card, SourceRef
from trainer.scheduling.sm2 import PASSING_QUALITY, Sm2State
from trainer.scheduling.sm2 import review as sm2_review
from trainer.store import repo
from trainer.store.db import Store, StoreError, store_errors
from trainer.store.models import CardState, Review
from trainer.study.queue import (
    DEFAULT_SECONDS_PER_CARD,
    RESPONSE_SAMPLE,
    DeckOverview,
    HomeOverview,
    QueueCounts,
    QueueName,
    StudyCard,
    TodayQueue,
    home_overview_from,
)
from trainer.study.settings import Settings, load_settings, study_zone
# Re-exported for old imports: deck import lives in trainer.study.decks (issue 7); import it from there.
from trainer.study.decks import ensure_builtin_deck, import_deck_file  # noqa: F401

__all__ = [
    "DEFAULT_SECONDS_PER_CARD",
    "RESPONSE_SAMPLE",
    "AnswerOutcome",
    "DeckOverview",
    "HomeOverview",
    "QueueCounts",
    "ReviewSession",
    "SessionSummary",
    "StoreError",  # re-exported: answer() and friends may raise it, and screens may not import the store
    "StudyCard",
    "ensure_builtin_deck",
    "home_overview",
]

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


@dataclass(frozen=True)
class SessionSummary:
    """The end-of-session report."""

    reviewed: int
    correct: int
    """Answers graded 3 or more (a pass in SM-2)."""
    accuracy: float | None
    """correct / reviewed, or None when nothing was reviewed."""
    elapsed_s: float
    missed_roots: list[tuple[str, int]]
    """(expected root, times missed), most first."""
    confusions: list[tuple[str, str, int]]
    """(expected root, given root, count), most first."""
    next_due: date | None
    """The first study day after today with cards due."""
    due_tomorrow: int
    """Cards due by tomorrow (including any left over today)."""


class _SessionReader:
    """The queue's reads (`trainer.study.queue.OverviewReader`) over an open SQLModel session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def used_today(self, *, day: date) -> tuple[int, int]:
        return repo.used_today(session=self._session, day=day)

    def due_card_ids(self, *, today: date, limit: int, deck_ids: Sequence[str] | None) -> list[str]:
        return repo.due_card_ids(session=self._session, today=today, limit=limit, deck_ids=deck_ids)

    def new_card_ids(self, *, limit: int, deck_ids: Sequence[str] | None) -> list[str]:
        return repo.new_card_ids(session=self._session, limit=limit, deck_ids=deck_ids)

    def repeat_card_ids(self, *, today: date, limit: int | None, deck_ids: Sequence[str] | None) -> list[str]:
        return repo.repeat_card_ids(session=self._session, today=today, limit=limit, deck_ids=deck_ids)

    def count_due(self, *, today: date, cap: int, deck_ids: Sequence[str] | None) -> int:
        return repo.count_due(session=self._session, today=today, cap=cap, deck_ids=deck_ids)

    def count_new(self, *, cap: int, deck_ids: Sequence[str] | None) -> int:
        return repo.count_new(session=self._session, cap=cap, deck_ids=deck_ids)

    def siblings_of(self, *, card_ids: Sequence[str]) -> dict[str, list[str]]:
        return repo.siblings_of(session=self._session, card_ids=card_ids)

    def answered_among(self, *, card_ids: Iterable[str], day: date) -> set[str]:
        return repo.answered_among(session=self._session, card_ids=card_ids, day=day)

    def card_and_state(self, *, card_id: str) -> tuple[Card, Sm2State] | None:
        found = repo.card_with_state(session=self._session, card_id=card_id)
        if found is None:
            return None
        row, state = found
        return repo.to_content_card(row), _sm2(state)

    def count_reviews(self, *, day: date) -> int:
        return repo.count_reviews(session=self._session, day=day)

    def has_reviews_on(self, *, day: date) -> bool:
        return repo.has_reviews_on(session=self._session, day=day)

    def recent_response_ms(self, *, limit: int) -> list[int]:
        return repo.recent_response_ms(session=self._session, limit=limit)

    def deck_overview(self, *, today: date) -> list[tuple[str, str, int, int]]:
        return repo.deck_overview(session=self._session, today=today)


@dataclass
class _Undo:
    """What one answer changed: its review row, the card's state before it, and the revisions."""

    review_id: int
    card_id: str
    before: dict[str, object]
    """The SM-2 and day fields before the answer (`_STATE_FIELDS`)."""
    revision: int
    """The card state's revision once this session's own writes are applied; undo needs it unchanged."""
    revision_before: int
    """The revision the answer replaced."""
    made_leech: bool
    """The answer flagged and suspended the card as a leech (undo takes that back too)."""


_STATE_FIELDS = (
    "repetitions",
    "easiness",
    "interval",
    "drill",
    "due_day",
    "introduced_day",
    "last_day",
    "lapses",
    "last_review_at",
)
"""CardState columns an answer changes and undo restores. Not `suspended`: a suspension made after
the answer stays (only a leech suspension made by the answer itself is taken back)."""

UNDO_CONFLICT = (
    "That answer can no longer be undone: the card was answered or changed in another window "
    "since; both answers stay recorded."
)
"""`ReviewSession.undo_problem` after an undo refused because another window changed the card."""


def schedule_answer(
    before: Sm2State, quality: int, *, last_day: date | None, today: date
) -> tuple[Sm2State, int, bool]:
    """SM-2 for one answer on a study day, including a drill left unfinished on an earlier day.

    sm2.md rule 5 describes a drill within one day. When the student quits mid-drill, the card
    comes back on a later day still marked as drilling; that answer is a new day's repetition:

    - below 3: a lapse (rule 4): repetitions and interval reset, E-Factor kept, asked again today;
    - 3: the drill goes on today (nothing changes);
    - 4 or 5: the drill ends and the card is due `interval` days from today (rule 5).

    Only the first case differs from `sm2.review` on the drill state (which would change nothing).

    Args:
        before: The card's state before the answer.
        quality: The grade, 0 to 5.
        last_day: The study day of the card's previous answer (None if never answered).
        today: The current study day.

    Returns:
        (state after, days until due, whether the answer is logged as a drill answer).
    """
    carried_drill = before.drill and last_day is not None and last_day != today
    if carried_drill and quality < PASSING_QUALITY:
        after, days = sm2_review(replace(before, drill=False), quality)
        return after, days, False
    after, days = sm2_review(before, quality)
    return after, days, before.drill


def _sm2(state: CardState) -> Sm2State:
    """The SM-2 part of a stored state."""
    return Sm2State(
        repetitions=state.repetitions, easiness=state.easiness, interval=state.interval, drill=state.drill
    )


class ReviewSession:
    """One sitting of reviews over today's queue.

    Args:
        store: The open store.
        clock: The clock (its zone decides where study days start).
        deck_ids: Only these decks (None = all).
    """

    @store_errors("open the review session")
    def __init__(self, store: Store, clock: Clock, *, deck_ids: Sequence[str] | None = None) -> None:
        self._store = store
        self._clock = clock
        self._deck_ids = list(deck_ids) if deck_ids is not None else None
        with store.session() as session:
            self._settings = load_settings(session)
        self._tz = study_zone(self._settings, clock)
        self._started = clock.now()
        self._undo: list[_Undo] = []
        self.undo_problem: str | None = None
        """Why the latest `undo()` returned None although answers were left (None otherwise)."""
        self._review_ids: list[int] = []
        self._queue = TodayQueue(self._settings, self._deck_ids)

    @property
    def settings(self) -> Settings:
        """The settings this session runs with (read when it started)."""
        return self._settings

    def today(self) -> date:
        """The current study day (in `study_zone`: the timezone setting, else the clock's zone)."""
        return study_day(self._clock.now(), self._tz, self._settings.rollover_hour)

    @store_errors("count today's cards")
    def counts(self) -> QueueCounts:
        """Cards left today in each part of the queue."""
        today = self.today()
        with self._store.session() as session:
            return self._queue.counts(_SessionReader(session), today)

    @store_errors("read the next card")
    def next_card(self) -> StudyCard | None:
        """The card to show now, or None when today's queue is empty.

        Calling it again without answering gives the same card.
        """
        today = self.today()
        with self._store.session() as session:
            return self._queue.next_card(_SessionReader(session), today)

    @store_errors("read the card's sources")
    def citations(self, card: Card) -> list[SourceRef]:
        """The full citations of a card's sources, in the card's order, from its deck's sources.

        A key its deck does not define (which a validated deck never has) comes back as a
        `SourceRef` whose citation is the key itself, so feedback never fails on it.
        """
        with self._store.session() as session:
            found = repo.sources_of(session=session, deck_id=card.deck_id, keys=card.sources)
        return [found.get(key) or SourceRef(key=key, citation=key) for key in card.sources]

    @store_errors("record the answer")
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
        """Record an answer: the review row and the card's new state, committed together.

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
        now = self._clock.now()
        today = study_day(now, self._tz, self._settings.rollover_hour)
        for _attempt in range(WRITE_ATTEMPTS):
            recorded = self._record(card_id, quality, response_ms, now, today, response, verdict, given_root)
            if recorded is not None:
                break
        else:
            raise StoreError("This card keeps changing in another window; the answer was not recorded.")
        outcome, undo = recorded
        self._undo.append(undo)
        self._review_ids.append(undo.review_id)
        return outcome

    def _record(
        self,
        card_id: str,
        quality: int,
        response_ms: int | None,
        now: datetime,
        today: date,
        response: str | None,
        verdict: str | None,
        given_root: str | None,
    ) -> tuple[AnswerOutcome, _Undo] | None:
        """One attempt at recording an answer; None if another window changed the card meanwhile."""
        with self._store.session() as session:
            found = repo.state_for_answer(session=session, card_id=card_id)
            if found is None:
                raise ValueError(f"Unknown card {card_id!r}.")
            state, answer_root = found
            # Scheduled from the state in the database, even if another window changed it after
            # this card was shown: the answer is kept and nothing is computed from a stale copy.
            before = _sm2(state)
            after, days, is_drill = schedule_answer(before, quality, last_day=state.last_day, today=today)
            queue: QueueName = (
                "repeat" if state.last_day == today else ("new" if state.introduced_day is None else "due")
            )
            snapshot = {name: getattr(state, name) for name in _STATE_FIELDS}
            due_day = add_days(today, days)
            # A lapse is counted exactly when the schedule treats the answer as one: a fail that
            # is not a same-day drill answer, on a card that came from the due queue.
            lapse = queue == "due" and not is_drill and quality < PASSING_QUALITY
            review = repo.add_review(
                session=session,
                review=Review(
                    card_id=card_id,
                    reviewed_at=now,
                    study_day=today,
                    quality=quality,
                    response_ms=response_ms,
                    response=response,
                    verdict=verdict,
                    given_root=given_root,
                    expected_root=answer_root,
                    is_drill=is_drill,
                    queue=queue,
                    repetitions_before=before.repetitions,
                    easiness_before=before.easiness,
                    interval_before=before.interval,
                    drill_before=before.drill,
                    repetitions_after=after.repetitions,
                    easiness_after=after.easiness,
                    interval_after=after.interval,
                    drill_after=after.drill,
                    due_day_after=due_day,
                ),
            )
            lapses = state.lapses + (1 if lapse else 0)
            became_leech = lapse and not state.leech and lapses >= self._settings.leech_threshold
            values: dict[str, object] = {
                "repetitions": after.repetitions,
                "easiness": after.easiness,
                "interval": after.interval,
                "drill": after.drill,
                "due_day": due_day,
                "introduced_day": state.introduced_day or today,
                "last_day": today,
                "last_review_at": now,
                "lapses": lapses,
            }
            if became_leech:
                values.update(leech=True, suspended=True)
            if not repo.update_state(session=session, card_id=card_id, values=values, revision=state.revision):
                session.rollback()
                return None
            session.commit()
            review_id = review.id
        assert review_id is not None
        outcome = AnswerOutcome(
            card_id=card_id, quality=quality, state=after, days_until_due=days, due_day=due_day, leech=became_leech
        )
        return outcome, _Undo(
            review_id=review_id,
            card_id=card_id,
            before=snapshot,
            revision=state.revision + 1,
            revision_before=state.revision,
            made_leech=became_leech,
        )

    @store_errors("undo the answer")
    def undo(self) -> str | None:
        """Take back the latest answer of this session (repeatable, one answer at a time).

        The card's SM-2 and day fields are restored as they were before the answer and the
        answer's review row is deleted, in one transaction. A suspension made since the answer
        stays. The undo is refused if another window answered or changed the card after this
        session's last write to it (restoring would silently drop that window's work): then
        nothing is written, `undo_problem` says why, and the answer leaves the undo stack (the
        next undo takes back the answer before it).

        Returns:
            The id of the card restored; None if there is nothing left to undo (`undo_problem`
            is None) or the undo was refused (`undo_problem` holds one sentence for the student).
        """
        self.undo_problem = None
        if not self._undo:
            return None
        entry = self._undo[-1]
        values = dict(entry.before)
        with self._store.session() as session:
            if entry.made_leech:
                values.update(leech=False, suspended=False)
            written = repo.update_state(
                session=session, card_id=entry.card_id, values=values, revision=entry.revision
            )
            if not written or not repo.delete_review(session=session, review_id=entry.review_id):
                session.rollback()
                self._undo.pop()
                self.undo_problem = UNDO_CONFLICT
                return None
            session.commit()
        self._undo.pop()
        self._moved(entry.card_id, entry.revision_before, entry.revision + 1)
        if entry.review_id in self._review_ids:
            self._review_ids.remove(entry.review_id)
        return entry.card_id

    def _moved(self, card_id: str, old: int, new: int) -> None:
        """This session moved a card's state from revision `old` to `new`: its undo entries follow."""
        for entry in self._undo:
            if entry.card_id == card_id and entry.revision == old:
                entry.revision = new

    def can_undo(self) -> bool:
        """True if there is an answer of this session to take back."""
        return bool(self._undo)

    @store_errors("change whether the card is suspended")
    def _set_suspended(self, card_id: str, suspended: bool) -> None:
        """Suspend or unsuspend a card, committed."""
        with self._store.session() as session:
            state = session.get(CardState, card_id)
            if state is None:
                raise ValueError(f"Unknown card {card_id!r}.")
            old = state.revision
            if not repo.update_state(session=session, card_id=card_id, values={"suspended": suspended}, revision=old):
                # Another window wrote in between: suspend anyway, but this session's answers
                # to the card can no longer be undone over that window's change.
                repo.update_state(session=session, card_id=card_id, values={"suspended": suspended})
                session.commit()
                return
            session.commit()
        self._moved(card_id, old, old + 1)

    def suspend(self, card_id: str) -> None:
        """Take a card out of every queue until it is unsuspended (its progress is kept)."""
        self._set_suspended(card_id, True)

    def unsuspend(self, card_id: str) -> None:
        """Put a suspended card (or a leech) back into the queues."""
        self._set_suspended(card_id, False)

    @store_errors("summarise the session")
    def summary(self) -> SessionSummary:
        """The report on this session's answers (undone answers are not counted)."""
        today = self.today()
        with self._store.session() as session:
            reviews = repo.reviews_by_ids(session=session, review_ids=self._review_ids)
            next_due = repo.next_due_day_after(session=session, day=today)
            due_tomorrow = repo.count_due_on_or_before(session=session, day=add_days(today, 1))
        correct = sum(1 for r in reviews if r.quality >= 3)
        missed: Counter[str] = Counter(r.expected_root for r in reviews if r.quality < 3 and r.expected_root)
        confusions: Counter[tuple[str, str]] = Counter(
            (r.expected_root, r.given_root)
            for r in reviews
            if r.expected_root and r.given_root and r.given_root != r.expected_root
        )
        return SessionSummary(
            reviewed=len(reviews),
            correct=correct,
            accuracy=correct / len(reviews) if reviews else None,
            elapsed_s=max(0.0, (self._clock.now() - self._started).total_seconds()),
            missed_roots=sorted(missed.items(), key=lambda item: (-item[1], item[0])),
            confusions=[(e, g, n) for (e, g), n in sorted(confusions.items(), key=lambda item: (-item[1], item[0]))],
            next_due=next_due,
            due_tomorrow=due_tomorrow,
        )


@store_errors("read today's overview")
def home_overview(store: Store, clock: Clock) -> HomeOverview:
    """What the Home screen shows: today's counts, streak, time estimate, decks.

    Args:
        store: The open store.
        clock: The clock.
    """
    session_view = ReviewSession(store, clock)
    with store.session() as session:
        return home_overview_from(_SessionReader(session), session_view._queue, session_view.today())
