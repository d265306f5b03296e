"""Custom study: cram (feedback, nothing scheduled), review ahead, extra new cards today.

Review ahead and extra new cards are ordinary study sessions with a wider queue
(`StudySession.open(ahead_days=, extra_new=)`): their answers are scheduled as usual. Cram is a
`CramSession`: the cards of a tag, or the cards missed in the last N days, asked with the
review screen's feedback, but nothing is written: no review row, no change of SM-2 state. A
card missed in a cram comes back at the end of the cram until it is answered with 3 or more.
It offers what the review screen uses of a `StudySession` (current, answer, undo, counts,
summary...), so the same screen runs it.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from trainer.clock import Clock, add_days
from trainer.content.cards import Card, SourceRef
from trainer.content.query import Query, Term
from trainer.scheduling.policy import as_grade
from trainer.store.readers import Reader, SqlAlchemyExecutor, StudyRow
from trainer.study.queue import QueueCounts, StudyCard
from trainer.study.session import AnswerOutcome, SessionSummary, today_for
from trainer.study.settings import Settings, settings_from_rows

if TYPE_CHECKING:
    from trainer.store.db import Store

__all__ = ["CRAM_NOTE", "CUSTOM_KINDS", "CramSession", "cram_missed", "cram_tag", "parse_custom"]

CRAM_NOTE = "Cram: nothing was scheduled"
"""What the review screen says after each cram answer."""

CRAM_LIMIT = 500
"""At most this many cards in one cram."""


@dataclass(frozen=True)
class _CramAnswer:
    card_id: str
    quality: int
    expected_root: str | None
    given_root: str | None
    requeued: bool


class CramSession:
    """A cram over a fixed list of cards, held in memory; it writes nothing.

    Args:
        clock: The clock (elapsed time).
        settings: The student's settings (grading thresholds the review screen reads).
        profile_id: The student.
        rows: The cards, in the order they are asked.
        sources: Citations by (deck id, source key).
        title: What is crammed ("tag myotome", "missed in the last 7 days").
    """

    def __init__(
        self,
        *,
        clock: Clock,
        settings: Settings,
        profile_id: int,
        rows: list[StudyRow],
        sources: dict[tuple[str, str], SourceRef],
        title: str,
    ) -> None:
        self._clock = clock
        self._settings = settings
        self.profile_id = profile_id
        self._rows = {row.card.id: row for row in rows}
        self._queue = [row.card.id for row in rows]
        self._sources = sources
        self._answers: list[_CramAnswer] = []
        self._lock = threading.RLock()
        self.title = title
        self.started_at = clock.now()
        """When the cram started."""
        self.undo_problem: str | None = None
        """Always None: a cram's answers are in memory, so undo is never refused."""
        self.current: StudyCard | None = None
        self._advance()

    @property
    def answers_done(self) -> int:
        """Answers given in this cram."""
        return len(self._answers)

    @property
    def settings(self) -> Settings:
        """The student's settings."""
        return self._settings

    def _advance(self) -> None:
        card_id = self._queue[0] if self._queue else None
        if card_id is None:
            self.current = None
            return
        row = self._rows[card_id]
        self.current = StudyCard(card=row.card, queue="cram", progress=row.progress)  # type: ignore[arg-type]

    def next_card(self) -> StudyCard | None:
        """The card to show now (None when the cram is done)."""
        return self.current

    def counts(self) -> QueueCounts:
        """Cards left in the cram (shown as due)."""
        return QueueCounts(due=len(self._queue), new=0, repeat=0)

    def citations(self, card: Card) -> list[SourceRef]:
        """A card's full citations, in the card's order."""
        return [self._sources.get((card.deck_id, key)) or SourceRef(key=key, citation=key) for key in card.sources]

    def can_undo(self) -> bool:
        """True if an answer of this cram can be taken back."""
        return bool(self._answers)

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
        """Take an answer into account in memory; a grade below 3 sends the card to the end of the cram."""
        grade = as_grade(quality)
        with self._lock:
            row = self._rows.get(card_id)
            if row is None:
                raise ValueError(f"Unknown card {card_id!r}.")
            if card_id in self._queue:
                self._queue.remove(card_id)
            again = not grade.passed
            if again:
                self._queue.append(card_id)
            self._answers.append(_CramAnswer(card_id, int(grade), row.card.answer_root, given_root, again))
            self._advance()
        return AnswerOutcome(
            card_id=card_id,
            quality=int(grade),
            state=row.progress.sm2,
            days_until_due=0,
            due_day=row.progress.due_day,
            leech=False,
            note=f"{CRAM_NOTE}; " + ("this card comes again in this cram." if again else "next card."),
        )

    def undo(self) -> str | None:
        """Take back the latest cram answer: the card is asked again first."""
        with self._lock:
            if not self._answers:
                return None
            last = self._answers.pop()
            if last.card_id in self._queue:
                self._queue.remove(last.card_id)  # sent to the end by a miss
            self._queue.insert(0, last.card_id)
            self._advance()
            return last.card_id

    def suspend(self, card_id: str) -> None:
        """Suspending is a change to the schedule: a cram leaves the card out instead."""
        with self._lock:
            self._queue = [queued for queued in self._queue if queued != card_id]
            self._advance()

    def refresh(self) -> None:
        """A card action changed a card: the cram keeps its list (it schedules nothing)."""

    def summary(self) -> SessionSummary:
        """The report on this cram (from memory; nothing was scheduled)."""
        answers = self._answers
        correct = sum(1 for a in answers if a.quality >= 3)
        missed: Counter[str] = Counter(a.expected_root for a in answers if a.quality < 3 and a.expected_root)
        confusions: Counter[tuple[str, str]] = Counter(
            (a.expected_root, a.given_root) for a in answers if a.expected_root and a.given_root and a.given_root != a.expected_root
        )
        return SessionSummary(
            reviewed=len(answers),
            correct=correct,
            accuracy=correct / len(answers) if answers else None,
            elapsed_s=max(0.0, (self._clock.now() - self.started_at).total_seconds()),
            missed_roots=sorted(missed.items(), key=lambda item: (-item[1], item[0])),
            confusions=[(e, g, n) for (e, g), n in sorted(confusions.items(), key=lambda item: (-item[1], item[0]))],
            next_due=None,
            due_tomorrow=0,
        )


def _cram(store: Store, clock: Clock, profile_id: int, ids_of, title: str) -> CramSession:  # noqa: ANN001
    from trainer.store.db import store_errors

    with store_errors("read the cards to cram"), store.engine.connect() as connection:
        reader = Reader(SqlAlchemyExecutor(connection), profile_id=profile_id)
        settings = settings_from_rows(reader.stored_settings())
        today = today_for(reader, clock, settings)
        ids = ids_of(reader, today)[:CRAM_LIMIT]
        found = reader.study_rows(ids)
        sources = reader.all_sources()
    rows = [found[card_id] for card_id in ids if card_id in found]
    return CramSession(clock=clock, settings=settings, profile_id=profile_id, rows=rows, sources=sources, title=title)


def cram_tag(store: Store, clock: Clock, tag: str, *, profile_id: int) -> CramSession:
    """A cram of every unsuspended card carrying `tag`, in deck order."""
    from trainer.store.search import search_cards

    query = Query((Term("tag", tag.strip().lower()), Term("is", "suspended", negated=True)))

    def ids_of(reader: Reader, today: date) -> list[str]:
        result = search_cards(reader.executor, query, profile_id=profile_id, today=today, limit=CRAM_LIMIT)
        return [row.card_id for row in result.rows]

    return _cram(store, clock, profile_id, ids_of, f"tag {tag.strip()}")


def cram_missed(store: Store, clock: Clock, days: int, *, profile_id: int) -> CramSession:
    """A cram of the cards missed (graded below 3) in the last `days` study days, most recent first."""
    from trainer.store.search import missed_since

    def ids_of(reader: Reader, today: date) -> list[str]:
        return missed_since(reader.executor, profile_id=profile_id, since=add_days(today, -(days - 1)))

    return _cram(store, clock, profile_id, ids_of, f"missed in the last {days} days")


CUSTOM_KINDS = {
    "tag": "Cram a tag (nothing scheduled)",
    "missed": "Cram the cards missed in the last N days (nothing scheduled)",
    "ahead": "Review ahead: cards due in the next N days",
    "extra": "Extra new cards today: N more than the daily limit",
}
"""The kinds of custom study, with the words a menu shows."""


def parse_custom(kind: str, text: str) -> str | int:
    """The value of a custom study request: a tag, or a number of days or cards.

    Raises:
        ValueError: One sentence saying what to type.
    """
    value = text.strip()
    if kind == "tag":
        if not value or any(ch.isspace() for ch in value):
            raise ValueError("Type one tag, e.g. myotome.")
        return value.lower()
    if kind not in CUSTOM_KINDS:
        raise ValueError(f"Unknown kind of custom study {kind!r}.")
    high = 999 if kind == "extra" else 365
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"Type a whole number from 1 to {high}, not {value!r}.") from None
    if not 1 <= number <= high:
        raise ValueError(f"Type a whole number from 1 to {high}, not {number}.")
    return number
