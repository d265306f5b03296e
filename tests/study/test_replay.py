"""The replay check of the proof suites (tests/replay.py) catches a lost answer and a torn state."""

from __future__ import annotations

from sqlalchemy import delete, update

from tests.replay import replay_mismatches
from trainer.store.models import CardState, Review
from trainer.study.session import open_session


def _answered(store, clock, make_deck, import_deck):
    import_deck(store, make_deck(3))
    session = open_session(store, clock)
    for quality in (5, 2, 4):
        card = session.next_card()
        session.answer(card.card.id, quality, 1000)
    return session


def test_a_faithful_log_replays_to_the_stored_states(store, clock, make_deck, import_deck) -> None:
    """Answers through the study layer: no mismatch."""
    _answered(store, clock, make_deck, import_deck)
    assert replay_mismatches(store) == []


def test_a_lost_review_and_a_torn_state_are_reported(store, clock, make_deck, import_deck) -> None:
    """Deleting a review row, or changing a state behind the log's back, is found."""
    _answered(store, clock, make_deck, import_deck)
    with store.session() as session:
        session.execute(delete(Review).where(Review.id == 1))
        session.execute(update(CardState).where(CardState.interval == 1).values(interval=9))
        session.commit()
    problems = replay_mismatches(store)
    assert any("a studied state with no review" in p for p in problems)
    assert any("stored" in p and "replay" in p for p in problems)
