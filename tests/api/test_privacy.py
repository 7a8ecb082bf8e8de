"""Health information stays with the lead, manager and admin: a practitioner sees
their own leave and requests, and of colleagues only that they are unavailable.
A real server on loopback, a published November with a gap whose causes are leave."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from openpyxl import load_workbook

from tests.support.cli import run_cli, solve_args
from tests.support.databases import server_env
from tests.support.samples import MINIMAL_SERVICE
from tests.support.server import running_server

PASSWORD = "a long enough password"
GAP_DAY = "2026-11-10"  # a2 on annual leave; a3 and a4 off sick: Ann alone
SERVICE = (
    MINIMAL_SERVICE
    + "".join(
        f"  - {{person: {p}, kind: sickness, start: {GAP_DAY}, end: {GAP_DAY}}}\n"
        for p in ("a3", "a4")
    )
    + "requests:\n  - {person: a3, date: 2026-11-20, want: false}\n"
)
PERSONAL = ("sickness", "annual leave")


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    tmp = tmp_path_factory.mktemp("privacy")
    (tmp / "mini.yaml").write_text(SERVICE, encoding="utf-8")
    env = server_env(database)
    run_cli(*solve_args(tmp / "mini.yaml", "2026-11", time_limit=5), env=env, check=True)
    run_cli("publish", "mini", "--month", "2026-11", env=env, check=True)
    for email, role, extra in (
        ("lead@example.org", "lead", []),
        ("ann@example.org", "practitioner", ["--person", "a1"]),
    ):
        run_cli("user", "add", email, "--role", role, "--service", "mini", *extra,
                "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base:
        yield base


@contextmanager
def as_user(base: str, email: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield client


def published(client) -> int:
    return next(r["id"] for r in client.get("/services/mini/rotas").json())


def gap_reasons(doc: dict) -> list[str]:
    return [r for g in doc["gaps"] if g["date"] == GAP_DAY for r in g["reasons"]]


def test_the_lead_sees_why_colleagues_are_away(site):
    with as_user(site, "lead@example.org") as lead:
        doc = lead.get(f"/rotas/{published(lead)}").json()
        reasons = gap_reasons(doc)
        assert "Cat (a3): sickness" in reasons and "Bob (a2): annual leave" in reasons
        kinds = {lv["kind"] for lv in lead.get("/services/mini").json()["leave"]}
        assert kinds == {"annual", "sickness"}


def test_a_practitioner_never_sees_a_colleagues_leave_kind(site):
    with as_user(site, "ann@example.org") as ann:
        service = ann.get("/services/mini").json()
        assert service["leave"] == [] and service["requests"] == []  # Ann has none
        rota_id = published(ann)
        doc = ann.get(f"/rotas/{rota_id}").json()
        reasons = gap_reasons(doc)
        assert {"Bob (a2): unavailable", "Cat (a3): unavailable", "Dan (a4): unavailable"} <= set(
            reasons
        )
        assert all(p["person"] == "a1" for p in doc["penalties"])
        explained = ann.get(f"/rotas/{rota_id}/explain").json()
        book = load_workbook(io.BytesIO(ann.get(f"/rotas/{rota_id}?format=xlsx").content))
        cells = " ".join(str(c.value) for row in book["Gaps"].iter_rows() for c in row)
        for text in (str(doc), str(explained), cells, ann.get(f"/rotas/{rota_id}?format=csv").text):
            assert not any(word in text for word in PERSONAL), text[:200]
        assert ann.get("/services/mini/leave").json() == []


def test_a_practitioners_pages_and_feed_never_name_a_colleagues_leave_kind(site):
    """Ann (logged in with the cookie, as a browser is) is refused the lead's pages;
    her own page and her calendar feed never say why a colleague is away."""
    with httpx.Client(base_url=site, timeout=30) as browser:
        r = browser.post("/login", data={"email": "ann@example.org", "password": PASSWORD})
        assert r.status_code == 303 and browser.cookies
        with as_user(site, "ann@example.org") as ann:
            rota_id = published(ann)
            feed = next(f["path"] for f in ann.get("/services/mini/feeds").json())
        pages = {
            url: browser.get(url)
            for url in (
                "/app/me",
                f"/app/rotas/{rota_id}",
                "/app/services/mini",
                "/app/services/mini/leave",
                "/app/services/mini/requests",
                f"/app/rotas/{rota_id}/cover?date={GAP_DAY}&shift=HUB",
            )
        }
        codes = {url: r.status_code for url, r in pages.items()}
        assert codes == {url: 200 if url == "/app/me" else 403 for url in pages}  # lead pages
        shown = {"/app/me": pages["/app/me"].text}
        shown["feed"] = browser.get(feed).text
        assert "BEGIN:VCALENDAR" in shown["feed"]
    for url, text in shown.items():
        assert not any(word in text for word in PERSONAL), (url, text[:300])
