"""Study days in the queue: the rollover hour, midnight, DST, travel and a clock set back.

These run the real `SystemClock` under freezegun, as the app does, so that the whole path from the
wall clock through `study_day` to the stored counts is exercised.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from trainer.clock import SystemClock
from trainer.study.review import open_session
from trainer.study.settings import set_setting

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def _at(zone: str, *fields: int, fold: int = 0) -> datetime:
    """A local wall time in `zone`, as an aware datetime."""
    return datetime(*fields, tzinfo=ZoneInfo(zone), fold=fold)


def _configure(store, **values: object) -> None:
    with store.session() as session:
        for name, value in values.items():
            set_setting(session, name, str(value))
        session.commit()


# (zone answered in, local time answered, zone checked in, local time checked, same study day?)
CASES = [
    pytest.param(LONDON, _at(LONDON, 2026, 1, 10, 9), LONDON, _at(LONDON, 2026, 1, 11, 0, 30), True, id="london-after-midnight"),
    pytest.param(LONDON, _at(LONDON, 2026, 1, 10, 9), LONDON, _at(LONDON, 2026, 1, 11, 3, 59), True, id="london-03:59"),
    pytest.param(LONDON, _at(LONDON, 2026, 1, 10, 9), LONDON, _at(LONDON, 2026, 1, 11, 4, 1), False, id="london-04:01"),
    pytest.param(LONDON, _at(LONDON, 2026, 1, 11, 3, 59), LONDON, _at(LONDON, 2026, 1, 11, 4, 0), False, id="london-one-minute-across"),
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 1, 10, 9), NEW_YORK, _at(NEW_YORK, 2026, 1, 11, 3, 59), True, id="new-york-03:59"),
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 1, 10, 9), NEW_YORK, _at(NEW_YORK, 2026, 1, 11, 4, 1), False, id="new-york-04:01"),
    # Spring forward: London skips 01:00-02:00 on 29 March 2026, New York 02:00-03:00 on 8 March.
    pytest.param(LONDON, _at(LONDON, 2026, 3, 28, 22), LONDON, _at(LONDON, 2026, 3, 29, 3, 59), True, id="london-dst-forward-03:59"),
    pytest.param(LONDON, _at(LONDON, 2026, 3, 28, 22), LONDON, _at(LONDON, 2026, 3, 29, 4, 1), False, id="london-dst-forward-04:01"),
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 3, 7, 22), NEW_YORK, _at(NEW_YORK, 2026, 3, 8, 3, 30), True, id="new-york-dst-forward-03:30"),
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 3, 7, 22), NEW_YORK, _at(NEW_YORK, 2026, 3, 8, 4, 1), False, id="new-york-dst-forward-04:01"),
    # Fall back: 01:30 happens twice (London 25 October, New York 1 November); both are still yesterday.
    pytest.param(LONDON, _at(LONDON, 2026, 10, 24, 22), LONDON, _at(LONDON, 2026, 10, 25, 1, 30, fold=1), True, id="london-dst-back-second-01:30"),
    pytest.param(LONDON, _at(LONDON, 2026, 10, 25, 1, 30), LONDON, _at(LONDON, 2026, 10, 25, 3, 59), True, id="london-dst-back-03:59"),
    pytest.param(LONDON, _at(LONDON, 2026, 10, 25, 1, 30), LONDON, _at(LONDON, 2026, 10, 25, 4, 0), False, id="london-dst-back-04:00"),
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 10, 31, 22), NEW_YORK, _at(NEW_YORK, 2026, 11, 1, 1, 30, fold=1), True, id="new-york-dst-back-second-01:30"),
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 10, 31, 22), NEW_YORK, _at(NEW_YORK, 2026, 11, 1, 4, 1), False, id="new-york-dst-back-04:01"),
    # Travel: 22:00 in London, then 23:30 the same evening in New York (04:30 UTC): still the same day.
    pytest.param(LONDON, _at(LONDON, 2026, 1, 10, 22), NEW_YORK, _at(NEW_YORK, 2026, 1, 10, 23, 30), True, id="travel-london-to-new-york"),
    # Travel east: 20:00 in New York (01:00 UTC), then 05:00 in London: a new day has begun there.
    pytest.param(NEW_YORK, _at(NEW_YORK, 2026, 1, 10, 20), LONDON, _at(LONDON, 2026, 1, 11, 5), False, id="travel-new-york-to-london"),
]


@pytest.mark.parametrize(("zone_a", "answered", "zone_b", "checked", "same_day"), CASES)
def test_the_new_card_limit_resets_at_the_rollover_hour_only(store, make_deck, import_deck, zone_a, answered, zone_b, checked, same_day) -> None:
    """One new card a day: a second session gets another only once the study day has changed."""
    import_deck(store, make_deck(5))
    _configure(store, new_per_day=1)
    with freeze_time(answered) as frozen:
        first = open_session(store, SystemClock(zone_a))
        card = first.next_card()
        assert card.queue == "new"
        first.answer(card.card.id, 5, 2000)
        assert first.counts().new == 0
        frozen.move_to(checked)
        second = open_session(store, SystemClock(zone_b))
        assert second.counts().new == (0 if same_day else 1)


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK])
def test_a_card_due_tomorrow_is_due_from_the_rollover_not_from_midnight(store, make_deck, import_deck, zone) -> None:
    """Due at 04:00 local, not at 00:00 and not at UTC midnight."""
    deck = make_deck(1)
    import_deck(store, deck)
    with freeze_time(_at(zone, 2026, 1, 10, 9)) as frozen:
        session = open_session(store, SystemClock(zone))
        assert session.answer(deck.cards[0].id, 5, 2000).due_day == date(2026, 1, 11)
        for local, due in (((0, 1), 0), ((3, 59), 0), ((4, 1), 1)):
            frozen.move_to(_at(zone, 2026, 1, 11, *local))
            assert open_session(store, SystemClock(zone)).counts().due == due, local


def test_a_later_rollover_hour_setting_moves_the_boundary(store, make_deck, import_deck) -> None:
    """With rollover at 06:00, 05:00 still belongs to yesterday."""
    import_deck(store, make_deck(3))
    _configure(store, new_per_day=1, rollover_hour=6)
    with freeze_time(_at(LONDON, 2026, 1, 10, 9)) as frozen:
        session = open_session(store, SystemClock(LONDON))
        session.answer(session.next_card().card.id, 5, 2000)
        frozen.move_to(_at(LONDON, 2026, 1, 11, 5))
        assert open_session(store, SystemClock(LONDON)).counts().new == 0
        frozen.move_to(_at(LONDON, 2026, 1, 11, 6, 1))
        assert open_session(store, SystemClock(LONDON)).counts().new == 1


def test_the_clock_set_back_a_day_neither_crashes_nor_schedules_backwards(store, make_deck, import_deck) -> None:
    """Answers made "yesterday" after today's are recorded; no interval is negative."""
    deck = make_deck(4)
    import_deck(store, deck)
    with freeze_time(_at(LONDON, 2026, 1, 11, 9)) as frozen:
        session = open_session(store, SystemClock(LONDON))
        session.answer(deck.cards[0].id, 5, 2000)
        frozen.move_to(_at(LONDON, 2026, 1, 10, 9))
        back = open_session(store, SystemClock(LONDON))
        shown = []
        while (card := back.next_card()) is not None:
            shown.append(card.card.id)
            outcome = back.answer(card.card.id, 4, 2000)
            assert outcome.days_until_due >= 0 and outcome.due_day >= date(2026, 1, 10)
        # The study day stays Jan 11 (it never goes back): the card answered then is not asked again.
        assert back.today() == date(2026, 1, 11)
        assert deck.cards[0].id not in shown
        assert sorted(shown) == sorted(c.id for c in deck.cards[1:])


def test_the_timezone_setting_decides_the_study_day_whatever_the_clocks_zone(store, make_deck, import_deck) -> None:
    """With timezone = America/New_York, 06:00 UTC is still yesterday (01:00 in New York), for answers and Home alike."""
    from trainer.clock import FixedClock
    from trainer.study.review import home_overview
    from trainer.study.settings import set_setting

    import_deck(store, make_deck(2))
    with store.session() as session:
        set_setting(session, "timezone", "America/New_York")
        session.commit()
    clock = FixedClock(datetime(2026, 1, 10, 6, 0, tzinfo=UTC), tz=ZoneInfo("Europe/London"))
    session = open_session(store, clock)
    assert session.today() == date(2026, 1, 9)
    outcome = session.answer(session.next_card().card.id, 4, 1000)
    assert outcome.due_day == date(2026, 1, 10)
    assert home_overview(store, clock, profile_id=1).today == date(2026, 1, 9)



# --- a profile's study day never goes backwards (issue 12, item 3) ---------------------------
# 10:00 in Auckland on 11 January (NZDT, UTC+13) is 21:00 UTC on the 10th; a minute later it is
# 13:01 on the 10th in Los Angeles (PST, UTC-8). Flying west over the date line turns the calendar
# back a day; the study day must not follow it.
AUCKLAND = "Pacific/Auckland"
LOS_ANGELES = "America/Los_Angeles"
IN_AUCKLAND = _at(AUCKLAND, 2026, 1, 11, 10)
IN_LOS_ANGELES = _at(LOS_ANGELES, 2026, 1, 10, 13, 1)


def _sibling_deck(make_card, make_deck, pairs: int):
    """`pairs` facts, each with two sibling cards, in deck order a0, b0, a1, b1, ..."""
    from trainer.content.cards import card_id

    cards = []
    for i in range(pairs):
        fact = f"fact:{i}"
        ids = (card_id("test", "a", fact), card_id("test", "b", fact))
        cards.append(make_card("test", fact, template="a", siblings=(ids[1],)))
        cards.append(make_card("test", fact, template="b", siblings=(ids[0],)))
    return replace(make_deck(0), cards=tuple(cards))


# (first place and time, second place and time a minute later, the study day in the second place)
TRIPS = [
    pytest.param(AUCKLAND, IN_AUCKLAND, LOS_ANGELES, IN_LOS_ANGELES, date(2026, 1, 11), id="west-over-the-date-line"),
    pytest.param(LONDON, _at(LONDON, 2026, 1, 11, 9), LONDON, _at(LONDON, 2026, 1, 10, 9), date(2026, 1, 11), id="clock-set-back-a-day"),
    pytest.param(LONDON, _at(LONDON, 2026, 1, 11, 9), NEW_YORK, _at(NEW_YORK, 2026, 1, 10, 23), date(2026, 1, 11), id="west-to-new-york-before-midnight"),
]


@pytest.mark.parametrize(("zone_a", "answered", "zone_b", "later", "day_b"), TRIPS)
def test_the_study_day_never_goes_back_no_fresh_allowance(store, make_deck, import_deck, zone_a, answered, zone_b, later, day_b) -> None:
    """Two new cards a day: after the day's two in the first place, the second place offers none."""
    import_deck(store, make_deck(6))
    _configure(store, new_per_day=2)
    with freeze_time(answered) as frozen:
        first = open_session(store, SystemClock(zone_a))
        for _ in range(2):
            first.answer(first.next_card().card.id, 5, 2000)
        frozen.move_to(later)
        second = open_session(store, SystemClock(zone_b))
        assert second.today() == day_b
        assert second.counts().new == 0 and second.next_card() is None


@pytest.mark.parametrize(("zone_a", "answered", "zone_b", "later", "day_b"), TRIPS)
def test_the_study_day_never_goes_back_siblings_stay_apart(store, make_card, make_deck, import_deck, zone_a, answered, zone_b, later, day_b) -> None:
    """A card learnt before the trip still buries its sibling after it: the next card is another fact's."""
    deck = _sibling_deck(make_card, make_deck, 3)
    import_deck(store, deck)
    _configure(store, new_order="deck")  # a0, b0, a1...: only burial keeps b0 back
    with freeze_time(answered) as frozen:
        first = open_session(store, SystemClock(zone_a))
        assert first.next_card().card.id == deck.cards[0].id
        first.answer(deck.cards[0].id, 5, 2000)
        frozen.move_to(later)
        second = open_session(store, SystemClock(zone_b))
        assert second.next_card().card.fact_key != deck.cards[0].fact_key


@pytest.mark.parametrize(("zone_a", "answered", "zone_b", "later", "day_b"), TRIPS)
def test_the_study_day_never_goes_back_the_streak_and_home_hold(store, make_deck, import_deck, zone_a, answered, zone_b, later, day_b) -> None:
    """Answers before and after the trip are one study day: the streak stays 1, Home counts both."""
    from trainer.study.review import home_overview

    import_deck(store, make_deck(4))
    with freeze_time(answered) as frozen:
        first = open_session(store, SystemClock(zone_a))
        first.answer(first.next_card().card.id, 5, 2000)
        assert home_overview(store, SystemClock(zone_a), profile_id=1).streak == 1
        frozen.move_to(later)
        home = home_overview(store, SystemClock(zone_b), profile_id=1)
        assert (home.today, home.streak, home.reviewed_today) == (day_b, 1, 1)
        second = open_session(store, SystemClock(zone_b))
        outcome = second.answer(second.next_card().card.id, 5, 2000)
        assert outcome.due_day == date(2026, 1, 12)  # learnt on the 11th: due the day after
        home = home_overview(store, SystemClock(zone_b), profile_id=1)
        assert (home.streak, home.reviewed_today, home.counts.new) == (1, 2, 2)


@pytest.mark.parametrize(("zone_a", "answered", "zone_b", "later", "day_b"), TRIPS)
def test_the_study_day_never_goes_back_cards_learnt_are_not_due_again(store, make_deck, import_deck, zone_a, answered, zone_b, later, day_b) -> None:
    """Cards learnt the day before and reviewed before the trip are not asked again after it."""
    deck = make_deck(3)
    import_deck(store, deck)
    with freeze_time(_at(zone_a, 2026, 1, 10, 9)) as frozen:
        learning = open_session(store, SystemClock(zone_a))
        for card in deck.cards:
            learning.answer(card.id, 5, 2000)  # learnt on the 10th: due on the 11th
        frozen.move_to(answered)
        reviewing = open_session(store, SystemClock(zone_a))
        assert reviewing.counts().due == 3
        reviewing.answer(deck.cards[0].id, 5, 2000)  # reviewed on the 11th: due in 6 days
        reviewing.answer(deck.cards[1].id, 3, 2000)  # a hesitant 3: drilled again today
        reviewing.answer(deck.cards[1].id, 5, 2000)  # ... and passed: done for today
        frozen.move_to(later)
        after = open_session(store, SystemClock(zone_b))
        assert after.today() == day_b
        counts = after.counts()
        # Only the card not yet reviewed on the 11th is left; none of the day's answers come back.
        assert (counts.due, counts.new, counts.repeat) == (1, 0, 0)
        assert after.next_card().card.id == deck.cards[2].id


def test_flying_east_over_the_date_line_starts_the_next_study_day(store, make_deck, import_deck) -> None:
    """Los Angeles on the 10th, then Auckland a minute later (the 11th there): a new day, new cards, streak 2."""
    from trainer.study.review import home_overview

    import_deck(store, make_deck(6))
    _configure(store, new_per_day=2)
    with freeze_time(IN_LOS_ANGELES) as frozen:
        west = open_session(store, SystemClock(LOS_ANGELES))
        assert west.today() == date(2026, 1, 10)
        for _ in range(2):
            west.answer(west.next_card().card.id, 5, 2000)
        frozen.move_to(_at(AUCKLAND, 2026, 1, 11, 10, 2))
        east = open_session(store, SystemClock(AUCKLAND))
        assert east.today() == date(2026, 1, 11)
        assert (east.counts().due, east.counts().new) == (2, 2)  # yesterday's two are due, and two new
        east.answer(east.next_card().card.id, 5, 2000)
        assert home_overview(store, SystemClock(AUCKLAND), profile_id=1).streak == 2
        # ... and back west a minute later: still the 11th, with the rest of the 11th's queue.
        frozen.move_to(_at(LOS_ANGELES, 2026, 1, 10, 13, 4))
        back = open_session(store, SystemClock(LOS_ANGELES))
        assert back.today() == date(2026, 1, 11)
        assert (back.counts().due, back.counts().new) == (1, 2)
