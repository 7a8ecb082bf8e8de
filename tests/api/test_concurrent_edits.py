"""Concurrent edits through a real server lose nothing: every answered 2xx change is
there afterwards, and of two writes based on the same ETag exactly one lands."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.entries import entries
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    env = server_env(database)
    run_cli("import", str(DATA / "mini.yaml"), env=env, check=True)
    run_cli("user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
            "--password", PASSWORD, env=env, check=True)  # fmt: skip
    run_cli("user", "add", "bob@example.org", "--role", "practitioner", "--service", "mini",
            "--person", "a2", "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base:
        yield base


def token(base: str, email: str) -> dict:
    r = httpx.post(f"{base}/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_concurrent_adds_by_the_lead_and_an_amhp_all_survive(site):
    lead, bob = token(site, "lead@example.org"), token(site, "bob@example.org")
    first = date(2027, 2, 1)
    leave = [
        {"person": "a3", "kind": "annual", "start": str(d), "end": str(d)}
        for d in (first + timedelta(days=i) for i in range(12))
    ]
    wishes = [
        {"person": "a2", "date": str(first + timedelta(days=i)), "want": False} for i in range(12)
    ]
    posts = [("leave", item, lead) for item in leave] + [("requests", w, bob) for w in wishes]

    def post(args) -> int:
        part, item, auth = args
        with httpx.Client(base_url=site, timeout=60) as client:
            return client.post(f"/services/mini/{part}", json=item, headers=auth).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(post, posts))
    assert codes.count(201) == len(posts), codes
    with httpx.Client(base_url=site, timeout=30, headers=lead) as client:
        stored_leave = entries(client.get("/services/mini/leave"))
        stored_requests = entries(client.get("/services/mini/requests"))
    assert all(item in stored_leave for item in leave)
    assert all({**w, "shift": None, "weight": 50} in stored_requests for w in wishes)


def test_two_writes_on_the_same_etag_one_lands_one_is_refused(site):
    lead = token(site, "lead@example.org")
    with httpx.Client(base_url=site, timeout=30, headers=lead) as client:
        etag = client.get("/services/mini").headers["etag"]
        items = [
            {
                "person": "a4",
                "kind": "training",
                "start": f"2027-03-0{d}",
                "end": f"2027-03-0{d}",
            }
            for d in (1, 2)
        ]

    def post(item) -> int:
        with httpx.Client(base_url=site, timeout=60, headers=lead) as client:
            return client.post("/services/mini/leave", json=item,
                               headers={"If-Match": etag}).status_code  # fmt: skip

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(pool.map(post, items))
    assert codes == [201, 409]
    with httpx.Client(base_url=site, timeout=30, headers=lead) as client:
        stored = entries(client.get("/services/mini/leave"))
    assert sum(item in stored for item in items) == 1
