"""Sixty study days with a scripted student: the stored schedule is exactly what pure SM-2 predicts.

The student answers every card with a quality fixed by (card, study day, attempt that day), so the
outcome for each card does not depend on the order the session shows cards in. The expected
schedule is computed independently, card by card, from `trainer.scheduling.sm2.review` alone.
Each study day is split over two sessions (evening, then after midnight but before the rollover),
some days are skipped, and the run crosses the March DST change in London.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from trainer.clock import SystemClock
from trainer.scheduling.sm2 import Sm2State
from trainer.scheduling.sm2 import review as sm2_review
from trainer.store.models import CardState, Review
from trainer.study.review import open_session
from trainer.study.settings import set_setting

LONDON = ZoneInfo("Europe/London")
FIRST_DAY = date(2026, 3, 10)
DAYS = 60
CARDS = 18
NEW_PER_DAY = 3
FIRST_SESSION_ANSWERS = 4
"""The evening session stops after this many answers; the rest happen after midnight."""


def _skipped(day_index: int) -> bool:
    """The student misses every ninth day."""
    return day_index % 9 == 8


def quality(card_index: int, day: date, attempt: int) -> int:
    """The scripted student's grade: deterministic, mostly passes, always ends a drill by attempt 2."""
    h = int(hashlib.sha256(f"{card_index}:{day.isoformat()}:{attempt}".encode()).hexdigest(), 16)
    if attempt == 0:
        return (5, 4, 4, 3, 5, 1, 0, 2, 5, 4)[h % 10]
    if attempt == 1:
        return (3, 4, 5, 1)[h % 4]
    return 4 + h % 2


def predict() -> tuple[dict[int, tuple[Sm2State, date]], dict[tuple[int, date], list[int]]]:
    """The schedule pure SM-2 gives for the scripted student, computed without the app."""
    states: dict[int, Sm2State] = {}
    due: dict[int, date] = {}
    answers: dict[tuple[int, date], list[int]] = defaultdict(list)
    next_new = 0
    for index in range(DAYS):
        day = FIRST_DAY + timedelta(days=index)
        if _skipped(index):
            continue
        todays = [card for card, when in due.items() if when <= day]
        for card in range(next_new, min(CARDS, next_new + NEW_PER_DAY)):
            todays.append(card)
            states[card] = Sm2State()
        next_new = min(CARDS, next_new + NEW_PER_DAY)
        for card in todays:
            for attempt in range(10):
                q = quality(card, day, attempt)
                answers[(card, day)].append(q)
                states[card], days = sm2_review(states[card], q)
                if days > 0:
                    due[card] = day + timedelta(days=days)
                    break
    return {card: (states[card], due[card]) for card in states}, dict(answers)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.mark.slow
def test_sixty_days_of_a_scripted_student_match_pure_sm2_exactly(store, make_deck, import_deck) -> None:
    """Every stored state, due day and logged grade equals the independent prediction."""
    deck = make_deck(CARDS)
    import_deck(store, deck)
    with store.session() as session:
        set_setting(session, "new_per_day", str(NEW_PER_DAY))
        session.commit()
    index_of = {card.id: i for i, card in enumerate(deck.cards)}
    attempts: dict[tuple[int, date], int] = defaultdict(int)
    with freeze_time(_local(FIRST_DAY, 21, 30)) as frozen:
        for index in range(DAYS):
            day = FIRST_DAY + timedelta(days=index)
            if _skipped(index):
                continue
            # Evening session, dropped after a few answers; then a second one after midnight
            # (01:30 local, before the 04:00 rollover: the same study day, and on 29 March an
            # hour that does not exist in London, which must still count as the 28th).
            for when, limit in ((_local(day, 21, 30), FIRST_SESSION_ANSWERS), (_local(day + timedelta(days=1), 1, 30), None)):
                frozen.move_to(when)
                session = open_session(store, SystemClock("Europe/London"))
                assert session.today() == day
                answered = 0
                while (limit is None or answered < limit) and (card := session.next_card()) is not None:
                    key = (index_of[card.card.id], day)
                    session.answer(card.card.id, quality(key[0], day, attempts[key]), 2000 + answered)
                    attempts[key] += 1
                    answered += 1
                if limit is None:
                    assert session.counts().total == 0
                del session

    expected_states, expected_answers = predict()
    with store.session() as db:
        stored = {index_of[s.card_id]: s for s in db.exec(select(CardState))}
        reviews = list(db.exec(select(Review).order_by(Review.id)))
    actual_answers: dict[tuple[int, date], list[int]] = defaultdict(list)
    for review in reviews:
        actual_answers[(index_of[review.card_id], review.study_day)].append(review.quality)
    assert dict(actual_answers) == expected_answers
    # The script exercised every path: lapses, drills, long intervals, the DST night.
    assert any(r.queue == "due" and r.quality < 3 for r in reviews)
    assert any(r.is_drill for r in reviews)
    assert max(s.interval for s, _ in expected_states.values()) > 15
    assert (date(2026, 3, 28) in {r.study_day for r in reviews}) and not _skipped((date(2026, 3, 28) - FIRST_DAY).days)
    assert len(expected_states) == CARDS  # every card was introduced
    for card, (state, due) in expected_states.items():
        row = stored[card]
        assert (Sm2State(row.repetitions, row.easiness, row.interval, row.drill), row.due_day) == (state, due), card
    assert all(stored[c].introduced_day is None for c in stored if c not in expected_states)
    # The new/day limit held on every study day, across its two sessions.
    introduced = defaultdict(int)
    for row in stored.values():
        introduced[row.introduced_day] += 1
    assert max(introduced.values()) == NEW_PER_DAY
