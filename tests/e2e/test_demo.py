"""The demo's first steps: a taken port is refused before any work, and the demo
AMHP login belongs to an AMHP with published duties, not to a lead."""

from __future__ import annotations

import json
import socket
import subprocess

from tests.support.cli import run_cli, solve_args
from tests.support.paths import DATA, ROOT


def test_a_taken_port_is_refused_before_any_work_with_what_to_do(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "AMHP_DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"}
        done = subprocess.run(
            [str(ROOT / "scripts" / "demo"), "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    assert done.returncode == 2
    assert f"port {port} is in use" in done.stderr and f"--port {port + 1}" in done.stderr
    assert not (tmp_path / "d.db").exists()  # nothing was done


def test_the_demo_amhp_login_is_an_amhp_with_published_duties(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    run_cli("import", str(DATA / "mini.yaml"), db=db, check=True)
    rota = tmp_path / "nov.json"
    run_cli(*solve_args("mini", "2026-11", time_limit=5, out=rota), db=db, check=True)
    run_cli("publish", "mini", "--month", "2026-11", db=db, check=True)
    out = run_cli(
        "user", "demo", "mini", "--password-file", str(tmp_path / "pw"), db=db, check=True
    )
    lines = dict(line.strip().split(": ", 1) for line in out.stdout.splitlines() if ": " in line)
    login = lines["practitioner"].split()[0]
    on_duty = {p for s in json.loads(rota.read_text())["slots"] for p in s["assigned"]}
    first = next(p for p in ("a2", "a3", "a4") if p in on_duty)  # a1, listed first, is the lead
    assert login == f"{first}@mini.example"
    assert lines["lead"].startswith("lead@mini.example")
