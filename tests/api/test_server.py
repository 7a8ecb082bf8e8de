"""The web service as users meet it: `amhp serve` on loopback, real HTTP."""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.support.cli import run_cli, solve_args
from tests.support.paths import DATA
from tests.support.server import running_server


@pytest.fixture
def server(tmp_path):
    db = f"sqlite:///{tmp_path / 'srv.db'}"
    env = {**os.environ, "AMHP_DATABASE_URL": db}
    mini = DATA / "mini.yaml"
    run_cli(*solve_args(mini, "2026-11"), env=env, check=True)
    with running_server(env) as base:
        yield base


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serves_health_home_and_asks_for_login(server):
    assert get(server + "/health") == (200, b'{"status":"ok"}')
    status, body = get(server + "/")  # redirected to the login page
    assert status == 200 and b"<h1>Log in</h1>" in body and b"Mini AMHP Service" not in body
    assert get(server + "/services")[0] == 401
    assert get(server + "/openapi.json")[0] == 200


def test_demo_accounts_log_in_and_are_created_once(tmp_path):
    import json
    import re

    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}

    def amhp(*args: str) -> subprocess.CompletedProcess:
        return run_cli(*args, env=env)

    assert amhp("import", str(DATA / "mini.yaml")).returncode == 0
    key = tmp_path / "demo-password"
    first = amhp("user", "demo", "mini", "--password-file", str(key))
    again = amhp("user", "demo", "mini", "--password-file", str(key))
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert first.stdout == again.stdout  # same accounts, same password, nothing duplicated
    password = key.read_text().strip()
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(password) >= 10
    logins = re.findall(r"(\S+@mini\.example)  password: (\S+)", first.stdout)
    assert [e for e, _ in logins] == [
        "lead@mini.example",
        "manager@mini.example",
        "a2@mini.example",  # the first AMHP (a1 is a lead); nothing published yet
    ]
    assert amhp("user", "demo", "nosuch", "--password-file", str(key)).returncode == 1
    with running_server(env) as base:
        for email, pw in logins:
            assert pw == password
            request = urllib.request.Request(
                base + "/auth/login",
                data=json.dumps({"email": email, "password": pw}).encode(),
                headers={"content-type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as r:
                assert r.status == 200 and json.loads(r.read())["access_token"]


def test_the_api_docs_need_nothing_from_elsewhere(server):
    import re

    status, body = get(server + "/docs")
    assert status == 200
    html = body.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for path in sources:
        assert get(server + path)[0] == 200, path
