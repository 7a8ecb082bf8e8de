"""Accounts: logging out ends a token; a disabled account is logged out everywhere
and cannot log in; a new password ends every session. A real server on loopback,
the account commands run as a person would."""

from __future__ import annotations

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"
NEW = "another long password"


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    env = server_env(database)
    run_cli("import", str(DATA / "mini.yaml"), env=env, check=True)
    for email in ("lead@example.org", "manager@example.org"):
        run_cli("user", "add", email, "--role", "lead" if "lead" in email else "manager",
                "--service", "mini", "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client, env


def login(client, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/auth/login", json={"email": email, "password": password})


def me(client, token: str) -> int:
    return client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_logout_ends_that_token_only(site):
    client, _env = site
    first = login(client, "lead@example.org").json()["access_token"]
    second = login(client, "lead@example.org").json()["access_token"]
    out = client.post("/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert out.status_code == 204
    assert me(client, first) == 401 and me(client, second) == 200


def test_a_disabled_account_is_out_everywhere_until_enabled(site):
    client, env = site
    token = login(client, "manager@example.org").json()["access_token"]
    run_cli("user", "disable", "manager@example.org", env=env, check=True)
    assert me(client, token) == 401
    assert login(client, "manager@example.org").status_code == 401
    run_cli("user", "enable", "manager@example.org", env=env, check=True)
    assert login(client, "manager@example.org").status_code == 200
    missing = run_cli("user", "disable", "nobody@example.org", env=env)
    assert missing.returncode == 2 and "no account" in missing.stderr


def test_a_new_password_ends_every_session(site):
    client, env = site
    token = login(client, "lead@example.org").json()["access_token"]
    run_cli("user", "password", "lead@example.org", "--password", NEW, env=env, check=True)
    assert me(client, token) == 401
    assert login(client, "lead@example.org").status_code == 401
    fresh = login(client, "lead@example.org", NEW).json()["access_token"]
    log = client.get("/services/mini/audit", headers={"Authorization": f"Bearer {fresh}"}).json()
    actions = [e["action"] for e in log]
    for action in ("account.disabled", "account.enabled", "account.password_changed"):
        assert action in actions
