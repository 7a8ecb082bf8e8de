"""Calendar feeds under load, measured with ``wrk`` (Debian's package) on loopback:
a person feed and the service feed, full answers (200) and revalidations (304,
``If-None-Match`` with the current ETag), at 100 and 1,000 connections. The server
is one ``amhp serve`` process (one event loop) with a fresh database: the
Warwickshire fixture, a month generated and published. Figures, not pass/fail.

    python -m benchmarks.feeds [--connections 100,1000] [--seconds 10] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from benchmarks.load import ROOT, amhp, serve

FIXTURE = ROOT / "fixtures" / "warwickshire.yaml"
MONTH = "2026-12"


def feed_links(env: dict) -> dict[str, str]:
    """Token links of one person's feed and of the service feed, from the CLI."""
    out = subprocess.run(
        [sys.executable, "-m", "amhp.cli", "feeds", "warwickshire"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    by_kind: dict[str, str] = {}
    for line in out.splitlines():
        kind, _subject, path = line.split("\t")[:3]
        by_kind.setdefault(kind, path)
    return by_kind


def wrk(url: str, connections: int, seconds: int, threads: int, etag: str | None) -> dict:
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if etag:
        args += ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "errors": errors.group(1) if errors else "none",
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="100,1000")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/bench feeds installs Debian's wrk")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{Path(tmp) / 'feeds.db'}"}
        amhp(env, "solve", str(FIXTURE), "--month", MONTH, "--time-limit", "20", "--quiet")
        amhp(env, "publish", "warwickshire", "--month", MONTH)
        links = feed_links(env)
        base, proc = serve(env)
        try:
            print(f"# {os.cpu_count()} cores, one server process, wrk -t{args.threads}")
            print("| feed | answer | connections | req/s | p50 | p99 | socket errors | non-2xx |")
            print("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |")
            for kind in ("person", "service"):
                url = base + links[kind]
                with urllib.request.urlopen(url) as r:
                    etag = r.headers["ETag"]
                for answer, tag in (("200", None), ("304", etag)):
                    for c in (int(x) for x in args.connections.split(",")):
                        m = wrk(url, c, args.seconds, args.threads, tag)
                        print(
                            f"| {kind} | {answer} | {c} | {m['rps']:.0f} | {m['p50']} | "
                            f"{m['p99']} | {m['errors']} | {m['non2xx']} |",
                            flush=True,
                        )
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
