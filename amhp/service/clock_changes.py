"""Wall-clock times that do not exist: when clocks go forward, an hour of local time
is skipped (01:00-02:00 on the last Sunday of March in Europe/London). A shift that
starts or ends inside it has no defined start or end that day, so a service file
may not use such a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

YEARS_AHEAD = 10


@lru_cache(maxsize=64)
def skipped_hours(zone_name: str, first_year: int) -> tuple[tuple[date, time, time], ...]:
    """(date, first skipped time, first time after the gap) for each clock change
    forward from ``first_year`` for :data:`YEARS_AHEAD` years."""
    zone = ZoneInfo(zone_name)
    out = []
    day = date(first_year, 1, 1)
    end = date(first_year + YEARS_AHEAD, 1, 1)
    offset = datetime.combine(day, time(0), tzinfo=zone).utcoffset()
    while day < end:
        nxt = day + timedelta(days=1)
        next_offset = datetime.combine(nxt, time(0), tzinfo=zone).utcoffset()
        if next_offset > offset:
            out.append(_gap(zone, day))
        day, offset = nxt, next_offset
    return tuple(g for g in out if g is not None)


def _exists(zone: ZoneInfo, moment: datetime) -> bool:
    aware = moment.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return back == moment


def _gap(zone: ZoneInfo, day: date) -> tuple[date, time, time] | None:
    """The skipped span of ``day``, found minute by minute around each hour."""
    start = datetime.combine(day, time(0))
    missing = [
        start + timedelta(minutes=m)
        for m in range(0, 24 * 60, 15)
        if not _exists(zone, start + timedelta(minutes=m))
    ]
    if not missing:
        return None
    after = missing[-1] + timedelta(minutes=15)
    return day, missing[0].time(), after.time()


def skipped_on(zone_name: str, clock: time, today: date | None = None) -> date | None:
    """A date (the next one, if any is still to come) on which ``clock`` does not
    exist in the zone; ``None`` if it exists on every date from last year on."""
    today = today or date.today()
    days = [
        day
        for day, first, after in skipped_hours(zone_name, today.year - 1)
        if first <= clock < after
    ]
    coming = [d for d in days if d >= today]
    return (coming or days or [None])[0]
