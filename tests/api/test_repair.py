"""Repair over real HTTP on loopback: a published November, a sick day reported
through the API, ``POST /services/{id}/repairs``, the draft's changes."""

from __future__ import annotations

import httpx
import pytest

from tests.support.cli import run_cli, solve_args
from tests.support.databases import server_env
from tests.support.paths import DATA
from tests.support.server import finished_job, running_server

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    env = server_env(database)
    out = tmp_path_factory.mktemp("repair") / "nov.json"
    run_cli("import", str(DATA / "mini.yaml"), env=env, check=True)
    run_cli(*solve_args("mini", "2026-11", out=out), env=env, check=True)
    run_cli("publish", "mini", "--month", "2026-11", env=env, check=True)
    for email, role in (("lead@example.org", "lead"), ("manager@example.org", "manager")):
        run_cli("user", "add", email, "--role", role, "--service", "mini",
                "--password", PASSWORD, env=env, check=True)  # fmt: skip
    with running_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client, out


def login(client: httpx.Client, email: str) -> dict:
    r = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_reported_sick_day_is_repaired_with_the_changes_listed(site):
    import json

    client, out = site
    lead = login(client, "lead@example.org")
    published = json.loads(out.read_text())
    # a2's last duty of the month (after their leave week) becomes a sick day.
    slot = [s for s in published["slots"] if "a2" in s["assigned"] and s["date"] >= "2026-11-16"][
        -1
    ]
    sick = {"person": "a2", "kind": "sickness", "start": slot["date"], "end": slot["date"]}
    assert client.post("/services/mini/leave", json=sick, headers=lead).status_code == 201

    # Freeze from the first of the month: the test must not depend on today's date.
    body = {"month": "2026-11", "time_limit": 10, "freeze_before": "2026-11-01"}
    r = client.post("/services/mini/repairs", json=body, headers=lead)
    assert r.status_code == 202 and r.json()["kind"] == "repair"
    job = finished_job(client, lead, r.json()["id"])
    assert job["state"] == "succeeded", job
    rota = client.get(f"/rotas/{job['rota_id']}", headers=lead).json()
    version = client.get("/services/mini/rotas?month=2026-11", headers=lead).json()
    # Counted per month: the published first version is 1, the repair the newest.
    assert sorted(v["number"] for v in version) == list(range(1, len(version) + 1))
    assert next(v["number"] for v in version if v["id"] == job["rota_id"]) == len(version)
    assert rota["base_version"] == next(v["id"] for v in version if v["state"] == "published")
    removed = {
        (c["person"], c["date"], c["shift"]) for c in rota["changes"] if c["change"] == "removed"
    }
    assert ("a2", slot["date"], slot["shift"]) in removed
    assert not any("a2" in s["assigned"] for s in rota["slots"] if s["date"] == slot["date"])


def test_only_a_lead_repairs_and_only_a_published_month(site):
    client, _out = site
    manager = login(client, "manager@example.org")
    lead = login(client, "lead@example.org")
    body = {"month": "2026-11", "time_limit": 5}
    assert client.post("/services/mini/repairs", json=body, headers=manager).status_code == 403
    december = {"month": "2026-12", "time_limit": 5}
    r = client.post("/services/mini/repairs", json=december, headers=lead)
    assert r.status_code == 409 and "publish" in r.json()["detail"]
    bad = client.post("/services/mini/repairs", json={"month": "2026-13"}, headers=lead)
    assert bad.status_code == 422


def cover(client, auth, day: str, shift: str = "HUB") -> dict:
    r = client.get(f"/services/mini/cover?date={day}&shift={shift}", headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_who_can_cover_lists_everyone_who_does_the_shift(site):
    client, _out = site
    found = cover(client, login(client, "manager@example.org"), "2026-11-10")
    options = {o["person"]: o for o in found["options"]}
    assert options["a2"]["can_take"] is False and "annual leave" in options["a2"]["reason"]
    able = [o for o in found["options"] if o["can_take"]]
    assert all(o["reason"] is None for o in able)
    assert all(o["reason"] for o in found["options"] if not o["can_take"])
    assert [o["cost"] for o in able] == sorted(o["cost"] for o in able)
    on_call = {o["person"] for o in cover(client, login(client, "lead@example.org"),
                                          "2026-11-10", "ON")["options"]}  # fmt: skip
    assert "a3" not in on_call  # a3 does not do on-call


def test_taking_a_cover_option_makes_a_draft_with_that_one_change(site):
    client, _out = site
    lead = login(client, "lead@example.org")
    # Eve joins the hub team with nothing rostered yet: free on any hub day with room.
    eve = {"id": "a5", "name": "Eve", "role": "amhp", "shift_types": ["HUB"]}
    assert client.post("/services/mini/practitioners", json=eve, headers=lead).status_code == 201
    found = cover(client, lead, "2026-11-17")
    able = [o for o in found["options"] if o["can_take"]]
    assert [o["person"] for o in able] == ["a5"]
    body = {"person": able[0]["person"], "date": found["date"], "shift": "HUB"}
    manager = login(client, "manager@example.org")
    assert client.post(f"/rotas/{found['rota_id']}/cover", json=body, headers=manager)\
        .status_code == 403  # fmt: skip
    made = client.post(f"/rotas/{found['rota_id']}/cover", json=body, headers=lead)
    assert made.status_code == 201, made.text
    draft = client.get(f"/rotas/{made.json()['id']}", headers=lead).json()
    assert draft["changes"] == [{**body, "change": "added"}]
    on_leave = {"person": "a2", "date": "2026-11-10", "shift": "HUB"}
    refused = client.post(f"/rotas/{found['rota_id']}/cover", json=on_leave, headers=lead)
    assert refused.status_code == 422 and "a2" in refused.json()["detail"][0]["msg"]


def test_cover_names_a_wrong_shift_date_or_month(site):
    client, _out = site
    lead = login(client, "lead@example.org")
    wrong = client.get("/services/mini/cover?date=2026-11-03&shift=NOPE", headers=lead)
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["query", "shift"]
    bad = client.get("/services/mini/cover?date=2026-11-31&shift=ON", headers=lead)
    assert bad.status_code == 422
    none = client.get("/services/mini/cover?date=2027-03-02&shift=ON", headers=lead)
    assert none.status_code == 404


def test_every_change_is_in_the_audit_log_with_who_and_how(site):
    client, _out = site
    lead = login(client, "lead@example.org")
    manager = login(client, "manager@example.org")
    entries = client.get("/services/mini/audit", headers=manager).json()
    actions = [(e["action"], e["via"]) for e in entries]
    # The set-up (command line), the sick day, the repair job and its rota (API).
    assert ("service.created", "cli") in actions
    assert ("rota.generated", "cli") in actions and ("rota.published", "cli") in actions
    assert ("account.created", "cli") in actions
    sick = next(e for e in entries if e["action"] == "service.changed" and e["via"] == "api")
    assert sick["actor"] == "lead@example.org" and sick["person"] == "a2"
    assert sick["detail"]["leave"]["added"][0]["kind"] == "sickness"
    assert ("job.started", "api") in actions and ("rota.repaired", "job") in actions
    covered = next(e for e in entries if e["action"] == "rota.covered")
    assert covered["via"] == "api" and covered["actor"] == "lead@example.org"
    assert covered["detail"]["changes"][0]["change"] == "added"
    repaired = next(e for e in entries if e["action"] == "rota.repaired")
    removed = [c for c in repaired["detail"]["changes"] if c["change"] == "removed"]
    assert any(c["person"] == "a2" for c in removed)
    # Filters and CSV.
    mine = client.get("/services/mini/audit?person=a2", headers=lead).json()
    assert mine and all(e["person"] == "a2" for e in mine)
    later = client.get("/services/mini/audit?since=2999-01-01", headers=lead).json()
    assert later == []
    csv_text = client.get("/services/mini/audit?format=csv", headers=lead).text
    assert csv_text.splitlines()[0].startswith("at,actor,via,action")
    assert len(csv_text.splitlines()) == len(entries) + 1


def test_the_audit_log_cannot_be_changed(site, database):
    from sqlalchemy import create_engine, exc, func, select, text

    client, _out = site
    engine = create_engine(database)  # straight to the database, past the app
    for statement in ("UPDATE audit_entry SET actor = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(text("audit_entry"))).scalar() > 0
    engine.dispose()
    lead = login(client, "lead@example.org")
    assert client.delete("/services/mini/audit", headers=lead).status_code == 405
