"""Rota generation as jobs: queued in the database, run in a bounded thread pool
(CP-SAT releases the GIL while it searches), progress written back while running,
cancellable. A job's state lives in the database, so after a restart nothing is
left "running": interrupted jobs are marked failed and queued ones are run again.
"""

from __future__ import annotations

import threading
import time

import solver
from amhp.core.settings import settings
from amhp.runs import operations
from amhp.runs.state import StoppablePool, recover_rows, update_row
from amhp.store.db import transaction
from amhp.store.tables import Job, utcnow

PROGRESS_EVERY_S = 1.0


def max_concurrent_solves() -> int:
    return settings().max_solves


class JobRunner:
    def __init__(self, workers: int | None = None) -> None:
        self._pool = StoppablePool(workers or max_concurrent_solves())

    def recover(self) -> None:
        """At start-up: a job that was running when the server stopped is failed
        (its partial rota was never stored); queued jobs are run."""
        for job_id in recover_rows(Job, "interrupted by a server restart; generate again"):
            self.start(job_id)

    def submit(self, service_id: str, month: str, time_limit: float) -> Job:
        with transaction() as session:
            job = Job(service_id=service_id, month=month, time_limit=time_limit)
            session.add(job)
            session.flush()
        self.start(job.id)
        return job

    def start(self, job_id: int) -> None:
        self._pool.start(job_id, self._run_job)

    def cancel(self, job_id: int) -> bool:
        """Ask a queued or running job to stop; False when it has already ended."""
        with transaction() as session:
            job = session.get(Job, job_id)
            if job is None or job.state not in ("queued", "running"):
                return False
            if job.state == "queued":
                job.state, job.finished_at = "cancelled", utcnow()
                session.add(job)
        self._pool.stop(job_id)
        return True

    def shutdown(self) -> None:
        self._pool.shutdown()

    def _run_job(self, job_id: int, stop: threading.Event) -> None:
        with transaction() as session:
            job = session.get(Job, job_id)
            if job is None or job.state != "queued":
                return  # cancelled while it waited
            job.state, job.started_at = "running", utcnow()
            session.add(job)
            service_id, month, limit = job.service_id, job.month, job.time_limit
        last = [0.0]

        def report(p: solver.Progress) -> None:
            if time.monotonic() - last[0] < PROGRESS_EVERY_S:
                return
            last[0] = time.monotonic()
            self._update(job_id, progress=_progress(p))

        try:
            definition = operations.load_service(service_id)
            params = solver.SolveParams(time_limit=limit)
            if stop.is_set():
                raise _Cancelled
            result = operations.generate_rota(definition, month, params, report, stop=stop)
            if stop.is_set():
                raise _Cancelled
            sol = result.solution
            final = {
                "elapsed": round(sol.wall_time, 2),
                "objective": sol.objective,
                "bound": sol.bound,
                "status": sol.status,
            }
            if result.version_id is None:
                self._update(
                    job_id,
                    state="failed",
                    progress=final,
                    error="no rota found within the time limit",
                )
            else:
                self._update(job_id, state="succeeded", progress=final, rota_id=result.version_id)
        except _Cancelled:
            self._update(job_id, state="cancelled")
        except Exception as exc:  # reported on the job, never lost
            self._update(job_id, state="failed", error=f"{type(exc).__name__}: {exc}")

    def _update(self, job_id: int, **fields) -> None:
        update_row(Job, job_id, **fields)


class _Cancelled(Exception):
    pass


def _progress(p: solver.Progress) -> dict:
    return {
        "elapsed": round(p.elapsed, 2),
        "objective": p.objective,
        "bound": p.bound,
        "solutions": p.solutions,
    }
