"""Time against the study layer: DST both ways, a clock set back, a time-zone change mid-session.

A student studies day after day around both DST changes of London and New York, at awkward
local times (03:30 is still yesterday's study day, 04:00 starts the next, 01:30 is skipped in
spring and happens twice in autumn), keeping one session open across midnight and the rollover.
The review log must then hold exactly the study days the wall clock gives (local time minus the
4:00 rollover): none lost, none doubled; no more new cards on any study day than the daily limit
(a doubled day would give a second allowance); and no negative interval or due day before the
answer's own day.

The clock set back (by an hour, by a day) and the system's zone changed under an open session
(the student flies) must not move a study day backwards or schedule anything into the past.

Clocks: `trainer.clock.FixedClock` for the simulations; the zone change uses the real
`SystemClock` under freezegun with the process's TZ switched, as when the computer's zone changes.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from trainer.clock import FixedClock, SystemClock
from trainer.store.models import Review
from trainer.study.session import open_session
from trainer.study.settings import set_setting

NEW_PER_DAY = 4
ROLLOVER = timedelta(hours=4)


def _expected_day(instant: datetime, zone: ZoneInfo) -> date:
    """The study day by the wall clock: the local date of (local time - 4 hours)."""
    return (instant.astimezone(zone).replace(tzinfo=None) - ROLLOVER).date()


def _log(store) -> list[Review]:
    with store.session() as session:
        return list(session.exec(select(Review).order_by(Review.id)).all())


def _assert_nothing_scheduled_backwards(reviews: list[Review]) -> None:
    """No negative interval, no due day before the answer's day, study days never going back."""
    for review in reviews:
        assert review.interval_after >= 0 and review.interval_before >= 0, review
        assert review.due_day_after >= review.study_day, review
        if review.queue != "extra" and not review.drill_after:  # a card to drill again is due the same day
            assert review.due_day_after == review.study_day + timedelta(days=review.interval_after), review
    days = [review.study_day for review in reviews]
    assert days == sorted(days), "a study day went backwards"


def _configure(store) -> None:
    with store.session() as session:
        set_setting(session, "new_per_day", str(NEW_PER_DAY))
        session.commit()


# Around each DST change: (zone, first day, last day). London springs forward on 29 March 2026
# and falls back on 25 October; New York on 8 March and 1 November.
DST_WINDOWS = [
    pytest.param("Europe/London", date(2026, 3, 24), date(2026, 4, 3), id="london-spring-forward"),
    pytest.param("Europe/London", date(2026, 10, 20), date(2026, 10, 30), id="london-fall-back"),
    pytest.param("America/New_York", date(2026, 3, 3), date(2026, 3, 13), id="new-york-spring-forward"),
    pytest.param("America/New_York", date(2026, 10, 27), date(2026, 11, 6), id="new-york-fall-back"),
]
VISITS = [(1, 30, 0), (1, 30, 1), (3, 30, 0), (4, 0, 0), (12, 0, 0), (23, 30, 0)]
"""Local (hour, minute, fold) of each day's visits: the skipped or doubled hour, just before and at the rollover."""


@pytest.mark.parametrize(("zone_name", "first", "last"), DST_WINDOWS)
def test_across_a_dst_change_every_study_day_is_there_once(store, make_deck, import_deck, zone_name: str, first: date, last: date) -> None:
    """The log's study days are exactly the wall clock's, new cards stay within each day's limit, nothing goes backwards."""
    zone = ZoneInfo(zone_name)
    import_deck(store, make_deck(60))
    _configure(store)
    rng = random.Random(zone_name + str(first))
    clock = FixedClock(datetime(first.year, first.month, first.day, 12, tzinfo=zone), tz=zone)
    session = open_session(store, clock)
    expected: list[date] = []
    day = first
    while day <= last:
        for hour, minute, fold in VISITS:
            clock.set(datetime(day.year, day.month, day.day, hour, minute, fold=fold, tzinfo=zone))
            if rng.random() < 0.3:
                session = open_session(store, clock)  # sometimes the app is restarted; mostly it stays open
            for _ in range(2):
                card = session.next_card()
                if card is None:
                    break
                session.answer(card.card.id, rng.choice((5, 4, 3, 2, 1)), 1500)
                expected.append(_expected_day(clock.now(), zone))
                clock.advance(timedelta(seconds=20))
        day += timedelta(days=1)
    reviews = _log(store)
    assert [review.study_day for review in reviews] == expected
    assert sorted(set(expected)) == [first - timedelta(days=1) + timedelta(days=n) for n in range((last - first).days + 2)]
    new_per_day = Counter(review.study_day for review in reviews if review.queue == "new")
    assert max(new_per_day.values()) == NEW_PER_DAY  # each study day's allowance, once
    _assert_nothing_scheduled_backwards(reviews)


@pytest.mark.parametrize("back", [timedelta(hours=1), timedelta(hours=9), timedelta(days=1), timedelta(days=3)], ids=str)
def test_the_clock_set_back_mid_session_keeps_the_day_and_schedules_nothing_backwards(store, make_deck, import_deck, back: timedelta) -> None:
    """Answers given while the clock is behind count for the day already reached; the next day still comes, once."""
    zone = ZoneInfo("Europe/London")
    import_deck(store, make_deck(30))
    _configure(store)
    clock = FixedClock(datetime(2026, 5, 12, 10, tzinfo=zone), tz=zone)
    session = open_session(store, clock)
    for _ in range(3):
        session.answer(session.next_card().card.id, 4, 1500)
    clock.advance(-back)
    while (card := session.next_card()) is not None:
        assert session.today() == date(2026, 5, 12)
        session.answer(card.card.id, 4, 1500)
        clock.advance(timedelta(seconds=30))
    reopened = open_session(store, clock)
    assert reopened.today() == date(2026, 5, 12) and reopened.next_card() is None  # no second allowance for the 12th
    clock.set(datetime(2026, 5, 13, 10, tzinfo=zone))
    tomorrow = open_session(store, clock)
    assert tomorrow.today() == date(2026, 5, 13)
    assert tomorrow.counts().new == NEW_PER_DAY
    tomorrow.answer(tomorrow.next_card().card.id, 5, 1500)
    reviews = _log(store)
    assert sorted({review.study_day for review in reviews}) == [date(2026, 5, 12), date(2026, 5, 13)]
    _assert_nothing_scheduled_backwards(reviews)


@pytest.fixture
def system_zone():
    """Set the process's zone (TZ) as the operating system would; restored afterwards."""
    saved = os.environ.get("TZ")

    def move_to(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield move_to
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_a_time_zone_change_mid_session_neither_loses_nor_repeats_a_study_day(store, make_deck, import_deck, system_zone) -> None:
    """London 22:00 (the 10th), then the computer's zone becomes Tokyo (07:00 on the 11th: a new study
    day, a fresh allowance), then New York (18:00 on the 10th there: still the 11th, never back to the 10th)."""
    import_deck(store, make_deck(30))
    _configure(store)
    system_zone("Europe/London")
    with freeze_time(datetime(2026, 1, 10, 22, 0, tzinfo=UTC)) as frozen:
        session = open_session(store, SystemClock())  # follows the system's zone, as the app does
        days: list[date] = []

        def answer_all_new() -> None:
            while (card := session.next_card()) is not None:
                outcome = session.answer(card.card.id, 4, 1500)
                assert outcome.days_until_due >= 0
                days.append(session.today())
                frozen.tick(timedelta(seconds=30))

        answer_all_new()
        assert days == [date(2026, 1, 10)] * NEW_PER_DAY
        system_zone("Asia/Tokyo")  # 22:02 UTC = 07:02 on the 11th in Tokyo
        assert session.today() == date(2026, 1, 11)
        answer_all_new()
        assert days[NEW_PER_DAY:] == [date(2026, 1, 11)] * 2 * NEW_PER_DAY  # the 10th's cards, due, and 4 new
        system_zone("America/New_York")  # 17:04 on the 10th in New York
        frozen.move_to(datetime(2026, 1, 10, 23, 0, tzinfo=UTC))  # 18:00 there
        assert session.today() == date(2026, 1, 11)  # the study day never goes back
        assert session.next_card() is None  # the 11th's new cards are done: no second allowance
        assert open_session(store, SystemClock()).today() == date(2026, 1, 11)
    reviews = _log(store)
    assert Counter((review.study_day, review.queue) for review in reviews) == {
        (date(2026, 1, 10), "new"): NEW_PER_DAY,
        (date(2026, 1, 11), "due"): NEW_PER_DAY,
        (date(2026, 1, 11), "new"): NEW_PER_DAY,
    }
    _assert_nothing_scheduled_backwards(reviews)
