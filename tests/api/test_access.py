"""Authorisation matrix: every role against every endpoint group, including
another service's lead. Another service's data answers 404, not 403, so ids do
not leak."""

from __future__ import annotations

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
ROLES = ("admin", "lead", "manager", "practitioner", "other_lead", "anonymous")


@pytest.fixture(scope="module")
def world(tmp_path_factory, database):
    mp = pytest.MonkeyPatch()
    for key, value in backend_env(database).items():
        mp.setenv(key, value)
    a = parse_service(MINIMAL_SERVICE)
    b = parse_service(MINIMAL_SERVICE.replace("id: mini", "id: other"))
    for definition in (a, b):
        operations.import_service(definition)
    draft = operations.generate_rota(a, "2026-11", solver.SolveParams(time_limit=5)).version_id
    with transaction() as s:
        create_user(s, "admin@x.org", PASSWORD, "admin")
        create_user(s, "lead@x.org", PASSWORD, "lead", "mini")
        create_user(s, "manager@x.org", PASSWORD, "manager", "mini")
        create_user(s, "practitioner@x.org", PASSWORD, "practitioner", "mini", "a2")
        create_user(s, "other_lead@x.org", PASSWORD, "lead", "other")
    with TestClient(create_app()) as client:
        headers = {"anonymous": {}}
        for role in ROLES[:-1]:
            r = client.post("/auth/login", json={"email": f"{role}@x.org", "password": PASSWORD})
            headers[role] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        yield client, headers, draft, a.model_dump(mode="json")
    mp.undo()


# endpoint group -> expected status for admin, lead, manager, practitioner, other_lead, anonymous
MATRIX = {
    "list services": (("GET", "/services"), (200, 200, 200, 200, 200, 401)),
    "read service": (("GET", "/services/mini"), (200, 200, 200, 200, 404, 401)),
    "replace service": (("PUT", "/services/mini"), (200, 200, 403, 403, 404, 401)),
    "start job": (("POST", "/services/mini/jobs"), (202, 202, 403, 403, 404, 401)),
    "list rotas": (("GET", "/services/mini/rotas"), (200, 200, 200, 200, 404, 401)),
    "read draft rota": (("GET", "/rotas/{draft}"), (200, 200, 200, 404, 404, 401)),
    "explain draft": (("GET", "/rotas/{draft}/explain"), (200, 200, 200, 404, 404, 401)),
    "feed links": (("GET", "/services/mini/feeds"), (200, 200, 200, 200, 404, 401)),
    "revoke a1's feed": (
        ("DELETE", "/services/mini/feeds/person/a1"),
        (204, 204, 403, 403, 404, 401),
    ),
    "list practitioners": (("GET", "/services/mini/practitioners"), (200, 200, 200, 403, 404, 401)),
    "list leave": (("GET", "/services/mini/leave"), (200, 200, 200, 200, 404, 401)),
    "add cover rule": (("POST", "/services/mini/cover-rules"), (201, 201, 403, 403, 404, 401)),
    "add own request": (("POST", "/services/mini/requests"), (201, 201, 403, 201, 404, 401)),
    "start what-if": (("POST", "/services/mini/whatifs"), (202, 202, 202, 403, 404, 401)),
    # November has a draft only: a repair needs a published month (409).
    "start repair": (("POST", "/services/mini/repairs"), (409, 409, 403, 403, 404, 401)),
    "who can cover": (
        ("GET", "/services/mini/cover?date=2026-11-03&shift=HUB"),
        (200, 200, 200, 403, 404, 401),
    ),
    "audit log": (("GET", "/services/mini/audit"), (200, 200, 200, 403, 404, 401)),
}
WHATIF = (
    "horizon: {start: '2026-11', months: 1}\ntime_limit_per_month: 1\n"
    "scenarios:\n  - name: a3 leaves\n    changes:\n"
    "      - {kind: vacancy, person: a3, from: 2026-11-01}\n"
)
BODIES = {
    "add cover rule": {"shift": "HUB", "dates": ["2026-12-24"], "min": 1},
    "add own request": {"person": "a2", "date": "2026-12-03", "want": False, "weight": 10},
    "start what-if": {"name": "matrix", "spec": WHATIF},
    "start repair": {"month": "2026-11", "time_limit": 1},
}


@pytest.mark.parametrize("group", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access(world, group, role):
    client, headers, draft, definition = world
    (method, path), expected = MATRIX[group]
    body = BODIES.get(group)
    if method == "PUT":
        body = definition
    elif method == "POST" and body is None:
        body = {"month": "2026-12", "time_limit": 1}
    r = client.request(method, path.format(draft=draft), json=body, headers=headers[role])
    assert r.status_code == expected[ROLES.index(role)], r.text


def test_publish_only_by_the_services_lead(world):
    client, headers, draft, _ = world
    for role, status in (("manager", 403), ("practitioner", 404), ("other_lead", 404)):
        assert client.post(f"/rotas/{draft}/publish", headers=headers[role]).status_code == status
    assert client.post(f"/rotas/{draft}/publish", headers=headers["lead"]).status_code == 200
    assert client.get(f"/rotas/{draft}", headers=headers["practitioner"]).status_code == 200
    assert client.post(f"/rotas/{draft}/publish", headers=headers["lead"]).status_code == 409


def test_stale_edit_is_a_conflict(world):
    client, headers, _, definition = world
    etag = client.get("/services/mini", headers=headers["lead"]).headers["etag"]
    renamed = {**definition, "service": {**definition["service"], "name": "Renamed"}}
    ok = client.put("/services/mini", json=renamed, headers={**headers["lead"], "If-Match": etag})
    assert ok.status_code == 200
    stale = client.put(
        "/services/mini", json=definition, headers={**headers["lead"], "If-Match": etag}
    )
    assert stale.status_code == 409
    assert client.get("/services/mini", headers=headers["lead"]).json()["service"]["name"] == (
        "Renamed"
    )


def test_collection_edits_validate_like_a_service_file(world):
    client, headers, _, _ = world
    lead, bob = headers["lead"], headers["practitioner"]
    bad = client.post(
        "/services/mini/leave",
        headers=lead,
        json={"person": "zz", "kind": "annual", "start": "2026-12-01", "end": "2026-12-02"},
    )
    assert bad.status_code == 422
    assert (
        bad.json()["detail"][0]["path"].startswith("leave[")
        and "zz" in bad.json()["detail"][0]["msg"]
    )
    others = client.post(
        "/services/mini/leave",
        headers=bob,
        json={"person": "a1", "kind": "annual", "start": "2026-12-01", "end": "2026-12-02"},
    )
    assert others.status_code == 403
    mine = client.post(
        "/services/mini/leave",
        headers=bob,
        json={"person": "a2", "kind": "annual", "start": "2026-12-07", "end": "2026-12-08"},
    )
    assert mine.status_code == 201
    listed = client.get("/services/mini/leave", headers=bob)
    assert {x["person"] for x in listed.json()} == {"a2"}
    etag = listed.headers["etag"]
    key = next(x["key"] for x in listed.json() if x["start"] == "2026-12-07")
    assert mine.json()["key"] == key  # the entry as added carries the key that addresses it
    assert (
        client.delete(f"/services/mini/leave/{key}", headers={**bob, "If-Match": etag}).status_code
        == 204
    )
    # A second delete with the same (now stale) view removes nothing else.
    assert (
        client.delete(f"/services/mini/leave/{key}", headers={**bob, "If-Match": etag}).status_code
        == 409
    )
    assert client.delete(f"/services/mini/leave/{key}", headers=bob).status_code == 404
    renamed = client.put(
        "/services/mini/practitioners/a3",
        headers=lead,
        json={"id": "a3", "name": "Catherine", "role": "amhp", "shift_types": ["HUB"]},
    )
    assert renamed.status_code == 200
    wrong_key = client.put(
        "/services/mini/practitioners/a3",
        headers=lead,
        json={"id": "a9", "name": "X", "role": "amhp", "shift_types": ["HUB"]},
    )
    assert wrong_key.status_code == 422


def test_whatif_over_http(world):
    import time

    client, headers, _, _ = world
    manager = headers["manager"]
    bad = client.post(
        "/services/mini/whatifs",
        headers=manager,
        json={"name": "typo", "spec": WHATIF.replace("person: a3", "person: zz")},
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["path"] == "scenarios[0].changes[0].person"
    started = client.post(
        "/services/mini/whatifs", headers=manager, json={"name": "one", "spec": WHATIF}
    )
    assert started.status_code == 202 and started.json()["state"] == "queued"
    run = started.json()["id"]
    assert client.get(f"/whatifs/{run}", headers=headers["other_lead"]).status_code == 404
    assert client.get(f"/whatifs/{run}", headers=headers["practitioner"]).status_code == 403
    deadline = time.monotonic() + 120
    while (body := client.get(f"/whatifs/{run}", headers=manager).json())["state"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, body
        time.sleep(0.3)
    assert body["state"] == "succeeded", body
    assert body["progress"]["done"] == body["progress"]["total"] == 2
    result = body["result"]
    assert result["format"] == "amhp-whatif/1"
    assert [s["name"] for s in result["scenarios"]] == ["base", "a3 leaves"]
    assert client.delete(f"/whatifs/{run}", headers=manager).status_code == 409
