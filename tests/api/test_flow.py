"""The whole flow over real HTTP on loopback: create admin, log in, import a
service, generate (watching progress), publish, fetch a person's feed, revoke it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from amhp.service.file import load_service
from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.ical_checks import lint, with_icalendar
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"


def amhp(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, env=env)


@pytest.fixture
def env(fresh_database) -> dict:
    return server_env(fresh_database)


def login(client: httpx.Client, email: str) -> dict:
    r = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def wait_for(client, headers, job_id: int, seen: list) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        seen.append(job)
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.3)
    raise AssertionError("job did not finish")


def test_admin_to_feed_revocation(env):
    assert (
        amhp(
            env, "user", "add", "admin@example.org", "--role", "admin", "--password", PASSWORD
        ).returncode
        == 0
    )
    definition = load_service(Path(DATA / "mini.yaml"))
    with running_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/services").status_code == 401
        admin = login(client, "admin@example.org")
        r = client.put("/services/mini", json=definition.model_dump(mode="json"), headers=admin)
        assert r.status_code == 200, r.text
        bad = definition.model_dump(mode="json")
        bad["practitioners"][1]["fte"] = 3
        r = client.put("/services/mini", json=bad, headers=admin)
        assert r.status_code == 422
        assert [e["loc"] for e in r.json()["detail"]] == [["body", "practitioners", 1, "fte"]]
        assert (
            amhp(
                env,
                "user",
                "add",
                "lead@mini.example",
                "--role",
                "lead",
                "--service",
                "mini",
                "--password",
                PASSWORD,
            ).returncode
            == 0
        )
        assert (
            amhp(
                env,
                "user",
                "add",
                "bob@mini.example",
                "--role",
                "practitioner",
                "--service",
                "mini",
                "--person",
                "a2",
                "--password",
                PASSWORD,
            ).returncode
            == 0
        )
        lead = login(client, "lead@mini.example")
        r = client.post(
            "/services/mini/jobs", json={"month": "2026-11", "time_limit": 5}, headers=lead
        )
        assert r.status_code == 202
        seen: list = []
        job = wait_for(client, lead, r.json()["id"], seen)
        assert job["state"] == "succeeded", job
        assert job["progress"]["status"] in ("optimal", "feasible")
        rota_id = job["rota_id"]
        bob = login(client, "bob@mini.example")
        assert client.get(f"/rotas/{rota_id}", headers=bob).status_code == 404  # a draft
        r = client.post(f"/rotas/{rota_id}/publish", headers=lead)
        assert r.status_code == 200 and r.json()["state"] == "published"
        assert client.get(f"/rotas/{rota_id}", headers=bob).json()["format"] == "amhp-rota/1"
        xlsx = client.get(f"/rotas/{rota_id}?format=xlsx", headers=lead)
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        links = client.get("/services/mini/feeds", headers=bob).json()
        assert [(x["kind"], x["subject"]) for x in links] == [("person", "a2")]
        feed = client.get(links[0]["path"])
        assert feed.status_code == 200 and lint(feed.content) == []
        doc = client.get(f"/rotas/{rota_id}", headers=bob).json()
        duties = sum(1 for s in doc["slots"] if "a2" in s["assigned"])
        assert sum(1 for e in with_icalendar(feed.content) if "-duty@" in e[0]) == duties
        assert client.delete("/services/mini/feeds/person/a2", headers=bob).status_code == 204
        assert client.get(links[0]["path"]).status_code == 404
        assert client.delete("/services/mini/feeds/person/a1", headers=bob).status_code == 403
