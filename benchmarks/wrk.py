"""What the load benchmarks share: the CLI, one `amhp serve` process on a free
loopback port (optionally pinned to one core), and Debian's ``wrk`` run against a
URL with its figures read back. Figures, not pass/fail."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def table_head(*what: str) -> str:
    names = " | ".join([*what, "connections", "req/s", "p50", "p99", "socket errors", "non-2xx"])
    rule = " | ".join(["---"] * len(what) + ["---:"] * 4 + ["---", "---:"])
    return f"| {names} |\n| {rule} |"


def amhp(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "amhp.cli", *args],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def _pinned(cpu: int | None) -> list[str]:
    return ["taskset", "-c", str(cpu)] if cpu is not None and shutil.which("taskset") else []


@contextmanager
def serving(env: dict, cpu: int | None = None):
    """The base URL of a server started for the block (``cpu``: the one core it
    may use), stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [*_pinned(cpu), sys.executable, "-m", "amhp.cli", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/bench feeds|load installs Debian's wrk")


def wrk(
    url: str,
    connections: int,
    seconds: int,
    headers: dict[str, str] | None = None,
    threads: int = 1,
    cpu: int | None = None,
    timeout: int = 2,
) -> dict:
    """wrk's figures; a request not answered within ``timeout`` seconds counts as a
    socket error (wrk's default is 2 s)."""
    args = [*_pinned(cpu), "wrk", "-t", str(threads), "-c", str(connections)]
    args += ["-d", f"{seconds}s", "--timeout", f"{timeout}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": re.search(r"50%\s+([\d.]+\w+)", out).group(1),
        "p99": re.search(r"99%\s+([\d.]+\w+)", out).group(1),
        "errors": errors.group(1) if errors else "none",
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def row(what: str, connections: int, m: dict) -> str:
    return (
        f"| {what} | {connections} | {m['rps']:.0f} | {m['p50']} | {m['p99']} | "
        f"{m['errors']} | {m['non2xx']} |"
    )
