"""Many clients at once get answers, not a stall: 100 concurrent clients on the
rotas list (each request holds a database connection across several threads),
every request answered 200, and /health answered meanwhile. Bounded in count;
loopback only; no timing asserted."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.cli import run_cli, solve_args
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"
CLIENTS, REQUESTS = 100, 3


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("load") / "api.db"
    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{db}"}
    run_cli(*solve_args(DATA / "mini.yaml", "2026-11", time_limit=3), env=env, check=True)
    run_cli("user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
            "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base:
        yield base


def test_a_hundred_concurrent_clients_all_get_answers(site):
    r = httpx.post(f"{site}/auth/login", json={"email": "lead@example.org", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def client(_i) -> list[int]:
        with httpx.Client(base_url=site, timeout=120, headers=auth) as c:
            return [c.get("/services/mini/rotas").status_code for _ in range(REQUESTS)]

    with ThreadPoolExecutor(CLIENTS) as pool:
        running = [pool.submit(client, i) for i in range(CLIENTS)]
        health = httpx.get(f"{site}/health", timeout=120).status_code
        codes = [code for f in running for code in f.result()]
    assert health == 200
    assert codes == [200] * (CLIENTS * REQUESTS)
