"""Rota generation as jobs: queued in the database, run in the web process's
bounded thread pool (CP-SAT releases the GIL while it searches) or by queue
workers on other machines, progress written back while running, cancellable from
any process. A job's state lives in the database, so every process sees the same
and a job whose worker died is started again (``amhp.runs.liveness``)."""

from __future__ import annotations

import math
import threading
import time
from datetime import date

from sqlmodel import col, func, select

import solver
from amhp.core.settings import settings
from amhp.core.states import ACTIVE, RunState, Stopped
from amhp.rota.month import no_rota_reason
from amhp.rota.search import search_params
from amhp.runs import operations
from amhp.runs.state import BackgroundRunner
from amhp.store.audit import SYSTEM, Actor, AuditAction, record
from amhp.store.db import transaction
from amhp.store.tables import Job, RepairRequest

PROGRESS_EVERY_S = 1.0


def max_concurrent_solves() -> int:
    return settings().max_solves


class JobRefused(ValueError):
    """A job that is not queued: ``field`` names what was wrong (None: the queue)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class JobRunner(BackgroundRunner):
    """A job's partial rota is never stored: a job whose worker died starts over."""

    table = Job
    kind = "job"

    def __init__(self, workers: int | None = None, queue=None) -> None:
        super().__init__(workers or max_concurrent_solves(), queue)

    def submit(
        self,
        service_id: str,
        month: str,
        time_limit: float,
        repair: bool = False,
        freeze_before: date | None = None,
        actor: Actor = SYSTEM,
    ) -> Job:
        """Queue a generation, or a repair of the month's published version.
        ``JobRefused`` for a time limit over the setting, or when the service already
        has its share of queued and running jobs (one service cannot fill the queue)."""
        config = settings()
        if time_limit > config.max_job_seconds:
            raise JobRefused(f"at most {config.max_job_seconds:g} s", "time_limit")
        with transaction() as session:
            active = session.exec(
                select(func.count())
                .select_from(Job)
                .where(Job.service_id == service_id, col(Job.state).in_(ACTIVE))
            ).one()
            if active >= config.max_jobs_per_service:
                raise JobRefused(
                    f"{service_id} already has {active} jobs queued or running; "
                    "wait for one to finish or cancel one"
                )
            job = Job(service_id=service_id, month=month, time_limit=time_limit)
            session.add(job)
            session.flush()
            if repair:
                session.add(RepairRequest(job_id=job.id, freeze_before=freeze_before))
            kind = "repair" if repair else "generate"
            detail = {"job_id": job.id, "kind": kind, "month": month, "time_limit": time_limit}
            record(session, actor, AuditAction.JOB_STARTED, service_id, f"job {job.id}",
                   detail=detail)  # fmt: skip
        self.start(job.id)
        return job

    def _run(self, job: Job, stop: threading.Event) -> None:
        job_id = job.id
        service_id, month, limit = job.service_id, job.month, job.time_limit
        last = [0.0]

        def report(p: solver.Progress) -> None:
            if time.monotonic() - last[0] < PROGRESS_EVERY_S:
                return
            last[0] = time.monotonic()
            self._update(job_id, progress=_progress(p))

        definition = operations.load_service(service_id)
        params = search_params(limit)
        if stop.is_set():
            raise Stopped
        with transaction() as session:
            repair = session.get(RepairRequest, job_id)
        actor = Actor(f"job {job_id}", "job")
        if repair is None:
            result = operations.generate_rota(
                definition, month, params, report, stop=stop, actor=actor
            )
        else:
            result = operations.repair_rota(
                definition, month, date.today(), repair.freeze_before, params, report, stop, actor
            )
        if stop.is_set():
            raise Stopped
        sol = result.solution
        final = {
            "elapsed": round(sol.wall_time, 2),
            "objective": _finite(sol.objective),
            "bound": _finite(sol.bound),
            "status": sol.status,
            "missing": sum(g.missing for g in sol.gaps),
        }
        if result.version_id is None:
            self._update(
                job_id,
                state=RunState.FAILED,
                progress=final,
                error=no_rota_reason(result, params.time_limit),
            )
        else:
            self._update(
                job_id, state=RunState.SUCCEEDED, progress=final, rota_id=result.version_id,
                error=None,
            )  # fmt: skip


def _finite(value: float) -> float | None:
    """No NaN or infinity in a job's JSON (no rota yet, no bound): null instead."""
    return value if math.isfinite(value) else None


def _progress(p: solver.Progress) -> dict:
    return {
        "elapsed": round(p.elapsed, 2),
        "objective": _finite(p.objective),
        "bound": _finite(p.bound),
        "solutions": p.solutions,
        "missing": p.missing,
    }
