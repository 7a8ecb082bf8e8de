"""A client's mistake, or a hostile request, is a 4xx that names the field and
changes nothing: non-finite and huge numbers, lone surrogates and deep nesting in
JSON bodies; months outside any rota's range; pages used by the wrong account; a
remove from a stale page or a double click; a fixed cell outside its rota's month."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import solver
from amhp.runs import operations
from amhp.service.file import parse_service
from amhp.store.db import transaction
from amhp.store.users import create_user
from api.app import create_app
from tests.support.databases import backend_env
from tests.support.samples import MINIMAL_SERVICE

PASSWORD = "a long enough password"
ORIGIN = {"Origin": "http://testserver"}
LEAVE = "  - {person: a2, kind: annual, start: 2026-11-09, end: 2026-11-13}\n"
SERVICE = MINIMAL_SERVICE.replace(
    LEAVE, LEAVE + "  - {person: a3, kind: annual, start: 2026-11-16, end: 2026-11-17}\n"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory, database):
    mp = pytest.MonkeyPatch()
    for key, value in backend_env(database).items():
        mp.setenv(key, value)
    operations.import_service(parse_service(SERVICE))
    rota = operations.generate_rota(
        parse_service(SERVICE), "2026-11", solver.SolveParams(time_limit=5)
    ).version_id
    with transaction() as s:
        create_user(s, "admin@x.org", PASSWORD, "admin")
        create_user(s, "lead@x.org", PASSWORD, "lead", "mini")
    with TestClient(create_app()) as client:
        token = client.post("/auth/login", json={"email": "lead@x.org", "password": PASSWORD})
        yield client, {"Authorization": f"Bearer {token.json()['access_token']}"}, rota
    mp.undo()


def _page_login(client: TestClient, email: str) -> None:
    client.cookies.clear()
    r = client.post(
        "/login",
        data={"email": email, "password": PASSWORD},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


LEAVE_BODY = '{"person": "a2", "kind": "annual", "start": "2026-12-01", "end": %s}'
HOSTILE = [
    # (raw JSON value put in "end", expected words, expected type)
    ("NaN", "NaN is not a number JSON allows", "finite_number"),
    ("Infinity", "Infinity is not a number JSON allows", "finite_number"),
    ("-Infinity", "-Infinity is not a number JSON allows", "finite_number"),
    ("1e999999", "too large to represent", "finite_number"),
    ("1" * 5000, "larger than", "number_too_large"),
    ('"\\ud800"', "lone surrogate (U+D800)", "string_unicode"),
    ('"2026-12-0\\u0000"', "NUL character (U+0000)", "string_nul"),
    ("[" * 100 + "]" * 100, "nested more than", "json_invalid"),
]
# Too deep for Python's parser: said where, by position.
TOO_DEEP = '{"person": "a2", "end": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.parametrize(("raw", "words", "kind"), HOSTILE, ids=[h[2] + h[0][:8] for h in HOSTILE])
def test_hostile_json_is_a_422_naming_where(world, raw, words, kind):
    client, lead, _ = world
    before = client.get("/services/mini/leave", headers=lead).json()
    r = client.post(
        "/services/mini/leave",
        content=LEAVE_BODY % raw,
        headers={**lead, "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    problem = r.json()["detail"][0]
    assert words in problem["msg"] and problem["type"] == kind
    assert problem["loc"][:2] == ["body", "end"]
    assert client.get("/services/mini/leave", headers=lead).json() == before


def test_json_too_deep_to_parse_says_where(world):
    client, lead, _ = world
    r = client.post(
        "/services/mini/leave",
        content=TOO_DEEP,
        headers={**lead, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == "nested more than 32 levels deep (at character 56)"


def test_hostile_json_reaches_no_handler_even_anonymously(world):
    client, _, _ = world
    r = client.post(
        "/auth/login",
        content='{"email": "lead@x.org", "password": NaN}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "password"]
    r = client.post(
        "/auth/login",
        content='{"email": "lead@x.org", "\\udfff": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422 and "lone surrogate" in r.json()["detail"][0]["msg"]


NUL_REQUESTS = {
    # PostgreSQL cannot hold or compare text with a NUL in it: each would be a 500
    "json login": ("POST", "/auth/login", {"json": {"email": "lead\x00@x.org", "password": "p"}}),
    "path": ("GET", "/services/mini%00/leave", {}),
    "query": ("GET", "/services/mini/audit?person=a%002", {}),
    "form login": ("POST", "/login", {"data": {"email": "lead@x.org\x00", "password": "p"}}),
}


@pytest.mark.parametrize("what", NUL_REQUESTS)
def test_a_nul_character_anywhere_is_a_422_not_a_500(world, what):
    client, lead, _ = world
    method, url, extra = NUL_REQUESTS[what]
    r = client.request(method, url, headers={**lead, **ORIGIN}, **extra)
    assert r.status_code == 422, r.text
    assert "NUL character" in r.json()["detail"][0]["msg"]
    ok = client.get("/services/mini/audit?person=a2", headers=lead)
    assert ok.status_code == 200  # and the server carries on


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1999-12", "2026-13"])
def test_jobs_for_months_outside_the_range_are_refused(world, month):
    client, lead, _ = world
    r = client.post("/services/mini/jobs", json={"month": month, "time_limit": 1}, headers=lead)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "month"]


def test_the_practitioner_page_refuses_an_account_that_is_not_a_practitioner(world):
    client, _, _ = world
    _page_login(client, "admin@x.org")
    assert client.get("/app/me").status_code == 403
    r = client.post("/app/me/requests", data={"day": "2026-11-20"}, headers=ORIGIN)
    assert r.status_code == 403


def _keys(html: str) -> list[tuple[str, str]]:
    """(key, revision) of each remove form on a page."""
    keys = re.findall(r'name="key" value="([^"]+)"', html)
    revisions = re.findall(r'name="revision" value="([^"]+)"', html)
    return list(zip(keys, revisions, strict=True))


def _leave(client, lead) -> list[dict]:
    return client.get("/services/mini/leave", headers=lead).json()


def test_remove_asks_first_then_removes_that_entry_and_a_second_click_touches_nothing(world):
    client, lead, _ = world
    _page_login(client, "lead@x.org")
    page = client.get("/app/services/mini/leave")
    assert page.status_code == 200
    (first_key, revision), *_ = _keys(page.text)
    before = _leave(client, lead)
    target = next(x for x in before if x["key"] == first_key)

    form = {"key": first_key, "revision": revision}
    ask = client.post("/app/services/mini/leave/remove", data=form, headers=ORIGIN)
    assert ask.status_code == 200 and "Remove this entry from leave" in ask.text
    assert _leave(client, lead) == before  # asking removes nothing

    done = client.post(
        "/app/services/mini/leave/remove",
        data={**form, "confirm": "yes"},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = _leave(client, lead)
    assert target not in after and len(after) == len(before) - 1

    again = client.post(
        "/app/services/mini/leave/remove", data={**form, "confirm": "yes"}, headers=ORIGIN
    )
    assert again.status_code == 409 and "changed since you opened it" in again.text
    assert _leave(client, lead) == after  # nobody else's leave went instead


def test_removing_a_practitioner_still_referred_to_explains_on_the_page(world):
    client, lead, _ = world
    _page_login(client, "lead@x.org")
    page = client.get("/app/services/mini/practitioners")
    revision = _keys(page.text)[0][1]
    r = client.post(
        "/app/services/mini/practitioners/remove",
        data={"key": "a3", "revision": revision, "confirm": "yes"},
        headers=ORIGIN,
    )
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("text/html")
    assert "still refer to it" in r.text and "unknown practitioner" in r.text
    ids = [p["id"] for p in client.get("/services/mini/practitioners", headers=lead).json()]
    assert "a3" in ids


def test_a_fixed_cell_set_from_a_rota_must_fall_in_its_month(world):
    client, lead, rota = world
    _page_login(client, "lead@x.org")
    before = client.get("/services/mini/fixed-cells", headers=lead).json()
    r = client.post(
        f"/app/rotas/{rota}/fix",
        data={"person": "a1", "day": "1999-01-01", "shift": "HUB"},
        headers=ORIGIN,
    )
    assert r.status_code == 422 and "not in November 2026" in r.text
    assert client.get("/services/mini/fixed-cells", headers=lead).json() == before
