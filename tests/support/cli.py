"""The ``amhp`` command run as a user runs it: a separate process, its own
environment, output captured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

COMMAND = [sys.executable, "-m", "amhp.cli"]


def run_cli(
    *args: str,
    env: dict | None = None,
    db: str | None = None,
    cwd: Path = ROOT,
    check: bool = False,
) -> subprocess.CompletedProcess:
    """``env`` replaces the environment (else this one's); ``db`` sets the database
    URL; ``check`` asserts exit 0 with stderr as the message."""
    environ = dict(os.environ if env is None else env)
    if db is not None:
        environ["AMHP_DATABASE_URL"] = db
    done = subprocess.run([*COMMAND, *args], env=environ, cwd=cwd, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def solve_args(source: str | Path, month: str, time_limit: float = 10, out: Path | None = None):
    """The arguments of a quiet ``amhp solve`` (a service id or a file)."""
    args = ["solve", str(source), "--month", month, "--time-limit", str(time_limit), "--quiet"]
    return [*args, "--out", str(out)] if out is not None else args
