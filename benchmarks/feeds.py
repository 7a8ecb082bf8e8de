"""Calendar feeds under load, measured with ``wrk`` (Debian's package) on loopback:
a person feed and the service feed, full answers (200) and revalidations (304,
``If-None-Match`` with the current ETag), at 100 and 1,000 connections. The server
is one ``amhp serve`` process (one event loop) pinned to core 0 and wrk to core 1
where there are two, with a fresh database: the Warwickshire fixture, a month
generated and published. Figures, not pass/fail.

    python -m benchmarks.feeds [--connections 100,1000] [--seconds 10] [--no-access-log]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import urllib.request
from pathlib import Path

from benchmarks.wrk import ROOT, amhp, require_wrk, row, serving, table_head, wrk

FIXTURE = ROOT / "fixtures" / "warwickshire.yaml"
MONTH = "2026-12"


def feed_links(env: dict) -> dict[str, str]:
    """Token links of one person's feed and of the service feed, from the CLI."""
    by_kind: dict[str, str] = {}
    for line in amhp(env, "feeds", "warwickshire").splitlines():
        kind, _subject, path = line.split("\t")[:3]
        by_kind.setdefault(kind, path)
    return by_kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="100,1000")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args()
    require_wrk()
    two = (os.cpu_count() or 1) >= 2
    server_cpu, wrk_cpu = (0, 1) if two else (None, None)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{Path(tmp) / 'feeds.db'}"}
        env["AMHP_ACCESS_LOG"] = str(not args.no_access_log).lower()
        amhp(env, "solve", str(FIXTURE), "--month", MONTH, "--time-limit", "20", "--quiet")
        amhp(env, "publish", "warwickshire", "--month", MONTH)
        links = feed_links(env)
        with serving(env, server_cpu) as base:
            where = "server on core 0, wrk on core 1" if two else "one core shared"
            log = "off" if args.no_access_log else "on"
            print(f"# {os.cpu_count()} cores, one server process, {where}, access log {log}")
            print(table_head("feed", "answer"))
            for kind in ("person", "service"):
                url = base + links[kind]
                with urllib.request.urlopen(url) as r:
                    etag = r.headers["ETag"]
                for answer, headers in (("200", {}), ("304", {"If-None-Match": etag})):
                    for c in (int(x) for x in args.connections.split(",")):
                        m = wrk(url, c, args.seconds, headers, cpu=wrk_cpu)
                        print(row(f"{kind} | {answer}", c, m), flush=True)


if __name__ == "__main__":
    main()
