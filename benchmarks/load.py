"""Concurrent clients against a real server on loopback: the rotas list with a
lead's token, N clients × R requests each; prints answers by status and latency.
Figures, not pass/fail. Starts its own server on a free port with a fresh database
(the mini sample service, one solved month); bounded and loopback only.

    python -m benchmarks.load [--clients 100,200] [--requests 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "tests" / "support" / "data" / "mini.yaml"
PASSWORD = "a long enough password"


def amhp(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "amhp.cli", *args], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip


def serve(env: dict) -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "amhp.cli", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return base, proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def run(base: str, auth: dict, clients: int, requests: int) -> str:
    def client(_i):
        out = []
        with httpx.Client(base_url=base, timeout=60, headers=auth) as c:
            for _ in range(requests):
                started = time.monotonic()
                try:
                    code: object = c.get("/services/mini/rotas").status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                out.append((code, time.monotonic() - started))
        return out

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        results = [r for rs in pool.map(client, range(clients)) for r in rs]
    total = time.monotonic() - started
    codes: dict = {}
    for code, _ in results:
        codes[code] = codes.get(code, 0) + 1
    lat = sorted(d for _, d in results)
    p50, p99 = lat[len(lat) // 2], lat[max(0, int(len(lat) * 0.99) - 1)]
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=str))
    return (
        f"| {clients} | {requests} | {answers} | {len(results) / total:.0f} | "
        f"{p50:.3f} | {p99:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", default="100,200")
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp}/load.db"}
        amhp(env, "solve", str(SERVICE), "--month", "2026-11", "--time-limit", "3", "--quiet")
        amhp(env, "user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
             "--password", PASSWORD)  # fmt: skip
        base, proc = serve(env)
        try:
            login = {"email": "lead@example.org", "password": PASSWORD}
            token = httpx.post(base + "/auth/login", json=login).json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            print(f"# cores {os.cpu_count()}, GET /services/mini/rotas, one server process")
            print("| clients | requests each | answers | req/s | p50 s | p99 s |")
            print("| --- | --- | --- | --- | --- | --- |")
            for n in (int(x) for x in args.clients.split(",")):
                print(run(base, auth, n, args.requests), flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
