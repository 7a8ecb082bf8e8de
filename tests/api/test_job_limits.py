"""One service cannot fill the solve queue, and a job's time limit has a ceiling
(both settings); a real server on loopback with small settings."""

from __future__ import annotations

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def client(tmp_path_factory, database):
    env = server_env(database, AMHP_MAX_JOBS_PER_SERVICE="1", AMHP_MAX_JOB_SECONDS="120")
    run_cli("import", str(DATA / "mini.yaml"), env=env, check=True)
    run_cli("user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
            "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base, httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/auth/login", json={"email": "lead@example.org", "password": PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def test_a_time_limit_over_the_ceiling_is_refused_naming_it(client):
    r = client.post("/services/mini/jobs", json={"month": "2026-11", "time_limit": 121})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "time_limit"]


def test_a_service_with_its_share_of_jobs_waits(client):
    first = client.post("/services/mini/jobs", json={"month": "2026-11", "time_limit": 120})
    assert first.status_code == 202
    second = client.post("/services/mini/jobs", json={"month": "2026-12", "time_limit": 5})
    assert second.status_code == 429 and second.headers["retry-after"]
    assert "already has 1" in second.json()["detail"]
    assert client.delete(f"/jobs/{first.json()['id']}").status_code == 202
