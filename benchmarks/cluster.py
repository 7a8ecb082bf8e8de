"""The deployment a regional service would run, on loopback: one PostgreSQL, two
web processes and queue workers (``amhp worker``), all real processes.

The scenario: generation jobs for two services and a sweep submitted; a job
cancelled through the *other* web process; a worker SIGKILLed mid-solve. Every job
must end succeeded, cancelled or failed with a reason, none stuck, every rota
passing the independent export checker. Then the sweep's wall time with 1 and 2
workers. Figures go to RESULTS.md; tests/e2e/test_cluster.py runs the scenario
small and asserts it.

    python -m benchmarks.cluster [--sweep-months 2] [--sweep-limit 6]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from benchmarks.wrk import ROOT, amhp, serving

PASSWORD = "a long enough password"
STALE_SECONDS = 10  # AMHP_RUN_STALE_SECONDS for the scenario
GUARD_SECONDS = 900  # a job not ended by then counts as stuck (not a speed limit)
FINISHED = ("succeeded", "failed", "cancelled")
WHATIF = (  # a manager's question of Coventry, one month: one more on the hub
    "horizon: {start: '2026-11', months: 1}\ntime_limit_per_month: 3\n"
    "scenarios:\n  - name: hub minimum plus one\n    changes:\n"
    "      - {kind: cover, shift: HUB, days: weekday, min: 3, target: 3}\n"
)


@dataclass
class Deployment:
    """The processes of one deployment and what they share."""

    env: dict
    folder: Path
    webs: list[str] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def start_worker(self, concurrency: int = 1) -> subprocess.Popen:
        log = open(self.folder / f"worker-{len(self.workers) + 1}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "amhp.cli", "worker", "--concurrency", str(concurrency)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.workers.append(proc)
        return proc

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in self.workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.workers.clear()


@contextmanager
def deployment(database_url: str, webs: int = 2):
    """PostgreSQL's schema migrated, the Warwickshire and Coventry fixtures imported,
    an admin, and ``webs`` web processes; workers are started by the caller."""
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        env = {
            **os.environ,
            "AMHP_DATABASE_URL": database_url,
            "AMHP_SECRET_KEY": "a key for the feed links of this deployment",
            "AMHP_RUN_STALE_SECONDS": str(STALE_SECONDS),
            "AMHP_MAX_JOBS_PER_SERVICE": "6",
            "AMHP_ACCESS_LOG": "false",
        }
        env.pop("AMHP_SOLVE_IN_PROCESS", None)
        amhp(env, "db", "upgrade")
        for name in ("warwickshire", "coventry"):
            amhp(env, "import", str(ROOT / "fixtures" / f"{name}.yaml"))
        amhp(env, "user", "add", "admin@example.org", "--role", "admin", "--password", PASSWORD)
        deploy = Deployment(env, Path(tmp))
        deploy.webs = [stack.enter_context(serving(env)) for _ in range(webs)]
        try:
            yield deploy
        finally:
            deploy.stop_workers()


def login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = client.post("/auth/login", json={"email": "admin@example.org", "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


def submit(client: httpx.Client, service: str, month: str, limit: float) -> int:
    r = client.post(f"/services/{service}/jobs", json={"month": month, "time_limit": limit})
    r.raise_for_status()
    return r.json()["id"]


def wait_for(client: httpx.Client, job_id: int, ready, what: str = "jobs") -> dict:
    guard = time.monotonic() + GUARD_SECONDS
    while not ready(job := client.get(f"/{what}/{job_id}").json()):
        if time.monotonic() > guard:
            raise RuntimeError(f"job {job_id} stuck: {job}")
        time.sleep(0.3)
    return job


def running_with_progress(job: dict) -> bool:
    return job["state"] == "running" and bool(job["progress"])


def ended(job: dict) -> bool:
    return job["state"] in FINISHED


def sweep_file(folder: Path, months: int, limit: float, axes: int = 2) -> Path:
    """The Warwickshire sweep (fixtures/scenarios), its horizon cut to ``months``
    and its grid to the first ``axes`` options of each axis."""
    spec = yaml.safe_load((ROOT / "fixtures/scenarios/warwickshire-sweep.yaml").read_text())
    spec["base"] = str(ROOT / "fixtures" / "warwickshire.yaml")
    spec["horizon"]["months"] = months
    spec["time_limit_per_month"] = limit
    for axis in spec["axes"]:
        axis["options"] = axis["options"][:axes]
    path = folder / f"sweep-{months}x{limit:g}-{axes}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def start_sweep(deploy: Deployment, grid: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "amhp.cli", "sweep", str(grid), "--out", str(out)],
        env=deploy.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


@dataclass
class Outcome:
    jobs: dict[str, dict]  # what each job was for -> the job as it ended
    whatif: dict  # the what-if run as it ended
    rotas: list[dict]  # the export of every rota a job stored
    sweep: dict | None
    sweep_error: str
    killed_worker: str
    kill_to_restart_seconds: float


def scenario(deploy: Deployment, long_limit: float = 20, cancel_limit: float = 300) -> Outcome:
    """Two workers; see the module's docstring. ``long_limit``: the job whose worker
    is killed (it must outlast the kill); ``cancel_limit``: the job cancelled."""
    first, second = deploy.workers[:2]
    a, b = login(deploy.webs[0]), login(deploy.webs[1])
    doomed = submit(a, "warwickshire", "2026-11", long_limit)
    cancelled = submit(a, "coventry", "2026-11", cancel_limit)
    on = {j: wait_for(a, j, running_with_progress) for j in (doomed, cancelled)}
    assert b.delete(f"/jobs/{cancelled}").status_code == 202  # through the other web
    wait_for(a, cancelled, ended)
    short = {
        "warwickshire 2026-12": submit(b, "warwickshire", "2026-12", 5),
        "coventry 2026-12": submit(b, "coventry", "2026-12", 5),
    }
    sweep_out = deploy.folder / "sweep.json"
    sweep = start_sweep(deploy, sweep_file(deploy.folder, 1, 3, axes=1), sweep_out)
    whatif = b.post("/services/coventry/whatifs", json={"name": "hub+1", "spec": WHATIF})
    whatif.raise_for_status()
    victim = on[doomed]["worker"]
    pid = int(victim.rsplit(":", 1)[1])
    killed = next(p for p in (first, second) if p.pid == pid)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    at = time.monotonic()
    restarted = wait_for(a, doomed, lambda j: j["attempts"] >= 2 or ended(j))
    restart_seconds = time.monotonic() - at
    jobs = {
        "killed mid-solve": wait_for(a, doomed, ended),
        "cancelled through the other web": wait_for(b, cancelled, ended),
        **{what: wait_for(a, j, ended) for what, j in short.items()},
    }
    whatif_run = wait_for(a, whatif.json()["id"], ended, "whatifs")
    _, err = sweep.communicate(timeout=GUARD_SECONDS)
    doc = json.loads(sweep_out.read_text()) if sweep.returncode == 0 else None
    rotas = [a.get(f"/rotas/{j['rota_id']}").json() for j in jobs.values() if j["rota_id"]]
    a.close()
    b.close()
    assert restarted is not None
    return Outcome(jobs, whatif_run, rotas, doc, err.decode()[-2000:], victim, restart_seconds)


def sweep_seconds(deploy: Deployment, workers: int, months: int, limit: float) -> float:
    """The sweep's wall time on ``workers`` queue workers (0: no queue, the
    single-machine sweep's own processes)."""
    deploy.stop_workers()
    for _ in range(workers):
        deploy.start_worker()
    grid = sweep_file(deploy.folder, months, limit)
    started = time.monotonic()
    env = deploy.env if workers else {**deploy.env, "AMHP_SOLVE_IN_PROCESS": "true"}
    proc = start_sweep(Deployment(env, deploy.folder), grid, deploy.folder / f"s{workers}.json")
    _, err = proc.communicate(timeout=3 * GUARD_SECONDS)
    if proc.returncode != 0:
        raise RuntimeError(err.decode()[-2000:])
    return time.monotonic() - started


def main() -> None:
    from tests.support.postgres import Cluster  # the same throwaway server as the tests
    from tests.support.spec_checker import check_rota

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep-months", type=int, default=2)
    parser.add_argument("--sweep-limit", type=float, default=6)
    args = parser.parse_args()
    cluster = Cluster()
    try:
        with deployment(cluster.database()) as deploy:
            deploy.start_worker()
            deploy.start_worker()
            outcome = scenario(deploy)
            print("| job | state | attempts | error |\n| --- | --- | ---: | --- |")
            for what, job in outcome.jobs.items():
                print(f"| {what} | {job['state']} | {job['attempts']} | {job['error'] or ''} |")
            problems = [p for doc in outcome.rotas for p in check_rota(doc)]
            print(f"\nrotas stored: {len(outcome.rotas)}, export-check problems: {len(problems)}")
            print(f"sweep: {'done' if outcome.sweep else outcome.sweep_error}")
            print(f"what-if: {outcome.whatif['state']} {outcome.whatif['error'] or ''}")
            restart = outcome.kill_to_restart_seconds
            print(f"killed {outcome.killed_worker}; its job restarted elsewhere {restart:.0f} s"
                  f" later (lost after {STALE_SECONDS} s without a heartbeat)")  # fmt: skip
            cells = 4
            print(f"\n| workers | sweep wall time ({cells} cells × {args.sweep_months} months, "
                  f"{args.sweep_limit:g} s per month) |\n| ---: | ---: |")  # fmt: skip
            for workers in (1, 2, 0):
                seconds = sweep_seconds(deploy, workers, args.sweep_months, args.sweep_limit)
                what = str(workers) if workers else "none: `amhp sweep`'s own processes"
                print(f"| {what} | {seconds:.0f} s |")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
