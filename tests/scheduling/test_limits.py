"""The schedule's outer limits: no interval beyond 100 years, no due day beyond the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from trainer.scheduling.policy import CardProgress, Grade, apply_answer
from trainer.scheduling.sm2 import MAXIMUM_INTERVAL, Sm2State, review


def test_a_card_passed_again_and_again_stops_at_the_maximum_interval() -> None:
    """Thirty perfect answers: the interval grows, then stays at 36,500 days (Anki's default maximum)."""
    state, intervals = Sm2State(), []
    for _ in range(30):
        state, days = review(state, 5)
        intervals.append(days)
    assert intervals[:4] == [1, 6, 17, 50]  # EF 2.6, 2.7, 2.8, 2.9: 6 x 2.8 = 16.8, 17 x 2.9 = 49.3
    assert intervals == sorted(intervals)
    assert max(intervals) == MAXIMUM_INTERVAL == 36_500 and intervals[-1] == MAXIMUM_INTERVAL


def test_an_answer_on_the_calendars_last_days_is_due_on_its_last_day() -> None:
    """A clock set to December 9999: the answer is scheduled (no OverflowError), due on 9999-12-31 at the latest."""
    today = date(9999, 12, 20)
    mature = CardProgress(sm2=Sm2State(repetitions=5, easiness=2.5, interval=300), due_day=today, introduced_day=date(9999, 1, 1), last_day=date(9999, 2, 23))
    effect = apply_answer(mature, Grade(5), today=today, at=datetime(9999, 12, 20, 9, tzinfo=UTC), leech_threshold=8)
    assert effect.progress.due_day == date.max == effect.log.due_day_after
    assert effect.log.days_until_due == (date.max - today).days == 11
    new = apply_answer(CardProgress(), Grade(4), today=date.max, at=datetime(9999, 12, 31, 9, tzinfo=UTC), leech_threshold=8)
    assert new.progress.due_day == date.max and new.log.days_until_due == 0
    assert today + timedelta(days=effect.log.days_until_due) == date.max
