"""Independent readings of a calendar feed: a byte-level lint and three parsers
(python icalendar, python vobject, Mozilla's ical.js under node)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

import icalendar
import vobject

JS = Path(__file__).parent / "js"


def lint(body: bytes) -> list[str]:
    """RFC 5545 basics real clients depend on."""
    problems = []
    if not body.endswith(b"\r\n"):
        problems.append("last line does not end with CRLF")
    if b"\n" in body.replace(b"\r\n", b""):
        problems.append("bare LF")
    lines = body.split(b"\r\n")[:-1]
    for i, line in enumerate(lines):
        if len(line) > 75:
            problems.append(f"line {i + 1} is {len(line)} octets")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {i + 1} splits a UTF-8 character")
    cal = icalendar.Calendar.from_ical(body)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    if len(uids) != len(set(uids)):
        problems.append("duplicate UID")
    for e in cal.walk("VEVENT"):
        if not e.decoded("DTEND") > e.decoded("DTSTART"):
            problems.append(f"{e['UID']}: end not after start")
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    for raw in lines:
        if b";TZID=" in raw:
            tzid = raw.split(b";TZID=")[1].split(b":")[0].split(b";")[0].decode()
            if tzid not in tzids:
                problems.append(f"TZID {tzid} has no VTIMEZONE")
    return problems


def _instant(value) -> object:
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(value)


def with_icalendar(body: bytes) -> set[tuple]:
    cal = icalendar.Calendar.from_ical(body)
    return {
        (
            str(e["UID"]),
            _instant(e.decoded("DTSTART")),
            _instant(e.decoded("DTEND")),
            str(e["SUMMARY"]),
            int(e.get("SEQUENCE", 0)),
        )
        for e in cal.walk("VEVENT")
    }


def with_vobject(body: bytes) -> set[tuple]:
    cal = vobject.readOne(body.decode("utf-8"))
    return {
        (
            e.uid.value,
            _instant(e.dtstart.value),
            _instant(e.dtend.value),
            e.summary.value,
            int(e.sequence.value) if hasattr(e, "sequence") else 0,
        )
        for e in cal.vevent_list
    }


def with_ical_js(body: bytes) -> set[tuple]:
    with tempfile.NamedTemporaryFile(suffix=".ics") as f:
        f.write(body)
        f.flush()
        out = subprocess.run(
            ["node", str(JS / "parse.mjs"), f.name], capture_output=True, text=True, check=True
        )
    return {
        # Instants as epoch seconds; all-day events as ISO dates.
        (e["uid"], e["start"], e["end"], e["summary"], int(e["sequence"]))
        for e in json.loads(out.stdout)
    }
