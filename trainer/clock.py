"""The one place that reads the wall clock, and the study-day arithmetic built on it.

Everything else takes a `Clock` (so tests can use a `FixedClock`) and works in study days. A
study day is the local calendar day shifted back by the rollover hour, as in Anki: with the
default rollover at 04:00, 02:00 on Tuesday still belongs to Monday, so a late-night session
counts as the day it started.

Rules, for the questions a calendar raises:
- All instants are timezone-aware; naive datetimes are refused with `ValueError`, because
  guessing their zone is how off-by-one-day bugs start. `Clock.now()` is always UTC.
- `study_day` uses the local *wall* time, so the day starts at the rollover hour on the clock on
  the wall, also on the days when that clock jumps for daylight saving time (those study days
  are 23 or 25 hours long).
- If the rollover wall time does not exist (it falls in a spring-forward gap), the new study
  day starts when the clocks jump past it. If it happens twice (a fall-back hour), the new study
  day starts at the first occurrence. `next_rollover` returns exactly these instants.
- Changing zone (travel, or a new `timezone` setting) changes the study day the same way it
  changes the local calendar: flying west over the date line can make "today" the day before.
  The clock may also be set back by hand. Study days can therefore go backwards (the day
  difference is then negative); callers clamp it where a count must not be negative (a streak,
  "due in N days"). Nothing here raises for it.
"""

from __future__ import annotations

import time as _time
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as wall_time
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ROLLOVER_HOUR = 4
"""The study day starts at 04:00 local time, as in Anki."""

__all__ = [
    "DEFAULT_ROLLOVER_HOUR",
    "Clock",
    "FixedClock",
    "SystemClock",
    "add_days",
    "next_rollover",
    "resolve_zone",
    "study_day",
    "system_zone",
]


@runtime_checkable
class Clock(Protocol):
    """What the app needs to know about time: the current instant and the student's zone."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    @property
    def tz(self) -> tzinfo:
        """The student's time zone, which decides where study days begin."""
        ...


class _SystemLocalZone(tzinfo):
    """The operating system's local zone, asked afresh for every instant.

    `datetime.now().astimezone().tzinfo` is a fixed offset and would be wrong on the other side
    of a daylight-saving change; this asks `time.localtime` (which follows `TZ`, /etc/localtime
    or the Windows zone) for each instant instead. Wall times follow PEP 495: in a repeated hour
    fold=0 is the first occurrence; in a skipped hour fold=0 uses the offset from before the
    jump and fold=1 the offset after it.
    """

    def __repr__(self) -> str:
        return "SystemLocalZone()"

    @staticmethod
    def _offset_at(timestamp: float) -> timedelta:
        return timedelta(seconds=_time.localtime(timestamp).tm_gmtoff)

    @staticmethod
    def _wall_as_utc_timestamp(dt: datetime) -> float:
        return dt.replace(tzinfo=UTC, fold=0).timestamp()

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return self._offset_at(_time.time())
        wall = self._wall_as_utc_timestamp(dt)
        # Zones change offset at most about twice a year, so the offsets one day either side of
        # a wall time are the only candidates for it.
        before = self._offset_at(wall - 86_400)
        after = self._offset_at(wall + 86_400)
        valid = [o for o in (before, after) if self._offset_at(wall - o.total_seconds()) == o]
        if len(valid) == 2 and before != after:
            return after if dt.fold else before  # a repeated hour
        if valid:
            return valid[0]
        return after if dt.fold else before  # a skipped hour

    def dst(self, dt: datetime | None) -> timedelta | None:
        if dt is None:
            return None
        is_dst = _time.localtime(self._timestamp_of(dt)).tm_isdst
        # The OS says whether DST is in force but not by how much; an hour is the usual amount
        # and nothing in this app reads dst().
        return timedelta(hours=1) if is_dst > 0 else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        timestamp = _time.time() if dt is None else self._timestamp_of(dt)
        return _time.localtime(timestamp).tm_zone

    def _timestamp_of(self, dt: datetime) -> float:
        return self._wall_as_utc_timestamp(dt) - self.utcoffset(dt).total_seconds()

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        offset = self._offset_at(dt.replace(tzinfo=UTC).timestamp())
        local = dt + offset
        # The second pass through a repeated hour is fold=1: the wall time alone would map to the
        # first pass.
        if self.utcoffset(local.replace(fold=0)) != offset:
            local = local.replace(fold=1)
        return local


_SYSTEM_LOCAL_ZONE = _SystemLocalZone()


def system_zone() -> tzinfo:
    """The operating system's local time zone, correct on both sides of a DST change."""
    return _SYSTEM_LOCAL_ZONE


def resolve_zone(name: str | None) -> tzinfo:
    """The zone a setting names, or the system's local zone when it names none.

    Args:
        name: An IANA zone name such as "Europe/London", or None (or "") for the system zone.

    Returns:
        A `ZoneInfo` for a name, else `system_zone()`.

    Raises:
        ValueError: If the name is not a known IANA zone.
    """
    if not name:
        return system_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"Unknown time zone {name!r}; use an IANA name such as 'Europe/London'.") from error


class SystemClock:
    """The real clock: the current UTC instant and the student's zone.

    Args:
        tz_name: The IANA zone from settings, or None to follow the system's local zone.

    Raises:
        ValueError: If `tz_name` is not a known zone.
    """

    def __init__(self, tz_name: str | None = None) -> None:
        self._tz = resolve_zone(tz_name)

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        return datetime.now(UTC)

    @property
    def tz(self) -> tzinfo:
        """The student's zone."""
        return self._tz


class FixedClock:
    """A clock that only moves when told to, for tests and simulations.

    Args:
        instant: The time it shows; must be timezone-aware (any zone; `now()` gives it in UTC).
        tz: The student's zone. Defaults to UTC.

    Raises:
        ValueError: If `instant` is naive.
    """

    def __init__(self, instant: datetime, tz: tzinfo = UTC) -> None:
        self._now = _require_aware(instant).astimezone(UTC)
        self._tz = tz

    def now(self) -> datetime:
        """The instant the clock shows, in UTC."""
        return self._now

    @property
    def tz(self) -> tzinfo:
        """The student's zone."""
        return self._tz

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock by `delta` (negative moves it back) and return the new time."""
        self._now += delta
        return self._now

    def set(self, instant: datetime) -> datetime:
        """Show `instant` from now on (earlier times are allowed) and return it in UTC.

        Raises:
            ValueError: If `instant` is naive.
        """
        self._now = _require_aware(instant).astimezone(UTC)
        return self._now


def _require_aware(instant: datetime) -> datetime:
    if not isinstance(instant, datetime):
        raise ValueError(f"Expected a datetime, not {instant!r}.")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant.isoformat()} has no time zone; pass an aware datetime (for example tzinfo=UTC).")
    return instant


def _require_rollover_hour(rollover_hour: int) -> int:
    if isinstance(rollover_hour, bool) or not isinstance(rollover_hour, int) or not 0 <= rollover_hour <= 23:
        raise ValueError(f"The rollover hour must be a whole hour from 0 to 23, not {rollover_hour!r}.")
    return rollover_hour


def _local_wall_time(instant: datetime, tz: tzinfo) -> datetime:
    return _require_aware(instant).astimezone(tz).replace(tzinfo=None)


def study_day(instant: datetime, tz: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day an instant belongs to: the local date, shifted back by the rollover hour.

    Args:
        instant: A timezone-aware instant.
        tz: The student's zone.
        rollover_hour: The local hour (0-23) at which a new study day starts.

    Returns:
        The study day. With the default 04:00 rollover, 03:59 on the 2nd is the 1st and
        04:00 on the 2nd is the 2nd; local midnight belongs to the previous day.

    Raises:
        ValueError: If `instant` is naive or `rollover_hour` is not 0-23.
    """
    _require_rollover_hour(rollover_hour)
    # Subtracting from the naive wall time (not the aware instant) keeps the boundary on the
    # wall-clock hour even on the days DST makes 23 or 25 hours long.
    return (_local_wall_time(instant, tz) - timedelta(hours=rollover_hour)).date()


def next_rollover(instant: datetime, tz: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """The instant the study day after `instant`'s begins: when "tomorrow's" cards fall due.

    Args:
        instant: A timezone-aware instant.
        tz: The student's zone.
        rollover_hour: The local hour (0-23) at which a new study day starts.

    Returns:
        An aware UTC datetime after `instant`. If the rollover wall time is skipped by a
        spring-forward change, this is the moment the clocks jump; if it happens twice, the
        first time.

    Raises:
        ValueError: If `instant` is naive or `rollover_hour` is not 0-23.
    """
    today = study_day(instant, tz, rollover_hour)
    target = datetime.combine(add_days(today, 1), wall_time(rollover_hour))
    # The two readings PEP 495 allows for a wall time; they differ only around a DST change.
    first, second = sorted(target.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
    for candidate in (first, second):
        if _local_wall_time(candidate, tz) == target:
            return candidate
    # The wall time does not exist: search the skipped stretch for the first second whose wall
    # time is past the target (zones change offset on whole seconds).
    low, high = int(first.timestamp()), int(second.timestamp())
    while low < high:
        middle = (low + high) // 2
        if _local_wall_time(datetime.fromtimestamp(middle, UTC), tz) >= target:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(low, UTC)


def add_days(day: date, days: int) -> date:
    """The study day `days` after `day` (before it, for a negative count)."""
    return day + timedelta(days=days)
