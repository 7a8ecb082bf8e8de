"""The web service as users meet it: `amhp serve` on loopback, real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    db = f"sqlite:///{tmp_path / 'srv.db'}"
    env = {**os.environ, "AMHP_DATABASE_URL": db}
    cli = [sys.executable, "-m", "amhp.cli"]
    mini = ROOT / "tests" / "data" / "mini.yaml"
    subprocess.run(
        [*cli, "solve", str(mini), "--month", "2026-11", "--time-limit", "10", "--quiet"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    port = free_port()
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
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
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_serves_health_home_and_latest_rota(server):
    assert get(server + "/health") == (200, b'{"status":"ok"}')
    status, body = get(server + "/")
    assert status == 200 and b"Mini AMHP Service" in body
    status, body = get(server + "/services/mini/rotas/latest?month=2026-11")
    assert status == 200
    doc = json.loads(body)
    assert doc["state"] == "draft" and doc["rota"]["format"] == "amhp-rota/1"
    assert get(server + "/services/nowhere/rotas/latest")[0] == 404
