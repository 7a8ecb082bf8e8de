"""Password guessing is refused: the 11th wrong password within a minute locks the
account, the right password included, while other accounts log in as usual."""

from __future__ import annotations

import httpx
import pytest

from amhp.store.login_limits import MAX_FAILURES
from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    env = server_env(database)
    run_cli("import", str(DATA / "mini.yaml"), env=env, check=True)
    for email in ("lead@example.org", "other@example.org"):
        run_cli("user", "add", email, "--role", "lead", "--service", "mini",
                "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def login(client, email: str, password: str) -> httpx.Response:
    return client.post("/auth/login", json={"email": email, "password": password})


def test_guessing_locks_the_account_even_for_the_right_password(site):
    assert login(site, "lead@example.org", PASSWORD).status_code == 200
    for _ in range(MAX_FAILURES):
        assert login(site, "lead@example.org", "not the password").status_code == 401
    locked = login(site, "lead@example.org", PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 60
    assert login(site, "other@example.org", PASSWORD).status_code == 200
    page = site.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert page.status_code == 429 and "Too many failed logins" in page.text


def test_a_right_password_resets_the_count(site):
    for _ in range(MAX_FAILURES - 1):
        assert login(site, "other@example.org", "not the password").status_code == 401
    assert login(site, "other@example.org", PASSWORD).status_code == 200
    for _ in range(MAX_FAILURES - 1):
        assert login(site, "other@example.org", "not the password").status_code == 401
    assert login(site, "other@example.org", PASSWORD).status_code == 200
