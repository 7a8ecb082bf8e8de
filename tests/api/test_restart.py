"""Servers that die or share a database: a job whose server was killed is found
lost by the next server and started again, never "running" forever; a job running
on one server is never touched by another, and a cancel sent to either stops it;
no partial rota is ever visible."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.support.databases import server_env
from tests.support.server import ROOT, finished_job, start_server, wait_until

PASSWORD = "a long enough password"
STALE_S = 6  # AMHP_RUN_STALE_SECONDS here: a lost job is found within seconds


def warwickshire_env(database: str) -> dict:
    """A database holding the Warwickshire fixture and an admin account."""
    env = server_env(database, AMHP_RUN_STALE_SECONDS=str(STALE_S))
    cli = [sys.executable, "-m", "amhp.cli"]
    for args in (
        ["import", "fixtures/warwickshire.yaml"],
        ["user", "add", "admin@example.org", "--role", "admin", "--password", PASSWORD],
    ):
        subprocess.run([*cli, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def admin(client: httpx.Client) -> dict:
    token = client.post(
        "/auth/login", json={"email": "admin@example.org", "password": PASSWORD}
    ).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def start_long_job(client: httpx.Client, auth: dict) -> dict:
    """Start a ten-minute solve and wait until it runs and has reported progress."""
    job = client.post(
        "/services/warwickshire/jobs", json={"month": "2026-11", "time_limit": 600}, headers=auth
    ).json()
    return wait_until(client, auth, job["id"], lambda j: j["state"] == "running" and j["progress"])


def finished_state(client: httpx.Client, auth: dict, job_id: int) -> str:
    return finished_job(client, auth, job_id)["state"]


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_killed_servers_job_is_started_again_and_no_partial_rota_shows(fresh_database):
    env = warwickshire_env(fresh_database)
    base, proc = start_server(env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            auth = admin(client)
            job = start_long_job(client, auth)
            first_worker = job["worker"]
    finally:
        proc.kill()  # SIGKILL: no shutdown hooks run
        proc.wait()
    base, proc = start_server(env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            auth = admin(client)
            again = wait_until(client, auth, job["id"], lambda j: j["attempts"] == 2)
            assert again["state"] == "running" and again["worker"] != first_worker
            assert first_worker in again["error"] and "stopped answering" in again["error"]
            assert client.get("/services/warwickshire/rotas", headers=auth).json() == []
            assert client.delete(f"/jobs/{job['id']}", headers=auth).status_code == 202
            assert finished_state(client, auth, job["id"]) == "cancelled"
            assert client.get("/services/warwickshire/rotas", headers=auth).json() == []
            short = client.post(
                "/services/warwickshire/jobs", json={"month": "2026-11", "time_limit": 5},
                headers=auth,
            ).json()  # fmt: skip
            assert finished_state(client, auth, short["id"]) == "succeeded"
            assert len(client.get("/services/warwickshire/rotas", headers=auth).json()) == 1
    finally:
        stop(proc)


def test_a_second_server_leaves_the_first_ones_job_alone_and_can_cancel_it(fresh_database):
    env = warwickshire_env(fresh_database)
    first, one = start_server(env)
    second = None
    try:
        with httpx.Client(base_url=first, timeout=30) as a:
            auth = admin(a)
            job = start_long_job(a, auth)
            second, two = start_server(env)
            with httpx.Client(base_url=second, timeout=30) as b:
                time.sleep(2 * STALE_S)  # twice as long as a lost job takes to be found
                seen = b.get(f"/jobs/{job['id']}", headers=admin(b)).json()
                assert seen["state"] == "running" and seen["attempts"] == 1, seen
                assert seen["worker"] == job["worker"] and seen["error"] is None
                assert b.delete(f"/jobs/{job['id']}", headers=admin(b)).status_code == 202
            assert finished_state(a, auth, job["id"]) == "cancelled"
            assert a.get("/services/warwickshire/rotas", headers=auth).json() == []
    finally:
        stop(one)
        if second is not None:
            stop(two)


def test_cancelled_job_stores_no_rota(fresh_database):
    env = warwickshire_env(fresh_database)
    base, proc = start_server(env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            auth = admin(client)
            job = start_long_job(client, auth)
            assert {"elapsed", "objective", "bound"} <= set(job["progress"])
            assert client.delete(f"/jobs/{job['id']}", headers=auth).status_code == 202
            assert finished_state(client, auth, job["id"]) == "cancelled"
            assert client.get("/services/warwickshire/rotas", headers=auth).json() == []
            assert client.delete(f"/jobs/{job['id']}", headers=auth).status_code == 409
    finally:
        proc.terminate()
        proc.wait(timeout=10)
