"""A fixed cell that breaks a hard rule is refused the same way from the JSON API
and from the rota page: 422 naming the cell and the rule, and nothing stored.
A real server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.entries import entries
from tests.support.paths import DATA
from tests.support.server import running_server

PASSWORD = "a long enough password"
ON_LEAVE = {"person": "a2", "date": "2026-11-10", "shift": "HUB"}  # a2's annual leave
POSSIBLE = {"person": "a3", "date": "2026-11-10", "shift": "HUB"}


def amhp(env: dict, *args: str) -> None:
    run_cli(*args, env=env, check=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    env = server_env(database)
    amhp(env, "import", str(DATA / "mini.yaml"))
    amhp(env, "solve", "mini", "--month", "2026-11", "--time-limit", "5", "--quiet")
    amhp(env, "user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
         "--password", PASSWORD)  # fmt: skip
    with running_server(env) as base:
        yield base


@contextmanager
def api_client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/auth/login", json={"email": "lead@example.org", "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield client


@contextmanager
def page_client(base: str) -> Iterator[httpx.Client]:
    """Logged in through the login form: the pages' cookie, and the Origin a browser
    sends with a form post from these pages."""
    with httpx.Client(base_url=base, timeout=30, headers={"Origin": base}) as client:
        r = client.post("/login", data={"email": "lead@example.org", "password": PASSWORD})
        assert r.status_code == 303
        yield client


def test_the_api_refuses_a_cell_that_breaks_a_rule_and_stores_nothing(site):
    with api_client(site) as client:
        r = client.post("/services/mini/fixed-cells", json=ON_LEAVE)
        assert r.status_code == 422
        [problem] = r.json()["detail"]
        assert problem["path"] == "fixed[0]"
        assert "Bob (a2) on HUB 2026-11-10" in problem["msg"] and "annual leave" in problem["msg"]
        assert client.get("/services/mini/fixed-cells").json() == []


def test_the_page_refuses_it_with_the_same_message(site):
    with api_client(site) as api, page_client(site) as page:
        message = api.post("/services/mini/fixed-cells", json=ON_LEAVE).json()["detail"][0]["msg"]
        rota_id = api.get("/services/mini/rotas").json()[0]["id"]
        form = {"person": ON_LEAVE["person"], "day": ON_LEAVE["date"], "shift": "HUB"}
        r = page.post(f"/app/rotas/{rota_id}/fix", data=form)
        assert r.status_code == 422
        assert message.replace("'", "&#39;") in r.text or message in r.text
        assert api.get("/services/mini/fixed-cells").json() == []


def test_a_possible_cell_is_stored(site):
    with api_client(site) as client:
        r = client.post("/services/mini/fixed-cells", json=POSSIBLE)
        assert r.status_code == 201, r.text
        assert entries(client.get("/services/mini/fixed-cells")) == [POSSIBLE]


def test_a_callout_is_reported_on_its_page_and_reaches_the_service(site):
    with page_client(site) as page, api_client(site) as api:
        assert "Night of" in page.get("/app/services/mini/callouts").text
        form = {"person": "a1", "date": "2026-11-05"}
        r = page.post("/app/services/mini/callouts", data=form)
        assert r.status_code == 303, r.text
        assert entries(api.get("/services/mini/callouts")) == [form]
        bad = page.post("/app/services/mini/callouts", data={"person": "zz", "date": "2026-11-05"})
        assert bad.status_code == 422 and "unknown practitioner" in bad.text


def test_a_form_post_from_another_site_is_refused_and_stores_nothing(site):
    with page_client(site) as page, api_client(site) as api:
        before = api.get("/services/mini/callouts").json()
        form = {"person": "a3", "date": "2026-11-06"}
        for forged in ({"Origin": "https://evil.example"}, {"Origin": "", "Referer": ""}):
            r = page.post("/app/services/mini/callouts", data=form, headers=forged)
            assert r.status_code == 403 and "another site" in r.text
        assert api.get("/services/mini/callouts").json() == before
        # The JSON API with its bearer header is not a form post: no Origin needed.
        assert api.post("/services/mini/callouts", json=form).status_code == 201


def test_every_response_carries_the_security_headers(site):
    with page_client(site) as page, api_client(site) as api:
        for response in (page.get("/app/services/mini"), api.get("/services/mini")):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "same-origin"
        assert api.get("/services/mini").headers["cache-control"] == "no-store"
        assert (
            "frame-ancestors 'none'"
            in page.get("/app/services/mini").headers["content-security-policy"]
        )


def test_an_oversized_body_is_refused_before_it_is_read(site):
    from api.security import MAX_BODY

    with api_client(site) as api:
        big = b'{"person": "a1", "date": "2026-11-05", "x": "' + b"y" * MAX_BODY + b'"}'
        r = api.post("/services/mini/callouts", content=big,
                     headers={"content-type": "application/json"})  # fmt: skip
        assert r.status_code == 413

        def chunks():
            yield b'{"person": "a1", "date": "2026-11-05", "x": "'
            for _ in range(MAX_BODY // 65536 + 2):
                yield b"y" * 65536
            yield b'"}'

        r = api.post("/services/mini/callouts", content=chunks(),
                     headers={"content-type": "application/json"})  # fmt: skip
        assert r.status_code == 413
        assert api.get("/health").status_code == 200


def test_the_database_file_is_private(site, tmp_path):
    import stat

    from amhp.store.db import engine_for

    path = tmp_path / "private.db"
    engine_for(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
