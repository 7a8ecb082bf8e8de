"""Concurrent clients against a real server on loopback, measured with Debian's
``wrk``: the rotas list (JSON, a lead's bearer token) and the rota grid page (HTML,
the lead's login cookie), at 60, 100 and 200 connections. One ``amhp serve``
process pinned to core 0 and wrk to core 1 where there are two, a fresh database
(the mini sample service, one solved month); a request counts as an error when it
gets no answer within 30 s. Figures, not pass/fail.

    python -m benchmarks.load [--connections 60,100,200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import tempfile

import httpx

from benchmarks.wrk import ROOT, amhp, require_wrk, row, serving, table_head, wrk

SERVICE = ROOT / "tests" / "support" / "data" / "mini.yaml"
PASSWORD = "a long enough password"
TIMEOUT = 30  # seconds a client waits, as a browser would (wrk's default is 2)
LOGIN = {"email": "lead@example.org", "password": PASSWORD}


def credentials(base: str) -> tuple[dict, dict, int]:
    """The lead's bearer header, login cookie header, and the month's rota id."""
    token = httpx.post(base + "/auth/login", json=LOGIN).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    page = httpx.post(base + "/login", data=LOGIN)
    ((name, value),) = page.cookies.items()  # the login cookie, whatever its name
    cookie = {"Cookie": f"{name}={value}"}
    rota = httpx.get(base + "/services/mini/rotas", headers=bearer).json()[0]["id"]
    return bearer, cookie, rota


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="60,100,200")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    require_wrk()
    two = (os.cpu_count() or 1) >= 2
    server_cpu, wrk_cpu = (0, 1) if two else (None, None)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp}/load.db"}
        amhp(env, "solve", str(SERVICE), "--month", "2026-11", "--time-limit", "3", "--quiet")
        amhp(env, "user", "add", "lead@example.org", "--role", "lead", "--service", "mini",
             "--password", PASSWORD)  # fmt: skip
        with serving(env, server_cpu) as base:
            bearer, cookie, rota = credentials(base)
            where = "server on core 0, wrk on core 1" if two else "one core shared"
            print(f"# {os.cpu_count()} cores, one server process, {where}")
            print(table_head("what"))
            for what, path, headers in (
                ("rotas list (JSON)", "/services/mini/rotas", bearer),
                ("rota grid page", f"/app/rotas/{rota}", cookie),
            ):
                for c in (int(x) for x in args.connections.split(",")):
                    m = wrk(base + path, c, args.seconds, headers, cpu=wrk_cpu, timeout=TIMEOUT)
                    print(row(what, c, m), flush=True)


if __name__ == "__main__":
    main()
