"""`amhp serve` as a real uvicorn process on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict) -> tuple[str, subprocess.Popen]:
    """Start `amhp serve` and wait until /health answers; the caller stops it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "amhp.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return base, proc
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)


@contextmanager
def running_server(env: dict) -> Iterator[str]:
    """A server for the duration of the block."""
    base, proc = start_server(env)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# Not a speed limit: only a guard so that a job that never ends fails the test
# instead of hanging the run (solves here take seconds even on saturated cores).
HANG_GUARD_S = 900


def wait_until(client, auth: dict, job_id: int, done) -> dict:
    """Poll a job until ``done(job)``; the job then. Fails only after HANG_GUARD_S."""
    guard = time.monotonic() + HANG_GUARD_S
    while not done(job := client.get(f"/jobs/{job_id}", headers=auth).json()):
        if time.monotonic() > guard:
            raise RuntimeError(f"job {job_id} never got there: {job}")
        time.sleep(0.3)
    return job


def finished_job(client, auth: dict, job_id: int) -> dict:
    """Poll a job until it has ended; the job as it ended."""
    return wait_until(client, auth, job_id, lambda job: job["state"] not in ("queued", "running"))
