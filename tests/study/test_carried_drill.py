"""A day that ends mid-drill: the student scores 3, quits, and meets the card again on a later study day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from trainer.scheduling.sm2 import Sm2State
from trainer.store.models import CardState, Review
from trainer.study.review import open_session

DAY = timedelta(days=1)


def _answer_first(store, clock, quality: int):
    session = open_session(store, clock)
    card = session.next_card()
    assert card is not None
    return card, session.answer(card.card.id, quality, 1000)


@pytest.fixture
def carried(store, clock, make_deck, import_deck):
    """4 (day 1), 4 (day 2: interval 6), 3 on the due day 8 (drill, interval 15), quit; now day 9."""
    import_deck(store, make_deck(1))
    _answer_first(store, clock, 4)
    clock.advance(DAY)
    _answer_first(store, clock, 4)
    clock.advance(6 * DAY)
    card, outcome = _answer_first(store, clock, 3)
    assert outcome.state == Sm2State(repetitions=3, easiness=2.36, interval=15, drill=True)
    assert outcome.days_until_due == 0
    clock.advance(DAY)  # the student quit; the next study day begins
    return card.card.id


def _state(store, card_id: str) -> CardState:
    with store.session() as session:
        return session.get(CardState, (1, card_id))


def test_the_carried_drill_is_due_the_next_day(store, clock, carried) -> None:
    """The unfinished drill is not lost: it is the first card of the next day."""
    card = open_session(store, clock).next_card()
    assert card is not None and card.card.id == carried and card.state.drill


def test_a_fail_on_the_next_day_is_a_lapse_in_the_schedule_and_the_counter(store, clock, carried) -> None:
    """Repetitions and interval reset, EF kept, asked again today, one lapse counted; then a 4 makes it due tomorrow."""
    session = open_session(store, clock)
    outcome = session.answer(carried, 0, 1000)
    assert outcome.state == Sm2State(repetitions=0, easiness=2.36, interval=0, drill=False)
    assert outcome.days_until_due == 0
    state = _state(store, carried)
    assert (state.repetitions, state.interval, state.lapses) == (0, 0, 1)
    with store.session() as db:
        last = db.exec(select(Review).order_by(Review.id.desc())).first()
    assert (last.queue, last.is_drill) == ("due", False)
    assert session.next_card().card.id == carried  # again today
    again = session.answer(carried, 4, 1000)
    assert again.state == Sm2State(repetitions=1, easiness=2.36, interval=1, drill=False)
    assert again.days_until_due == 1


def test_a_4_on_the_next_day_ends_the_drill_due_the_interval_from_today(store, clock, carried) -> None:
    """Rule 5: the interval worked out at the 3 (15 days) counts from the day the drill ends."""
    session = open_session(store, clock)
    today = session.today()
    outcome = session.answer(carried, 4, 1000)
    assert outcome.state == Sm2State(repetitions=3, easiness=2.36, interval=15, drill=False)
    assert outcome.due_day == today + timedelta(days=15)
    assert _state(store, carried).lapses == 0


def test_a_3_on_the_next_day_keeps_drilling(store, clock, carried) -> None:
    """A 3 changes nothing and the card stays in today's repeats."""
    session = open_session(store, clock)
    outcome = session.answer(carried, 3, 1000)
    assert outcome.state == Sm2State(repetitions=3, easiness=2.36, interval=15, drill=True)
    assert outcome.days_until_due == 0
    assert session.next_card().queue == "repeat"
    assert _state(store, carried).lapses == 0


def test_the_lapse_counter_matches_the_logged_lapses_over_a_run_with_unfinished_drills(store, clock, make_deck, import_deck) -> None:
    """Every day quits after the first answer to each card, so drills often carry over; the counter equals the resets in the log."""
    import_deck(store, make_deck(6))
    script = [4, 3, 0, 5, 3, 1, 3, 4, 2, 3, 3, 0, 4, 5, 3]
    step = 0
    for _day in range(30):
        session = open_session(store, clock)
        seen: set[str] = set()
        while (card := session.next_card()) is not None and card.card.id not in seen:
            seen.add(card.card.id)
            session.answer(card.card.id, script[step % len(script)], 1000)
            step += 1
        clock.advance(DAY)
    with store.session() as db:
        reviews = db.exec(select(Review)).all()
        states = db.exec(select(CardState)).all()
    for state in states:
        mine = [r for r in reviews if r.card_id == state.card_id]
        resets = [r for r in mine if r.queue == "due" and r.quality < 3]
        assert all(r.repetitions_after == 0 and r.interval_after == 0 for r in resets)
        assert state.lapses == len(resets)
    assert any(r.drill_before and r.queue == "due" for r in reviews)  # the scenario did carry drills over
