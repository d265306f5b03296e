"""Custom study: cram writes nothing, missed-cards cram, review ahead, extra new cards today."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from trainer.clock import FixedClock
from trainer.store.models import CardState, Review
from trainer.study.custom import cram_missed, cram_tag, parse_custom
from trainer.study.review import open_session
from trainer.study.session import StudySession

from ..conftest import LONDON


def _states(store) -> list[dict]:
    with store.session() as session:
        return [s.model_dump() for s in session.exec(select(CardState).order_by(CardState.card_id)).all()]


def _review_count(store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(Review)).one()


def test_cram_a_tag_writes_nothing_and_repeats_misses(store, clock, make_deck, import_deck) -> None:
    """Every card of the tag is asked; a miss comes back at the end; no review row, no state change."""
    import_deck(store, make_deck(3))
    before = _states(store)
    cram = cram_tag(store, clock, "LUMBAR", profile_id=1)
    ids = []
    grades = iter([1, 5, 5, 4])
    while cram.current is not None:
        ids.append(cram.current.card.id)
        outcome = cram.answer(cram.current.card.id, next(grades), 1000)
        assert outcome.note and outcome.note.startswith("Cram: nothing was scheduled")
    assert len(ids) == 4 and ids[0] == ids[-1]  # the missed first card came back last
    assert _states(store) == before
    assert _review_count(store) == 0
    summary = cram.summary()
    assert (summary.reviewed, summary.correct) == (4, 3)


def test_cram_undo_asks_the_card_again(store, clock, make_deck, import_deck) -> None:
    import_deck(store, make_deck(2))
    cram = cram_tag(store, clock, "lumbar", profile_id=1)
    first = cram.current.card.id
    cram.answer(first, 1, 1000)
    assert cram.current.card.id != first
    assert cram.undo() == first
    assert cram.current.card.id == first
    assert cram.counts().due == 2


def test_cram_missed_in_the_last_days(store, make_deck, import_deck) -> None:
    """Cards graded below 3 within the last N days, newest miss first; older misses and passes are left out."""
    deck = make_deck(4)
    import_deck(store, deck)
    ids = [card.id for card in deck.cards]
    for day, card, grade in ((1, 0, 1), (5, 1, 2), (6, 2, 5), (7, 3, 0)):
        session = open_session(store, FixedClock(datetime(2026, 1, day, 12, tzinfo=UTC), tz=LONDON))
        session.answer(ids[card], grade, 1000)
    today = FixedClock(datetime(2026, 1, 7, 12, tzinfo=UTC), tz=LONDON)
    cram = cram_missed(store, today, 3, profile_id=1)
    asked = []
    while cram.current is not None:
        asked.append(cram.current.card.id)
        cram.answer(cram.current.card.id, 5, 1000)
    assert asked == [ids[3], ids[1]]


def test_review_ahead_takes_cards_due_soon(store, clock, make_deck, import_deck) -> None:
    """A card due in 3 days: not in today's queue; in a review ahead by 3 days, and its answer is scheduled."""
    deck = make_deck(2)
    import_deck(store, deck)
    with store.session() as session:
        for card in deck.cards:
            state = session.get(CardState, (1, card.id))
            state.introduced_day = date(2026, 1, 1)
            state.due_day = date(2026, 1, 13)
            state.repetitions, state.interval = 2, 6
        session.commit()
    assert open_session(store, clock).current is None
    ahead = StudySession.open(store, clock, profile_id=1, ahead_days=3)
    assert ahead.counts().due == 2
    ahead.answer(ahead.current.card.id, 5, 1000)
    assert _review_count(store) == 1


def test_extra_new_cards_today(store, clock, make_deck, import_deck) -> None:
    import_deck(store, make_deck(30))
    assert open_session(store, clock).counts().new == 20
    assert StudySession.open(store, clock, profile_id=1, extra_new=5).counts().new == 25


@pytest.mark.parametrize(
    ("kind", "text", "problem"),
    [("tag", "", "Type one tag"), ("tag", "two tags", "Type one tag"), ("missed", "x", "whole number from 1 to 365"),
     ("ahead", "0", "not 0"), ("extra", "1000", "from 1 to 999")],
)  # fmt: skip
def test_custom_values_are_checked(kind: str, text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_custom(kind, text)
    assert parse_custom("missed", " 7 ") == 7 and parse_custom("tag", "Myotome") == "myotome"
