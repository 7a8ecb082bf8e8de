"""Calendar bytes for a feed, from plain event data.

Timed events are written in UTC (``...Z``) rather than with a VTIMEZONE: every
client (Google, Outlook, Apple) reads UTC and shows it in the viewer's own zone,
there is no VTIMEZONE for Outlook to reject, and the clock changes are already in
the instants the solver works with. All-day events (rest days) use DATE values
with an exclusive DTEND.

Nothing here reads a clock or a random source: the same events give the same
bytes, which is what lets the HTTP layer answer conditional requests with a
strong ETag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//AMHP rota optimiser//amhp-rota//EN"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    start: datetime | date  # a date for an all-day event
    end: datetime | date  # exclusive
    sequence: int
    last_modified: datetime
    location: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedMeta:
    name: str
    organizer: str  # the service's rota mailbox
    published: datetime  # the publication time of the current version: DTSTAMP
    description: str | None = None


# A literal backslash before N or n reads as a newline escape in icalendar (both
# when it writes and when it parses) and in other naive readers; found by the
# property test. Such text is written with a fullwidth reverse solidus instead, so
# every parser shows the same characters.
_BACKSLASH_BEFORE_N = re.compile(r"\\(?=[Nn])")


def safe_text(text: str) -> str:
    return _BACKSLASH_BEFORE_N.sub("\uff3c", text)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def build_calendar(meta: FeedMeta, events: list[FeedEvent]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", safe_text(meta.name))
    cal.add("x-wr-calname", safe_text(meta.name))
    if meta.description:
        cal.add("description", safe_text(meta.description))
        cal.add("x-wr-caldesc", safe_text(meta.description))
    cal.add("refresh-interval", vText("PT1H"), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = _utc(meta.published)
    for e in sorted(events, key=lambda e: (str(e.start), e.uid)):
        ev = Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", stamp)
        ev.add("last-modified", _utc(e.last_modified))
        ev.add("sequence", e.sequence)
        ev.add("summary", safe_text(e.summary))
        if isinstance(e.start, datetime):
            ev.add("dtstart", _utc(e.start))
            ev.add("dtend", _utc(e.end))
        else:
            ev.add("dtstart", e.start)
            ev.add("dtend", e.end)
            ev.add("transp", "TRANSPARENT")
        if e.location:
            ev.add("location", safe_text(e.location))
        if e.description:
            ev.add("description", safe_text(e.description))
        if e.categories:
            ev.add("categories", list(e.categories))
        organizer = vCalAddress(f"mailto:{meta.organizer}")
        ev.add("organizer", organizer)
        ev.add("status", "CONFIRMED")
        cal.add_component(ev)
    body = cal.to_ical()
    return body if body.endswith(b"\r\n") else body + b"\r\n"
