"""Study days as a student lives them: late nights, DST changes, travel and clocks set wrong.

Table-driven in the manner of Anki's `timing.rs` tests: instants either side of the rollover,
across both DST changes in two zones whose changes fall on different dates and hours, and a sweep
over every hour of 400 days.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from trainer.clock import (
    DEFAULT_ROLLOVER_HOUR,
    Clock,
    FixedClock,
    SystemClock,
    add_days,
    next_rollover,
    resolve_zone,
    study_day,
    system_zone,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
HONOLULU = ZoneInfo("Pacific/Honolulu")


def days_between(start: date, end: date) -> int:
    """Whole days from start to end (negative if end is earlier): plain date arithmetic."""
    return (end - start).days


def utc(*fields: int) -> datetime:
    """An aware UTC instant."""
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def wall(zone: tzinfo, *fields: int, fold: int = 0) -> datetime:
    """An aware instant given as a wall-clock reading in `zone` (fold=1: the second of a repeated hour)."""
    return datetime(*fields, tzinfo=zone, fold=fold)  # type: ignore[misc]


class TestRolloverBoundary:
    """With the default 04:00 rollover, the small hours belong to the day before."""

    @pytest.mark.parametrize(
        ("instant", "expected"),
        [
            pytest.param(wall(LONDON, 2024, 6, 16, 3, 59, 59), date(2024, 6, 15), id="one-second-before-rollover"),
            pytest.param(wall(LONDON, 2024, 6, 16, 4, 0), date(2024, 6, 16), id="at-rollover"),
            pytest.param(wall(LONDON, 2024, 6, 16, 4, 0, 1), date(2024, 6, 16), id="just-after-rollover"),
            pytest.param(wall(LONDON, 2024, 6, 16, 0, 0), date(2024, 6, 15), id="midnight-is-the-day-before"),
            pytest.param(wall(LONDON, 2024, 6, 16, 2, 0), date(2024, 6, 15), id="2am-is-the-day-before"),
            pytest.param(wall(LONDON, 2024, 6, 15, 23, 59), date(2024, 6, 15), id="late-evening"),
            pytest.param(wall(LONDON, 2024, 1, 1, 3, 0), date(2023, 12, 31), id="new-year-small-hours"),
            pytest.param(wall(LONDON, 2024, 3, 1, 1, 0), date(2024, 2, 29), id="back-into-leap-day"),
        ],
    )
    def test_study_day_either_side_of_the_rollover(self, instant: datetime, expected: date) -> None:
        """A session at 02:00 counts for the evening it started; 04:00 starts the new day."""
        assert study_day(instant, LONDON) == expected

    def test_the_default_rollover_is_four_in_the_morning(self) -> None:
        """Like Anki, the day turns over at 04:00 unless the student says otherwise."""
        assert DEFAULT_ROLLOVER_HOUR == 4

    def test_the_instants_zone_does_not_matter_only_the_students(self) -> None:
        """The same instant written in UTC or in London local time is the same study day."""
        instant = wall(LONDON, 2024, 6, 16, 3, 30)
        assert study_day(instant.astimezone(UTC), LONDON) == study_day(instant, LONDON) == date(2024, 6, 15)


HOURS_OF_INTEREST = [0, 1, 4, 12, 22, 23]


class TestRolloverHours:
    """Any rollover hour 0-23 works, in every zone (Anki's hours-of-interest table)."""

    @pytest.mark.parametrize("zone", [LONDON, NEW_YORK, TOKYO], ids=str)
    @pytest.mark.parametrize("rollover_hour", [0, 1, 4, 12, 22, 23])
    @pytest.mark.parametrize("hour", HOURS_OF_INTEREST)
    def test_the_day_turns_at_the_rollover_hour(self, zone: ZoneInfo, rollover_hour: int, hour: int) -> None:
        """At local hour h on the 15th, the study day is the 15th if h >= rollover, else the 14th."""
        expected = date(2024, 6, 15) if hour >= rollover_hour else date(2024, 6, 14)
        assert study_day(wall(zone, 2024, 6, 15, hour, 30), zone, rollover_hour) == expected

    @pytest.mark.parametrize(
        ("rollover_hour", "before", "at"),
        [
            (0, wall(NEW_YORK, 2024, 6, 14, 23, 59), wall(NEW_YORK, 2024, 6, 15, 0, 0)),
            (4, wall(NEW_YORK, 2024, 6, 15, 3, 59), wall(NEW_YORK, 2024, 6, 15, 4, 0)),
            (12, wall(NEW_YORK, 2024, 6, 15, 11, 59), wall(NEW_YORK, 2024, 6, 15, 12, 0)),
            (23, wall(NEW_YORK, 2024, 6, 15, 22, 59), wall(NEW_YORK, 2024, 6, 15, 23, 0)),
        ],
    )
    def test_the_minute_before_the_rollover_is_still_yesterday(
        self, rollover_hour: int, before: datetime, at: datetime
    ) -> None:
        """Rollover 0 is the plain calendar; with rollover 23 the 14th lasts until 23:00 on the 15th."""
        assert study_day(before, NEW_YORK, rollover_hour) == date(2024, 6, 14)
        assert study_day(at, NEW_YORK, rollover_hour) == date(2024, 6, 15)
        assert next_rollover(before, NEW_YORK, rollover_hour) == at.astimezone(UTC)

    @pytest.mark.parametrize("rollover_hour", [-1, 24, 4.0, "4", True, None])
    def test_a_rollover_hour_outside_0_to_23_is_refused(self, rollover_hour: object) -> None:
        """A broken setting fails loudly instead of shifting every due date."""
        with pytest.raises(ValueError, match="rollover hour"):
            study_day(utc(2024, 6, 15, 12), LONDON, rollover_hour)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="rollover hour"):
            next_rollover(utc(2024, 6, 15, 12), LONDON, rollover_hour)  # type: ignore[arg-type]


# (zone, instant, expected study day with rollover 4). Offsets: London GMT+0/BST+1,
# New York EST-5/EDT-4. The UTC instants make the repeated hour unambiguous.
DST_CASES = [
    # London spring forward, 2024-03-31 01:00 GMT -> 02:00 BST.
    pytest.param(LONDON, utc(2024, 3, 31, 0, 30), date(2024, 3, 30), id="london-spring-00:30-gmt"),
    pytest.param(LONDON, utc(2024, 3, 31, 1, 0), date(2024, 3, 30), id="london-spring-02:00-bst-right-after-jump"),
    pytest.param(LONDON, utc(2024, 3, 31, 2, 59), date(2024, 3, 30), id="london-spring-03:59-bst"),
    pytest.param(LONDON, utc(2024, 3, 31, 3, 0), date(2024, 3, 31), id="london-spring-04:00-bst"),
    # London fall back, 2024-10-27 02:00 BST -> 01:00 GMT: 01:00-01:59 happens twice.
    pytest.param(LONDON, utc(2024, 10, 27, 0, 30), date(2024, 10, 26), id="london-fall-01:30-bst-first"),
    pytest.param(LONDON, utc(2024, 10, 27, 1, 30), date(2024, 10, 26), id="london-fall-01:30-gmt-second"),
    pytest.param(LONDON, utc(2024, 10, 27, 3, 59), date(2024, 10, 26), id="london-fall-03:59-gmt"),
    pytest.param(LONDON, utc(2024, 10, 27, 4, 0), date(2024, 10, 27), id="london-fall-04:00-gmt"),
    # New York spring forward, 2024-03-10 02:00 EST -> 03:00 EDT.
    pytest.param(NEW_YORK, utc(2024, 3, 10, 6, 59), date(2024, 3, 9), id="new-york-spring-01:59-est"),
    pytest.param(NEW_YORK, utc(2024, 3, 10, 7, 0), date(2024, 3, 9), id="new-york-spring-03:00-edt"),
    pytest.param(NEW_YORK, utc(2024, 3, 10, 7, 59), date(2024, 3, 9), id="new-york-spring-03:59-edt"),
    pytest.param(NEW_YORK, utc(2024, 3, 10, 8, 0), date(2024, 3, 10), id="new-york-spring-04:00-edt"),
    # New York fall back, 2024-11-03 02:00 EDT -> 01:00 EST: 01:00-01:59 happens twice.
    pytest.param(NEW_YORK, utc(2024, 11, 3, 5, 30), date(2024, 11, 2), id="new-york-fall-01:30-edt-first"),
    pytest.param(NEW_YORK, utc(2024, 11, 3, 6, 30), date(2024, 11, 2), id="new-york-fall-01:30-est-second"),
    pytest.param(NEW_YORK, utc(2024, 11, 3, 8, 59), date(2024, 11, 2), id="new-york-fall-03:59-est"),
    pytest.param(NEW_YORK, utc(2024, 11, 3, 9, 0), date(2024, 11, 3), id="new-york-fall-04:00-est"),
]


class TestDaylightSavingTime:
    """The day turns at 04:00 on the wall clock, whatever DST did overnight."""

    @pytest.mark.parametrize(("zone", "instant", "expected"), DST_CASES)
    def test_study_day_around_dst_changes(self, zone: ZoneInfo, instant: datetime, expected: date) -> None:
        """Both passes through a repeated hour and the hour after a skipped one are the previous day."""
        assert study_day(instant, zone) == expected

    @pytest.mark.parametrize(
        ("zone", "instant", "expected"),
        [
            pytest.param(LONDON, utc(2024, 3, 30, 12), utc(2024, 3, 31, 3), id="london-spring"),
            pytest.param(LONDON, utc(2024, 10, 26, 12), utc(2024, 10, 27, 4), id="london-fall"),
            pytest.param(NEW_YORK, utc(2024, 3, 9, 18), utc(2024, 3, 10, 8), id="new-york-spring"),
            pytest.param(NEW_YORK, utc(2024, 11, 2, 18), utc(2024, 11, 3, 9), id="new-york-fall"),
        ],
    )
    def test_next_rollover_is_four_oclock_local_on_dst_days(
        self, zone: ZoneInfo, instant: datetime, expected: datetime
    ) -> None:
        """Tomorrow's cards arrive at 04:00 on the wall clock, in summer or winter time."""
        assert next_rollover(instant, zone) == expected

    @pytest.mark.parametrize(
        ("zone", "rollover_hour", "instant", "expected"),
        [
            # London skips 01:00-01:59 on 2024-03-31: the day starts when the clocks jump (02:00 BST).
            pytest.param(LONDON, 1, utc(2024, 3, 30, 12), utc(2024, 3, 31, 1), id="london-rollover-1-skipped"),
            # New York skips 02:00-02:59 on 2024-03-10: the day starts at 03:00 EDT.
            pytest.param(NEW_YORK, 2, utc(2024, 3, 9, 18), utc(2024, 3, 10, 7), id="new-york-rollover-2-skipped"),
            # London has 01:00 twice on 2024-10-27: the day starts at the first (BST).
            pytest.param(LONDON, 1, utc(2024, 10, 26, 12), utc(2024, 10, 27, 0), id="london-rollover-1-repeated"),
            # New York has 01:00 twice on 2024-11-03: the day starts at the first (EDT).
            pytest.param(NEW_YORK, 1, utc(2024, 11, 2, 18), utc(2024, 11, 3, 5), id="new-york-rollover-1-repeated"),
        ],
    )
    def test_a_rollover_in_a_skipped_or_repeated_hour_starts_the_day_once(
        self, zone: ZoneInfo, rollover_hour: int, instant: datetime, expected: datetime
    ) -> None:
        """A skipped rollover starts the day at the jump; a repeated one at its first occurrence, not twice."""
        rollover = next_rollover(instant, zone, rollover_hour)
        assert rollover == expected
        today = study_day(instant, zone, rollover_hour)
        assert study_day(rollover - timedelta(seconds=1), zone, rollover_hour) == today
        assert study_day(rollover, zone, rollover_hour) == add_days(today, 1)
        # The second pass through a repeated rollover hour stays in the new day.
        assert study_day(rollover + timedelta(hours=1), zone, rollover_hour) == add_days(today, 1)

    @pytest.mark.parametrize(
        ("zone", "day", "hours"),
        [
            (LONDON, date(2024, 3, 30), 23),
            (LONDON, date(2024, 10, 26), 25),
            (NEW_YORK, date(2024, 3, 9), 23),
            (NEW_YORK, date(2024, 11, 2), 25),
            (LONDON, date(2024, 6, 15), 24),
        ],
    )
    def test_study_days_spanning_a_dst_change_are_an_hour_short_or_long(
        self, zone: ZoneInfo, day: date, hours: int
    ) -> None:
        """The study day containing the change lasts 23 or 25 real hours; other days 24."""
        start = next_rollover(datetime.combine(add_days(day, -1), datetime.min.time(), tzinfo=zone) + timedelta(hours=12), zone)
        end = next_rollover(start, zone)
        assert study_day(start, zone) == day
        assert end - start == timedelta(hours=hours)


def hourly(zone: tzinfo, rollover_hour: int, days: int = 400) -> list[tuple[datetime, date]]:
    """(instant, study day) for every hour of `days` days from 2024-01-01 UTC."""
    start = utc(2024, 1, 1)
    return [
        (instant, study_day(instant, zone, rollover_hour))
        for instant in (start + timedelta(hours=h) for h in range(days * 24))
    ]


class TestSweep:
    """Over every hour of 400 days, study days never go back, never skip and last 23-25 hours."""

    @pytest.mark.parametrize("zone", [LONDON, NEW_YORK], ids=str)
    @pytest.mark.parametrize("rollover_hour", [0, 1, 2, 3, 4, 12, 23])
    def test_study_days_advance_one_at_a_time(self, zone: ZoneInfo, rollover_hour: int) -> None:
        """Each hour's study day is the previous hour's or the next one; every day in between appears."""
        days = [day for _, day in hourly(zone, rollover_hour)]
        steps = {days_between(a, b) for a, b in zip(days, days[1:], strict=False)}
        assert steps == {0, 1}
        assert len(set(days)) == days_between(days[0], days[-1]) + 1

    @pytest.mark.parametrize("zone", [LONDON, NEW_YORK], ids=str)
    @pytest.mark.parametrize("rollover_hour", [0, 1, 2, 3, 4, 12, 23])
    def test_every_whole_study_day_lasts_23_to_25_hours(self, zone: ZoneInfo, rollover_hour: int) -> None:
        """Only the two DST days differ from 24 hours each year, by exactly one hour."""
        hours_per_day = Counter(day for _, day in hourly(zone, rollover_hour))
        whole_days = sorted(hours_per_day)[1:-1]  # the first and last are cut off by the sweep
        lengths = Counter(hours_per_day[day] for day in whole_days)
        assert set(lengths) == {23, 24, 25}
        # 2024-01-02 .. 2025-02-03 contains one spring-forward and one fall-back per zone.
        assert lengths[23] == 1
        assert lengths[25] == 1

    @pytest.mark.parametrize("zone", [LONDON, NEW_YORK], ids=str)
    @pytest.mark.parametrize("rollover_hour", [0, 1, 2, 3, 4, 12, 23])
    def test_next_rollover_is_exactly_where_the_study_day_changes(self, zone: ZoneInfo, rollover_hour: int) -> None:
        """From any hour, next_rollover is the first instant of the next study day, at most 25 hours away."""
        for instant, day in hourly(zone, rollover_hour):
            rollover = next_rollover(instant, zone, rollover_hour)
            assert rollover.tzinfo is UTC
            assert timedelta(0) < rollover - instant <= timedelta(hours=25)
            assert study_day(rollover, zone, rollover_hour) == add_days(day, 1)
            assert study_day(rollover - timedelta(microseconds=1), zone, rollover_hour) == day


class TestTravelAndClockChanges:
    """Changing zone or setting the clock back moves the study day like the calendar, and nothing breaks."""

    def test_the_same_instant_is_a_different_study_day_in_tokyo_and_new_york(self) -> None:
        """At 20:00 UTC it is 05:00 tomorrow in Tokyo (a new day) and 16:00 today in New York."""
        instant = utc(2024, 6, 15, 20)
        assert study_day(instant, TOKYO) == date(2024, 6, 16)
        assert study_day(instant, NEW_YORK) == date(2024, 6, 15)

    def test_flying_east_over_the_date_line_goes_back_exactly_as_far_as_the_calendar(self) -> None:
        """Tokyo 08:00 on the 17th to Honolulu seven hours later (20:00 on the 16th): the study day goes back one day, as the calendar does."""
        departure = wall(TOKYO, 2024, 6, 17, 8, 0)
        arrival = departure.astimezone(UTC) + timedelta(hours=7)  # real elapsed time, not wall time
        calendar_change = days_between(departure.astimezone(TOKYO).date(), arrival.astimezone(HONOLULU).date())
        study_change = days_between(study_day(departure, TOKYO), study_day(arrival, HONOLULU))
        assert calendar_change == -1
        assert study_change == calendar_change
        # Callers that count days until due clamp, so nothing is ever "due in -1 days".
        assert max(0, study_change) == 0

    def test_flying_west_over_the_date_line_jumps_forward_like_the_calendar(self) -> None:
        """Honolulu 23:30 on the 16th to Tokyo ten hours later (04:30 on the 18th): the 17th is skipped, as on the calendar."""
        departure = wall(HONOLULU, 2024, 6, 16, 23, 30)
        arrival = departure.astimezone(UTC) + timedelta(hours=10)
        assert study_day(departure, HONOLULU) == date(2024, 6, 16)
        assert study_day(arrival, TOKYO) == date(2024, 6, 18)
        assert arrival.astimezone(TOKYO).date() == date(2024, 6, 18)

    def test_a_zone_that_skips_a_calendar_day_skips_that_study_day(self) -> None:
        """Samoa skipped 2011-12-30 entirely; with rollover 0 the study day goes from the 29th to the 31st."""
        apia = ZoneInfo("Pacific/Apia")
        before = wall(apia, 2011, 12, 29, 23, 59)
        after = before.astimezone(UTC) + timedelta(minutes=1)
        assert study_day(before, apia, 0) == date(2011, 12, 29)
        assert study_day(after, apia, 0) == date(2011, 12, 31)

    def test_a_clock_set_back_a_day_gives_yesterday_and_a_negative_gap(self) -> None:
        """Setting the clock back is allowed: the study day goes back and days_between turns negative."""
        clock = FixedClock(utc(2024, 6, 15, 12), tz=LONDON)
        today = study_day(clock.now(), clock.tz)
        clock.set(utc(2024, 6, 14, 12))
        yesterday = study_day(clock.now(), clock.tz)
        assert yesterday == add_days(today, -1)
        assert days_between(today, yesterday) == -1
        assert next_rollover(clock.now(), clock.tz) == utc(2024, 6, 15, 3)

    def test_changing_the_students_zone_mid_session_changes_the_study_day(self) -> None:
        """A student who sets their zone from New York to Tokyo at 20:00 UTC is already on tomorrow."""
        instant = utc(2024, 6, 15, 20)
        assert days_between(study_day(instant, NEW_YORK), study_day(instant, TOKYO)) == 1


class TestDayArithmetic:
    """add_days is plain calendar arithmetic."""

    @pytest.mark.parametrize(
        ("day", "days", "expected"),
        [
            (date(2024, 2, 28), 1, date(2024, 2, 29)),
            (date(2024, 2, 29), 1, date(2024, 3, 1)),
            (date(2024, 12, 31), 1, date(2025, 1, 1)),
            (date(2024, 3, 1), -1, date(2024, 2, 29)),
            (date(2024, 6, 15), 0, date(2024, 6, 15)),
            (date(2024, 6, 15), 194, date(2024, 12, 26)),
        ],
    )
    def test_add_days_follows_the_calendar(self, day: date, days: int, expected: date) -> None:
        """Leap days, year ends and negative counts all land on the right date."""
        assert add_days(day, days) == expected
        assert days_between(day, expected) == days


class TestClocks:
    """The real clock reads UTC time; the fixed clock moves only when a test moves it."""

    def test_system_clock_follows_frozen_time_and_is_utc(self) -> None:
        """Under freezegun, SystemClock.now() is the frozen instant, timezone-aware in UTC."""
        with freeze_time("2024-03-10 06:59:00"):
            now = SystemClock("America/New_York").now()
        assert now == utc(2024, 3, 10, 6, 59)
        assert now.utcoffset() == timedelta(0)
        assert study_day(now, NEW_YORK) == date(2024, 3, 9)

    def test_system_clock_now_is_aware_utc_and_current(self) -> None:
        """Without freezing, now() is within a minute of the real time and in UTC."""
        now = SystemClock().now()
        assert now.tzinfo is UTC
        assert abs(now.timestamp() - time.time()) < 60

    def test_system_clock_uses_the_named_zone(self) -> None:
        """A zone name from settings becomes that IANA zone."""
        assert SystemClock("Europe/London").tz == LONDON

    @pytest.mark.parametrize("name", [None, ""])
    def test_system_clock_without_a_name_uses_the_system_zone(self, name: str | None) -> None:
        """No timezone setting means the operating system's local zone."""
        assert SystemClock(name).tz is system_zone()

    def test_an_unknown_zone_name_is_refused_with_an_example(self) -> None:
        """A typo in the timezone setting is a clear error, not a crash."""
        with pytest.raises(ValueError, match="Europe/London"):
            SystemClock("Europe/Londn")
        with pytest.raises(ValueError, match="Unknown time zone"):
            resolve_zone("../etc/passwd")

    def test_both_clocks_satisfy_the_clock_protocol(self) -> None:
        """Study code can take either clock."""
        assert isinstance(SystemClock(), Clock)
        assert isinstance(FixedClock(utc(2024, 1, 1)), Clock)

    def test_fixed_clock_reports_utc_and_moves_only_when_told(self) -> None:
        """A fixed clock given London time reports UTC, then advances and jumps as instructed."""
        clock = FixedClock(wall(LONDON, 2024, 6, 15, 9, 0), tz=LONDON)
        assert clock.now() == utc(2024, 6, 15, 8)
        assert clock.now().tzinfo is UTC
        assert clock.tz is LONDON
        assert clock.advance(timedelta(days=1, hours=2)) == utc(2024, 6, 16, 10)
        assert clock.now() == utc(2024, 6, 16, 10)
        assert clock.set(wall(NEW_YORK, 2024, 1, 1, 0, 0)) == utc(2024, 1, 1, 5)
        assert clock.now().tzinfo is UTC

    def test_fixed_clock_defaults_to_utc_as_the_students_zone(self) -> None:
        """Without a zone, study days follow UTC."""
        assert FixedClock(utc(2024, 1, 1)).tz is UTC


NAIVE = datetime(2024, 6, 15, 12, 0)


class TestNaiveDatetimes:
    """An instant without a zone is refused everywhere; guessing it is how days go wrong."""

    def test_study_day_refuses_a_naive_datetime(self) -> None:
        """study_day needs to know which instant is meant."""
        with pytest.raises(ValueError, match="no time zone"):
            study_day(NAIVE, LONDON)

    def test_next_rollover_refuses_a_naive_datetime(self) -> None:
        """next_rollover needs to know which instant is meant."""
        with pytest.raises(ValueError, match="no time zone"):
            next_rollover(NAIVE, LONDON)

    def test_fixed_clock_refuses_a_naive_datetime(self) -> None:
        """Neither the constructor nor set() accepts a naive time."""
        with pytest.raises(ValueError, match="no time zone"):
            FixedClock(NAIVE)
        clock = FixedClock(utc(2024, 6, 15))
        with pytest.raises(ValueError, match="no time zone"):
            clock.set(NAIVE)
        assert clock.now() == utc(2024, 6, 15)


@pytest.fixture
def system_zone_is_new_york() -> Iterator[None]:
    """Make the process's local zone America/New_York where the OS lets us change it (POSIX tzset)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    if hasattr(time, "tzset"):
        time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    if hasattr(time, "tzset"):
        time.tzset()


@pytest.mark.usefixtures("system_zone_is_new_york")
class TestSystemZone:
    """The system local zone is right on both sides of a DST change, unlike a fixed offset."""

    def test_local_time_matches_the_operating_system_every_half_hour_through_dst(self) -> None:
        """Through both 2024 changes, local time and offset agree with the OS's own conversion."""
        zone = system_zone()
        for start in (utc(2024, 3, 9, 12), utc(2024, 11, 2, 12)):
            for step in range(48 * 2):
                instant = start + timedelta(minutes=30 * step)
                local = instant.astimezone(zone)
                expected = instant.astimezone()  # the OS, as a fixed offset for this one instant
                assert local.replace(tzinfo=None) == expected.replace(tzinfo=None)
                assert local.utcoffset() == expected.utcoffset()
                assert local.astimezone(UTC) == instant  # including the second pass of a repeated hour
                assert local.tzname() == expected.tzname()

    def test_study_days_in_the_system_zone_never_go_back_over_a_year(self) -> None:
        """Hourly over a year in the system zone, study days advance by 0 or 1 with no gaps."""
        days = [day for _, day in hourly(system_zone(), DEFAULT_ROLLOVER_HOUR, days=370)]
        assert {days_between(a, b) for a, b in zip(days, days[1:], strict=False)} == {0, 1}

    def test_next_rollover_in_the_system_zone_starts_the_next_study_day(self) -> None:
        """Around both DST changes, next_rollover in the system zone is the first instant of tomorrow."""
        zone = system_zone()
        for start in (utc(2024, 3, 9, 12), utc(2024, 11, 2, 12)):
            for step in range(48):
                instant = start + timedelta(hours=step)
                rollover = next_rollover(instant, zone)
                today = study_day(instant, zone)
                assert study_day(rollover, zone) == add_days(today, 1)
                assert study_day(rollover - timedelta(seconds=1), zone) == today

    def test_a_skipped_wall_time_reads_with_the_offset_before_or_after_the_jump(self) -> None:
        """PEP 495: in a skipped hour fold=0 uses the old offset and fold=1 the new one, so the two readings straddle the jump."""
        zone = system_zone()
        jump = utc(2024, 3, 10, 7)
        before = (jump - timedelta(hours=1)).astimezone(zone).utcoffset()
        after = (jump + timedelta(hours=1)).astimezone(zone).utcoffset()
        skipped = datetime(2024, 3, 10, 2, 30)
        assert skipped.replace(tzinfo=zone, fold=0).utcoffset() == before
        assert skipped.replace(tzinfo=zone, fold=1).utcoffset() == after
