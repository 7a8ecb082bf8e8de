"""Staff acting on the rota, over real HTTP on loopback with a real SMTP server
(aiosmtpd): swaps proposed, accepted and approved into a published version that
differs by exactly those duties; refusals naming the rule; a stale swap refused on
approval; a leave request approved with a repair offered; every step audited; the
affected people, and only they, emailed once each; a refused mail connection
retried and recorded."""

from __future__ import annotations

import time
from datetime import date, timedelta
from itertools import permutations

import httpx
import pytest

from tests.support.cli import run_cli, solve_args
from tests.support.databases import server_env
from tests.support.samples import MINIMAL_SERVICE
from tests.support.server import HANG_GUARD_S, free_port, running_server
from tests.support.smtp import smtp_server

PASSWORD = "a long enough password"
FIRST = (date.today().replace(day=1) + timedelta(days=32)).replace(day=1)
MONTH = FIRST.strftime("%Y-%m")  # next month: duties in it are all in the future
DAN = "  - {id: a4, name: Dan, role: amhp, shift_types: [HUB, ON]}\n"
SERVICE = MINIMAL_SERVICE.replace(
    DAN,
    "  - {id: a4, name: Dan, role: amhp, shift_types: [HUB, ON], email: dan@example.org}\n"
    "  - {id: a5, name: Eve, role: amhp, shift_types: [HUB]}\n",
)
LOGINS = {"a1": "ann@example.org", "a2": "bob@example.org", "a3": "cat@example.org"}
ADDRESS = {**LOGINS, "a4": "dan@example.org"}  # a5 has no address at all
GUARD_S = HANG_GUARD_S  # against a hang only, never a speed requirement


class Site:
    def __init__(self, client: httpx.Client, smtp_port: int) -> None:
        self.client, self.smtp_port = client, smtp_port
        self.inbox = None
        self._controller = None
        self.tokens: dict[str, dict] = {}

    def auth(self, email: str) -> dict:
        if email not in self.tokens:
            r = self.client.post("/auth/login", json={"email": email, "password": PASSWORD})
            self.tokens[email] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self.tokens[email]

    def start_mail(self):
        if self._controller is None:
            self._controller, self.inbox = smtp_server(self.smtp_port)
        return self.inbox

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, database):
    tmp = tmp_path_factory.mktemp("swaps")
    (tmp / "mini.yaml").write_text(SERVICE, encoding="utf-8")
    smtp_port = free_port()
    env = {
        **server_env(database),
        "AMHP_SMTP_HOST": "127.0.0.1",
        "AMHP_SMTP_PORT": str(smtp_port),
        "AMHP_MAIL_FROM": "rota@example.org",
        "AMHP_MAIL_POLL_SECONDS": "0.2",
        "AMHP_MAIL_RETRY_SECONDS": "0.3",
        "AMHP_MAIL_MAX_ATTEMPTS": "50",
    }
    run_cli("import", str(tmp / "mini.yaml"), env=env, check=True)
    run_cli(*solve_args("mini", MONTH, time_limit=10), env=env, check=True)
    run_cli("user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
            "--password", PASSWORD, env=env, check=True)  # fmt: skip
    for person, email in LOGINS.items():
        run_cli("user", "add", email, "--role", "practitioner", "--service", "mini",
                "--person", person, "--password", PASSWORD, env=env, check=True)  # fmt: skip
    run_cli("publish", "mini", "--month", MONTH, env=env, check=True)  # emails queued
    with running_server(env) as base, httpx.Client(base_url=base, timeout=60) as client:
        s = Site(client, smtp_port)
        yield s
        s.stop()


def lead(site: Site) -> dict:
    return site.auth("lead@example.org")


def published(site: Site) -> dict:
    versions = site.client.get(f"/services/mini/rotas?month={MONTH}", headers=lead(site)).json()
    rota_id = next(v["id"] for v in versions if v["state"] == "published")
    export = site.client.get(f"/rotas/{rota_id}", headers=lead(site)).json()
    return {**export, "version": rota_id}


def duties(export: dict) -> set[tuple[str, str, str]]:
    return {(p, s["date"], s["shift"]) for s in export["slots"] for p in s["assigned"]}


def days_of(export: dict, person: str) -> set[str]:
    return {d for p, d, _ in duties(export) if p == person}


def audit_actions(site: Site) -> list[dict]:
    return site.client.get("/services/mini/audit", headers=lead(site)).json()


def outbox_drained(site: Site) -> dict:
    """Wait until no email is queued; the outbox as it then is."""
    end = time.monotonic() + GUARD_S
    while True:
        mail = site.client.get("/services/mini/mail", headers=lead(site)).json()
        if not any(m["state"] == "queued" for m in mail["mails"]):
            return mail
        assert time.monotonic() < end, mail
        time.sleep(0.2)


def test_a_refused_mail_connection_is_retried_and_recorded_then_everyone_told_once(site):
    # No SMTP server listens yet: the publication's emails fail and are recorded.
    end = time.monotonic() + GUARD_S
    while not any(e["action"] == "mail.failed" for e in audit_actions(site)):
        assert time.monotonic() < end, "no failed attempt was recorded"
        time.sleep(0.2)
    failed = next(e for e in audit_actions(site) if e["action"] == "mail.failed")
    assert "Connection" in failed["detail"]["error"] and failed["detail"]["retry_at"]
    inbox = site.start_mail()
    mail = outbox_drained(site)
    assert {m["state"] for m in mail["mails"]} == {"sent"}
    told = [m for m in inbox.since(0) if "your duties changed" in m["Subject"]]
    with_duties = {p for p, _, _ in duties(published(site))}
    assert sorted(m["To"] for m in told) == sorted(ADDRESS[p] for p in with_duties - {"a5"})
    assert mail["last_publication"]["no_address"] == (["a5"] if "a5" in with_duties else [])
    sent = [e for e in audit_actions(site) if e["action"] == "mail.sent"]
    assert failed["detail"]["mail_id"] in {e["detail"]["mail_id"] for e in sent}
    body = told[0].get_payload(decode=True).decode()
    assert "Added:" in body and "/app/me" in body


def _try_swaps(site: Site, export: dict, give_away: bool = False, skip=(), among=None):
    """Propose the first swap between two logged-in people (one of them in
    ``among``, when given) that the rules allow; every refusal on the way names a
    rule and a person."""
    held = duties(export)
    refused = []
    for p, q in permutations(LOGINS, 2):
        if among is not None and not {p, q} & set(among):
            continue
        mine = sorted((d, s) for who, d, s in held if who == p and d not in days_of(export, q))
        theirs = sorted((d, s) for who, d, s in held if who == q and d not in days_of(export, p))
        for give in mine:
            for take in [None] if give_away else theirs:
                body = {"colleague": q, "give": {"date": give[0], "shift": give[1]}}
                if take:
                    body["take"] = {"date": take[0], "shift": take[1]}
                if (p, q, give) in skip:
                    continue
                r = site.client.post(
                    "/services/mini/swaps", json=body, headers=site.auth(LOGINS[p])
                )
                if r.status_code == 201:
                    return r.json()
                assert r.status_code == 422, r.text
                assert r.json()["detail"][0]["rule"] and r.json()["detail"][0]["person"]
                refused.append(r.json()["detail"][0]["msg"])
    raise AssertionError(f"no swap the rules allow between the logged-in people: {refused}")


def test_a_swap_proposed_accepted_and_approved_moves_exactly_those_duties(site):
    inbox = site.start_mail()
    outbox_drained(site)
    before = published(site)
    swap = _try_swaps(site, before)
    p, q = swap["proposer"], swap["colleague"]
    others = [e for e in LOGINS if e not in (p, q)]
    assert all(
        s["id"] != swap["id"]
        for s in site.client.get(
            "/services/mini/swaps", headers=site.auth(LOGINS[others[0]])
        ).json()
    ), "a practitioner sees only the swaps they are in"
    # Only the colleague answers, only the lead approves.
    url = f"/services/mini/swaps/{swap['id']}"
    assert site.client.post(url + "/accept", headers=site.auth(LOGINS[p])).status_code == 403
    accepted = site.client.post(url + "/accept", headers=site.auth(LOGINS[q]))
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert isinstance(accepted.json()["cost"]["total"], int)
    assert site.client.post(url + "/approve", headers=site.auth(LOGINS[q])).status_code == 403
    outbox_drained(site)
    seen = len(inbox.since(0))
    approved = site.client.post(url + "/approve", headers=lead(site))
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    after = published(site)
    assert after["version"] == approved.json()["result_rota_id"] != before["version"]
    give, take = (
        (swap["give"]["date"], swap["give"]["shift"]),
        (
            swap["take"]["date"],
            swap["take"]["shift"],
        ),
    )
    assert duties(before) - duties(after) == {(p, *give), (q, *take)}
    assert duties(after) - duties(before) == {(q, *give), (p, *take)}
    outbox_drained(site)
    new = [m for m in inbox.since(seen) if "your duties changed" in m["Subject"]]
    assert sorted(m["To"] for m in new) == sorted([ADDRESS[p], ADDRESS[q]])
    for m in new:
        text = m.get_payload(decode=True).decode()
        assert "Added:" in text and "Removed:" in text and "approved the swap" in text
    actions = [e["action"] for e in audit_actions(site)]
    for step in ("swap.proposed", "swap.accepted", "swap.approved", "rota.swapped"):
        assert step in actions, step


def test_a_swap_that_breaks_a_rule_is_refused_naming_it(site):
    export = published(site)
    held = duties(export)
    # Someone's hub day to a colleague on call that evening: one duty a day.
    for p, d, s in sorted(held):
        on_call = [q for q, d2, s2 in held if d2 == d and s2 == "ON" and q != p and q in LOGINS]
        if s == "HUB" and p in LOGINS and on_call and (on_call[0], d, "HUB") not in held:
            body = {"colleague": on_call[0], "give": {"date": d, "shift": "HUB"}}
            r = site.client.post("/services/mini/swaps", json=body, headers=site.auth(LOGINS[p]))
            assert r.status_code == 422, r.text
            problem = r.json()["detail"][0]
            assert (problem["rule"], problem["person"]) == ("one_duty_per_day", on_call[0])
            assert problem["rule"] in problem["msg"]
            return
    raise AssertionError("the published rota has no hub day beside a colleague's on-call")


def test_a_swap_that_no_longer_fits_is_refused_on_approval_and_never_applied(site):
    export = published(site)
    first = _try_swaps(site, export, give_away=True)
    p, give = first["proposer"], (first["give"]["date"], first["give"]["shift"])
    # The same duty offered again: to someone else if anyone else could take it,
    # else to the same colleague (a second offer made before the first was decided).
    second = None
    for q in sorted(LOGINS, key=lambda q: q == first["colleague"]):
        if q == p or (q != first["colleague"] and give[0] in days_of(export, q)):
            continue
        body = {"colleague": q, "give": {"date": give[0], "shift": give[1]}}
        r = site.client.post("/services/mini/swaps", json=body, headers=site.auth(LOGINS[p]))
        if r.status_code == 201:
            second = r.json()
            break
    assert second is not None, "the duty could not be offered a second time"
    for s in (first, second):
        ok = site.client.post(
            f"/services/mini/swaps/{s['id']}/accept", headers=site.auth(LOGINS[s["colleague"]])
        )
        assert ok.status_code == 200, ok.text
    url = "/services/mini/swaps/{}/approve"
    assert site.client.post(url.format(first["id"]), headers=lead(site)).status_code == 200
    now = published(site)
    stale = site.client.post(url.format(second["id"]), headers=lead(site))
    assert stale.status_code == 409, stale.text
    assert "no longer fits" in stale.json()["detail"]
    assert stale.json()["swap"]["state"] == "refused"
    assert published(site)["version"] == now["version"]  # nothing applied
    got = site.client.get(f"/services/mini/swaps/{second['id']}", headers=lead(site)).json()
    assert got["state"] == "refused"
    assert "swap.refused" in [e["action"] for e in audit_actions(site)]


def test_an_amhp_who_switches_emails_off_is_not_emailed(site):
    inbox = site.start_mail()
    bob = site.auth(LOGINS["a2"])
    r = site.client.put("/services/mini/mail/preference", json={"emails": False}, headers=bob)
    assert r.status_code == 200
    assert site.client.get("/services/mini/mail/preference", headers=bob).json() == {
        "emails": False
    }
    lead_pref = site.client.put(
        "/services/mini/mail/preference", json={"emails": False}, headers=lead(site)
    )
    assert lead_pref.status_code == 403
    swap = _try_swaps(site, published(site), give_away=True, among=["a2"])
    other = swap["colleague"] if swap["proposer"] == "a2" else swap["proposer"]
    url = f"/services/mini/swaps/{swap['id']}"
    assert site.client.post(
        url + "/accept", headers=site.auth(LOGINS[swap["colleague"]])
    ).is_success
    outbox_drained(site)
    seen = len(inbox.since(0))
    assert site.client.post(url + "/approve", headers=lead(site)).is_success
    mail = outbox_drained(site)
    assert mail["last_publication"]["emails_off"] == ["a2"]
    new = [m for m in inbox.since(seen) if "your duties changed" in m["Subject"]]
    assert [m["To"] for m in new] == [ADDRESS[other]]


def test_leave_requested_and_approved_on_a_published_month_offers_a_repair(site):
    inbox = site.start_mail()
    export = published(site)
    day = min(days_of(export, "a3"))
    cat = site.auth(LOGINS["a3"])
    bad = site.client.post(
        "/services/mini/leave-requests",
        json={"kind": "sickness", "start": day, "end": day},
        headers=cat,
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "kind"
    backwards = {
        "kind": "annual",
        "start": day,
        "end": (date.fromisoformat(day) - timedelta(1)).isoformat(),
    }
    r = site.client.post("/services/mini/leave-requests", json=backwards, headers=cat)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "end"
    asked = site.client.post(
        "/services/mini/leave-requests",
        json={"kind": "annual", "start": day, "end": day, "note": "family"},
        headers=cat,
    )
    assert asked.status_code == 201, asked.text
    rid = asked.json()["id"]
    # Cat sees her request; Bob, a colleague, does not.
    bob = site.auth(LOGINS["a2"])
    assert rid in [
        r["id"] for r in site.client.get("/services/mini/leave-requests", headers=cat).json()
    ]
    assert rid not in [
        r["id"] for r in site.client.get("/services/mini/leave-requests", headers=bob).json()
    ]
    assert (
        site.client.get(f"/services/mini/leave-requests/{rid}/impact", headers=bob).status_code
        == 403
    )
    url = f"/services/mini/leave-requests/{rid}"
    assert site.client.get(url + "/impact", headers=cat).status_code == 403
    impact = site.client.get(url + "/impact", headers=lead(site)).json()
    assert [d["date"] for d in impact["duties"]] == [day] * len(impact["duties"]) != []
    assert impact["months"] == [MONTH]
    seen = len(inbox.since(0))
    decided = site.client.post(url + "/approve", json={"note": "enjoy"}, headers=lead(site))
    assert decided.status_code == 200, decided.text
    assert decided.json()["request"]["state"] == "approved"
    assert [o["month"] for o in decided.json()["repair_offers"]] == [MONTH]
    leave = site.client.get("/services/mini/leave", headers=lead(site)).json()
    assert any(
        (i["person"], i["kind"], i["start"], i["end"]) == ("a3", "annual", day, day) for i in leave
    )
    again = site.client.post(url + "/decline", headers=lead(site))
    assert again.status_code == 409
    outbox_drained(site)
    mails = [m for m in inbox.since(seen) if "leave approved" in m["Subject"]]
    assert [m["To"] for m in mails] == [ADDRESS["a3"]] and "enjoy" in mails[0].get_payload(
        decode=True
    ).decode()
    actions = [e["action"] for e in audit_actions(site)]
    assert "leave.requested" in actions and "leave.approved" in actions
    # Until the month is repaired, its published rota has a3 on duty on leave:
    # every swap on it is refused, and the refusal says why.
    rules = set()
    for p, q in (("a1", "a2"), ("a2", "a1")):
        for d in sorted(days_of(export, p) - days_of(export, q)):
            shift = next(s for who, d2, s in duties(export) if who == p and d2 == d)
            body = {"colleague": q, "give": {"date": d, "shift": shift}}
            r = site.client.post("/services/mini/swaps", json=body, headers=site.auth(LOGINS[p]))
            assert r.status_code == 422, r.text
            rules.add(r.json()["detail"][0]["rule"])
    assert "rota_as_it_stands" in rules
