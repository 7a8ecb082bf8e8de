"""The kinds of value a service file holds, each checked where it is read so that a
mistake is reported at its field: names, ids, times, dates, month-days and bounded
numbers. Dates and times arrive as text (the YAML reader keeps them so) or, from
the database and inside the program, as ``date``/``time`` objects."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

NAME_MAX = 200
# The largest weight a soft rule may be given: with every penalty a count of at most a
# few thousand, the objective stays far inside CP-SAT's 64-bit range.
MAX_WEIGHT = 100_000
FIRST_YEAR, LAST_YEAR = 1900, 2199


def _printable(value: str) -> str:
    """No control, format or surrogate characters: a newline or NUL would break an
    export or a calendar line, and U+202E would show a name reversed."""
    for ch in value:
        if unicodedata.category(ch).startswith("C"):
            raise ValueError(
                f"contains the control character U+{ord(ch):04X}; use plain printable text"
            )
    if value != value.strip():
        raise ValueError("starts or ends with spaces")
    return value


Text = Annotated[str, Field(min_length=1, max_length=NAME_MAX), AfterValidator(_printable)]
LongText = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_printable)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
# A reference to an id elsewhere in the file: any text, reported as unknown if it
# names nothing.
Ref = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_printable)]


def _clock(value: object) -> object:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value.strip())
        if m:
            h, mins, secs = int(m[1]), int(m[2]), int(m[3] or 0)
            if (h, mins, secs) == (24, 0, 0):
                return time(0, 0)
            if h < 24 and mins < 60 and secs < 60:
                return time(h, mins, secs)
            raise ValueError(f"{value} is not a time of day: hour must be in 0..23, minute 0..59")
    raise ValueError(
        f"a time is written 'HH:MM' on the 24-hour clock, e.g. '09:00' or '17:30'; got {value!r}"
    )


def _day(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value} is not a date on the calendar ({exc})") from None
    else:
        raise ValueError(f"a date is written YYYY-MM-DD, e.g. '2026-12-01'; got {value!r}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    return day


def _month_day(value: str) -> str:
    month, day = map(int, value.split("-"))
    try:
        date(2000, month, day)  # a leap year: 02-29 exists
    except ValueError:
        raise ValueError(f"{value} is not a day of the year") from None
    return value


Clock = Annotated[time, BeforeValidator(_clock)]
Day = Annotated[date, BeforeValidator(_day)]
MonthDay = Annotated[
    str,
    Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
    AfterValidator(_month_day),
]
