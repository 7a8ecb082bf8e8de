"""Calendar feeds served by a real uvicorn server on loopback, read by three
independent parsers, across publications of new versions."""

from __future__ import annotations

import gzip
import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from tests.support.cli import run_cli, solve_args
from tests.support.ical_checks import lint, with_ical_js, with_icalendar, with_vobject
from tests.support.paths import ROOT
from tests.support.samples import MINIMAL_SERVICE
from tests.support.server import running_server


class Env:
    def __init__(self, tmp: Path) -> None:
        self.db = f"sqlite:///{tmp / 'feeds.db'}"
        self.tmp = tmp
        # The CLI publishes and revokes from another process, which a server sees
        # within AMHP_FEED_RECHECK_SECONDS (tests/amhp/publish/test_feed_answers.py):
        # 0 here, so these tests never depend on how long a CLI call takes.
        self.env = {**os.environ, "AMHP_DATABASE_URL": self.db, "AMHP_FEED_RECHECK_SECONDS": "0"}

    def amhp(self, *args: str) -> str:
        return run_cli(*args, env=self.env, check=True).stdout

    def feeds(self, service: str, *extra: str) -> dict[tuple[str, str], str]:
        out = self.amhp("feeds", service, *extra)
        return {(k, s): p for k, s, p in (line.split("\t") for line in out.splitlines())}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = Env(tmp_path_factory.mktemp("feeds"))
    with running_server(env.env) as base:
        env.base = base
        yield env


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def warwickshire(site):
    out = site.tmp / "nov.json"
    site.amhp(*solve_args(ROOT / "fixtures" / "warwickshire.yaml", "2026-11", out=out))
    site.amhp("publish", "warwickshire", "--month", "2026-11")
    return json.loads(out.read_text()), site.feeds("warwickshire")


def test_every_feed_passes_the_byte_lint(site, warwickshire):
    _doc, feeds = warwickshire
    assert {k for k, _ in feeds} == {"person", "service", "shift"}
    for (kind, subject), path in feeds.items():
        status, headers, body = fetch(site.base + path)
        assert status == 200, (kind, subject)
        assert headers["content-type"] == "text/calendar; charset=utf-8"
        assert lint(body) == [], (kind, subject)
        assert len(body) < 1_000_000


def test_three_parsers_agree_with_the_published_rota(site, warwickshire):
    doc, feeds = warwickshire
    for person in ("ap04", "cn01", "tr01", "lc01"):
        _s, _h, body = fetch(site.base + feeds["person", person])
        ours = with_icalendar(body)
        assert ours == with_vobject(body) == with_ical_js(body), person
        duties = {
            (
                int(datetime.fromisoformat(s["start"]).timestamp()),
                int(datetime.fromisoformat(s["end"]).timestamp()),
            )
            for s in doc["slots"]
            if person in s["assigned"] or person in s["shadows"]
        }
        timed = {(e[1], e[2]) for e in ours if "-duty@" in e[0] or "-shadow@" in e[0]}
        assert timed == duties, person
    _s, _h, body = fetch(site.base + feeds["person", "tr01"])
    shadows = [e for e in with_icalendar(body) if "-shadow@" in e[0]]
    assert shadows and all(e[3].startswith("Shadow: ") for e in shadows)


def test_no_patient_data_and_colleagues_listed(site, warwickshire):
    doc, feeds = warwickshire
    _s, _h, body = fetch(site.base + feeds["person", "ap04"])
    cal = icalendar.Calendar.from_ical(body)
    names = {p["name"] for p in doc["people"]}
    for event in cal.walk("VEVENT"):
        text = str(event.get("DESCRIPTION", ""))
        if "-duty@" in str(event["UID"]):
            assert text.startswith("Colleagues on this shift: ")
            listed = text.split("\n")[0].removeprefix("Colleagues on this shift: ").split(", ")
            assert set(listed) <= names | {"none"}


def test_conditional_requests(site, warwickshire):
    _doc, feeds = warwickshire
    url = site.base + feeds["service", "warwickshire"]
    _status, headers, body = fetch(url)
    again = fetch(url)
    assert again[2] == body and again[1]["etag"] == headers["etag"]
    assert fetch(url, {"If-None-Match": headers["etag"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"something-else"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"})[0] == 200


def test_head_and_gzip_serve_the_same_feed_from_the_cache(site, warwickshire):
    _doc, feeds = warwickshire
    url = site.base + feeds["service", "warwickshire"]
    _status, headers, body = fetch(url)
    assert "content-encoding" not in {k.lower() for k in headers}
    head = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(head, timeout=30) as r:
        assert r.status == 200 and r.read() == b""
        assert int(r.headers["Content-Length"]) == len(body)
        assert r.headers["ETag"] == headers["etag"]
    status, zipped_headers, zipped = fetch(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and zipped_headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped) == body and len(zipped) < len(body) / 3
    assert zipped_headers["vary"] == "Accept-Encoding"
    assert zipped_headers["etag"] != headers["etag"]  # one strong tag per encoding
    assert fetch(url, {"Accept-Encoding": "gzip;q=0"})[2] == body
    revalidate = {"Accept-Encoding": "gzip", "If-None-Match": zipped_headers["etag"]}
    assert fetch(url, revalidate)[0] == 304


def test_revoked_link_gives_404_and_reissue_works(site, warwickshire):
    _doc, feeds = warwickshire
    old = feeds["person", "ap09"]
    assert fetch(site.base + old)[0] == 200
    revoked = site.feeds("warwickshire", "--revoke", "ap09")
    assert ("person", "ap09") not in revoked
    assert fetch(site.base + old)[0] == 404
    new = site.feeds("warwickshire", "--reissue", "ap09")["person", "ap09"]
    assert new != old and fetch(site.base + new)[0] == 200
    assert fetch(site.base + "/feeds/not-a-token.ics")[0] == 404


def test_republish_keeps_uids_bumps_sequence_and_drops_removed(site):
    text = MINIMAL_SERVICE + "fixed:\n  - {person: a4, date: 2026-11-04, shift: HUB}\n"
    first = site.tmp / "mini1.yaml"
    first.write_text(text, encoding="utf-8")
    site.amhp("solve", str(first), "--month", "2026-11", "--time-limit", "5", "--quiet")
    site.amhp("publish", "mini", "--month", "2026-11")
    path = site.feeds("mini")["person", "a4"]
    before = {e[0]: e for e in with_icalendar(fetch(site.base + path)[2])}
    uid = "mini-a4-2026-11-04-HUB-duty@amhp-rota"
    assert before[uid][4] == 0
    removed = next(u for u in before if u != uid and "-duty@" in u)
    removed_date = removed.split("-a4-")[1][:10]
    # The hub now starts at 09:30, and a4 is on leave on one of their other dates.
    moved = text.replace('start: "09:00", end: "17:00"', 'start: "09:30", end: "17:00"')
    moved = moved.replace(
        "leave:\n",
        f"leave:\n  - {{person: a4, kind: annual, start: {removed_date}, end: {removed_date}}}\n",
    )
    second = site.tmp / "mini2.yaml"
    second.write_text(moved, encoding="utf-8")
    site.amhp("solve", str(second), "--month", "2026-11", "--time-limit", "5", "--quiet")
    site.amhp("publish", "mini", "--month", "2026-11")
    after = {e[0]: e for e in with_icalendar(fetch(site.base + path)[2])}
    assert after[uid][4] == 1  # same UID, later start, SEQUENCE up
    assert after[uid][1] == before[uid][1] + 30 * 60
    assert removed not in after


def test_calendar_name_is_escaped_unlike_icalendar_7_3_0():
    from amhp.publish.ical import FeedMeta, build_calendar

    body = build_calendar(
        FeedMeta("Ward 3, North; A\\B", "rota@x.example", datetime(2026, 11, 1, tzinfo=UTC)), []
    )
    assert b"\r\nNAME:Ward 3\\, North\\; A\\\\B\r\n" in body
    assert b"\r\nX-WR-CALNAME:Ward 3\\, North\\; A\\\\B\r\n" in body
