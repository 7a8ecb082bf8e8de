"""A throwaway PostgreSQL cluster on loopback for the tests and benchmarks: Debian's
``postgresql`` package (scripts/test installs it), ``initdb`` into a temporary
folder, ``pg_ctl start`` on a free port, one fresh database per test, stopped and
removed afterwards. As root the server runs as the ``postgres`` user (it refuses
root)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL is not installed: scripts/test installs Debian's postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One running server; ``database()`` makes a new empty database and returns
    its SQLAlchemy URL."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="amhp-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0
        bindir = _bindir()
        self._pg_ctl = str(bindir / "pg_ctl")
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        self._run(str(bindir / "initdb"), "-D", str(self.data), "-U", "amhp", "-A", "trust",
                  "-E", "UTF8", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c max_connections=300 -c shared_buffers=64MB"
        self._run(self._pg_ctl, "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-o", options, "start")  # fmt: skip

    def _run(self, *command: str) -> None:
        if self._as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql+psycopg://amhp@127.0.0.1:{self.port}/{name}"

    def database(self) -> str:
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(self._pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
