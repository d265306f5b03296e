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

import hashlib
import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from sqlmodel import Session

from trainer.clock import Clock, add_days, study_day
from trainer.content.cards import Card
from trainer.scheduling.sm2 import PASSING_QUALITY, Sm2State
from trainer.scheduling.sm2 import review as sm2_review
from trainer.store import repo
from trainer.store.db import Store, StoreError, store_errors
from trainer.store.models import CardState, Review
from trainer.study.settings import Settings, load_settings, study_zone

__all__ = [
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

QueueName = Literal["due", "new", "repeat"]
"""Which part of today's queue a card comes from."""

DEFAULT_SECONDS_PER_CARD = 8.0
"""Time estimate per card before the student has any timed answers."""

WRITE_ATTEMPTS = 5
"""How often an answer is re-read and re-applied when another window changes the card meanwhile."""

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
        self._shown: dict[str, Sm2State] = {}
        self._siblings: dict[str, tuple[str, ...]] = {}

    @property
    def settings(self) -> Settings:
        """The settings this session runs with (read when it started)."""
        return self._settings

    def today(self) -> date:
        """The current study day (in `study_zone`: the timezone setting, else the clock's zone)."""
        return study_day(self._clock.now(), self._tz, self._settings.rollover_hour)

    def _quotas(self, session: Session, today: date) -> tuple[int, int]:
        """Due reviews and new cards still allowed today."""
        due_done, introduced = repo.used_today(session=session, day=today)
        return (
            max(0, self._settings.reviews_per_day - due_done),
            max(0, self._settings.new_per_day - introduced),
        )

    @store_errors("count today's cards")
    def counts(self) -> QueueCounts:
        """Cards left today in each part of the queue."""
        today = self.today()
        with self._store.session() as session:
            due_quota, new_quota = self._quotas(session, today)
            return QueueCounts(
                due=repo.count_due(session=session, today=today, cap=due_quota, deck_ids=self._deck_ids),
                new=repo.count_new(session=session, cap=new_quota, deck_ids=self._deck_ids),
                repeat=len(repo.repeat_card_ids(session=session, today=today, deck_ids=self._deck_ids)),
            )

    @store_errors("read the next card")
    def next_card(self) -> StudyCard | None:
        """The card to show now, or None when today's queue is empty.

        Calling it again without answering gives the same card.
        """
        today = self.today()
        with self._store.session() as session:
            due_quota, new_quota = self._quotas(session, today)
            fetchers: tuple[tuple[QueueName, Callable[[int], list[str]], int | None], ...] = (
                (
                    "due",
                    lambda n: repo.due_card_ids(session=session, today=today, limit=n, deck_ids=self._deck_ids),
                    due_quota,
                ),
                ("new", lambda n: repo.new_card_ids(session=session, limit=n, deck_ids=self._deck_ids), new_quota),
                (
                    "repeat",
                    lambda n: repo.repeat_card_ids(session=session, today=today, limit=n, deck_ids=self._deck_ids),
                    None,
                ),
            )
            fallback: tuple[str, QueueName] | None = None
            for queue, fetch, quota in fetchers:
                chosen, first = self._first_unburied(session, today, fetch, quota)
                if chosen is not None:
                    return self._study_card(session, chosen, queue)
                if first is not None and fallback is None:
                    fallback = (first, queue)
            if fallback is None:
                return None
            # Only buried siblings are left: show them rather than end the day early.
            return self._study_card(session, *fallback)

    def _first_unburied(
        self, session: Session, today: date, fetch: Callable[[int], list[str]], quota: int | None
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
            buried = self._buried(session, ids, today)
            for card_id in ids:
                if card_id not in buried:
                    return card_id, first
            if len(ids) < limit:
                return None, first
            limit *= 4

    def _buried(self, session: Session, card_ids: list[str], today: date) -> set[str]:
        """Those of `card_ids` with a sibling answered today.

        Sibling lists are content, fixed for the life of a session, so they are read once per
        card; whether a sibling was answered today is always read from the database (another
        window may have answered it).
        """
        missing = [card_id for card_id in card_ids if card_id not in self._siblings]
        if missing:
            for card_id, siblings in repo.siblings_of(session=session, card_ids=missing).items():
                self._siblings[card_id] = tuple(siblings)
        siblings = {sibling for card_id in card_ids for sibling in self._siblings.get(card_id, ())}
        if not siblings:
            return set()
        answered = repo.answered_among(session=session, card_ids=siblings, day=today)
        return {card_id for card_id in card_ids if answered.intersection(self._siblings.get(card_id, ()))}

    def _study_card(self, session: Session, card_id: str, queue: QueueName) -> StudyCard:
        """Load a queued card and remember the state it is shown with."""
        found = repo.card_with_state(session=session, card_id=card_id)
        assert found is not None  # the queue query joined both
        row, state = found
        self._siblings[card_id] = tuple(row.siblings)
        sm2_state = _sm2(state)
        self._shown[card_id] = sm2_state
        return StudyCard(card=repo.to_content_card(row), queue=queue, state=sm2_state)

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
        self._shown.pop(card_id, None)
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
    counts = session_view.counts()
    today = session_view.today()
    with store.session() as session:
        reviewed_today = repo.count_reviews(session=session, day=today)
        # A streak may end yesterday: today's reviews may simply not have happened yet.
        streak = repo.streak(session=session, today=today)
        times = repo.recent_response_ms(session=session, limit=RESPONSE_SAMPLE)
        decks = [DeckOverview(*row) for row in repo.deck_overview(session=session, today=today)]
    seconds = statistics.median(times) / 1000 if times else DEFAULT_SECONDS_PER_CARD
    return HomeOverview(
        today=today,
        counts=counts,
        streak=streak,
        minutes=math.ceil(counts.total * seconds / 60),
        decks=decks,
        reviewed_today=reviewed_today,
    )


BUILTIN_DECK_META = "builtin_deck_hash"
"""Meta key holding the hash of the built-in deck file (and app version) last imported."""


@store_errors("import the built-in deck")
def ensure_builtin_deck(store: Store, *, now: datetime | None = None) -> None:
    """Import the built-in deck if it is absent or its file changed; otherwise return at once.

    The check hashes the deck file, the app version and the content layer's source (generated
    cards change when the generator does, even between releases), so an unchanged deck costs a
    few small reads, not an import of the validator and a compile (about 250 ms).

    Args:
        store: The open store.
        now: The import instant; without it, `SystemClock` gives it (faces should pass
            `clock.now()`; the store itself never reads the clock).

    Raises:
        trainer.content.loader.DeckError: If the built-in deck does not validate.
    """
    from trainer import __version__
    from trainer.paths import builtin_deck_path

    path = builtin_deck_path()
    digest = hashlib.sha256(path.read_bytes())
    digest.update(str(__version__).encode())
    content_dir = Path(__file__).resolve().parent.parent / "content"
    for source in sorted(content_dir.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    key = digest.hexdigest()
    with store.session() as session:
        if repo.get_meta(session=session, key=BUILTIN_DECK_META) == key:
            return
    from trainer.content.generate import load_compiled_deck

    deck = load_compiled_deck(path)
    if now is None:
        from trainer.clock import SystemClock

        now = SystemClock().now()
    with store.session() as session:
        repo.sync_deck(session=session, deck=deck, now=now)
        repo.set_meta(session=session, key=BUILTIN_DECK_META, value=key)
        session.commit()
