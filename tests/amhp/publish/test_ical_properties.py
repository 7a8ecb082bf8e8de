"""Property test: whatever names and notes contain, and wherever the clocks change,
the feed bytes pass the lint and three parsers read back exactly what was written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amhp.publish.ical import FeedEvent, FeedMeta, build_calendar, safe_text
from tests.support.ical_checks import lint, with_ical_js, with_icalendar, with_vobject

LONDON = ZoneInfo("Europe/London")
tricky = st.text(
    alphabet=st.sampled_from(list("abcXYZ ,;:\\\n\"'é€😀🏥"))
    | st.characters(blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=120,
).filter(lambda s: s.strip() == s and s)
# Days around the 2026 clock changes (29 Mar, 25 Oct) and ordinary days.
days = st.sampled_from(
    [
        date(2026, 3, 28),
        date(2026, 3, 29),
        date(2026, 3, 30),
        date(2026, 10, 24),
        date(2026, 10, 25),
        date(2026, 10, 26),
        date(2026, 7, 1),
    ]
)


def _later(start: datetime, length: timedelta) -> datetime:
    """``length`` of elapsed time after ``start``, in London time."""
    return (start.astimezone(UTC) + length).astimezone(LONDON)


@st.composite
def events(draw):
    n = draw(st.integers(1, 6))
    out = []
    for i in range(n):
        day = draw(days)
        hour = draw(st.integers(0, 22))
        # A real instant, as every duty is: 01:00 on the day the clocks go
        # forward does not exist in London and becomes 02:00 BST; the end is
        # the length later in elapsed time, not on the wall clock.
        local = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)
        start = local.astimezone(UTC).astimezone(LONDON)
        length = timedelta(hours=draw(st.integers(1, 14)))
        all_day = draw(st.booleans())
        out.append(
            FeedEvent(
                uid=f"u{i}-{day.isoformat()}@amhp-rota",
                summary=draw(tricky),
                start=day if all_day else start,
                end=day + timedelta(days=1) if all_day else _later(start, length),
                sequence=draw(st.integers(0, 5)),
                last_modified=datetime(2026, 11, 1, tzinfo=UTC),
                location=draw(tricky),
                description=draw(tricky),
            )
        )
    return out


def _instant(value):
    return int(value.timestamp()) if isinstance(value, datetime) else value.isoformat()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=tricky, evs=events())
def test_feed_round_trips_through_three_parsers(name, evs):
    body = build_calendar(FeedMeta(name, "rota@x.example", datetime(2026, 11, 1, tzinfo=UTC)), evs)
    assert lint(body) == []
    assert body == build_calendar(
        FeedMeta(name, "rota@x.example", datetime(2026, 11, 1, tzinfo=UTC)), evs
    )
    expected = {
        (e.uid, _instant(e.start), _instant(e.end), safe_text(e.summary), e.sequence) for e in evs
    }
    assert with_icalendar(body) == expected
    assert with_vobject(body) == expected
    assert with_ical_js(body) == expected
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["X-WR-CALNAME"]) == safe_text(name)
    by_uid = {e.uid: e for e in evs}
    for parsed in cal.walk("VEVENT"):
        original = by_uid[str(parsed["UID"])]
        assert str(parsed["DESCRIPTION"]) == safe_text(original.description)
        assert str(parsed["LOCATION"]) == safe_text(original.location)


def test_backslash_before_n_is_not_read_as_a_newline():
    """Found by the property above: icalendar turned a literal backslash-N into a
    line break. Whatever we write, all three parsers must read the same text."""
    ev = FeedEvent(
        "u@amhp-rota",
        "Ward \\N3",
        datetime(2026, 11, 2, 9, tzinfo=UTC),
        datetime(2026, 11, 2, 17, tzinfo=UTC),
        0,
        datetime(2026, 11, 1, tzinfo=UTC),
        description="path C:\\Notes\nnext line",
    )
    body = build_calendar(FeedMeta("n", "r@x.example", datetime(2026, 11, 1, tzinfo=UTC)), [ev])
    parsed = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(parsed["SUMMARY"]) == "Ward \uff3cN3"
    assert str(parsed["DESCRIPTION"]) == "path C:\uff3cNotes\nnext line"
    assert with_icalendar(body) == with_vobject(body) == with_ical_js(body)
