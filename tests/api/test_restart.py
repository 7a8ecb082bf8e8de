"""A server killed mid-generation: after a restart the job is not reported as
running, no partial rota is visible, and a new job succeeds."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from tests.support.server import ROOT, finished_job, start_server

PASSWORD = "a long enough password"


def warwickshire_env(tmp_path) -> dict:
    """A database holding the Warwickshire fixture and an admin account."""
    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}"}
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
    deadline = time.monotonic() + 60
    while True:
        current = client.get(f"/jobs/{job['id']}", headers=auth).json()
        if current["state"] == "running" and current["progress"]:
            return current
        assert time.monotonic() < deadline
        time.sleep(0.3)


def finished_state(client: httpx.Client, auth: dict, job_id: int) -> str:
    return finished_job(client, auth, job_id)["state"]


def test_killed_server_leaves_no_running_job_and_no_partial_rota(tmp_path):
    env = warwickshire_env(tmp_path)
    base, proc = start_server(env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            auth = admin(client)
            job = start_long_job(client, auth)
    finally:
        proc.kill()  # SIGKILL: no shutdown hooks run
        proc.wait()
    base, proc = start_server(env)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            auth = admin(client)
            after = client.get(f"/jobs/{job['id']}", headers=auth).json()
            assert after["state"] == "failed" and "restart" in after["error"]
            assert after["rota_id"] is None
            rotas = client.get("/services/warwickshire/rotas?month=2026-11", headers=auth)
            assert rotas.json() == []
            again = client.post(
                "/services/warwickshire/jobs",
                json={"month": "2026-11", "time_limit": 5},
                headers=auth,
            ).json()
            assert finished_state(client, auth, again["id"]) == "succeeded"
            assert len(client.get("/services/warwickshire/rotas", headers=auth).json()) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cancelled_job_stores_no_rota(tmp_path):
    env = warwickshire_env(tmp_path)
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
