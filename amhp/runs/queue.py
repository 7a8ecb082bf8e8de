"""Solves on a distributed task queue: Procrastinate, whose jobs live in the same
PostgreSQL as everything else (no broker to run). A web process defers a task
naming the row (``kind``, ``row_id``); ``amhp worker`` processes on any machine
run them. The row stays the truth users see (state, progress, result); the queue
only carries the work.

Dead workers: every web and worker process looks for rows whose process stopped
beating (``amhp.runs.liveness``) and defers them again (or fails them after
``MAX_ATTEMPTS`` starts), so a worker killed mid-solve has its job started again
by another within about ``run_stale_seconds`` + ``amhp.runs.state.RESCUE_EVERY_SECONDS``.
Procrastinate's own heartbeats find its side of it: each worker closes the tasks
Procrastinate reports stalled (``get_stalled_jobs``), so none stays "doing"."""

from __future__ import annotations

import asyncio
import logging
import threading
from functools import lru_cache

import procrastinate
from sqlalchemy.engine import make_url

from amhp.core.settings import settings

TASK = "amhp.run"
CLOSE_STALLED_EVERY_SECONDS = 10.0  # how often a worker closes the tasks of dead workers
log = logging.getLogger("amhp.queue")


def conninfo(database_url: str) -> str:
    """psycopg's address for the SQLAlchemy URL (without the ``+psycopg``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


class Queue:
    """The queue for one PostgreSQL database: ``defer`` from any process;
    ``run_worker`` in ``amhp worker``."""

    def __init__(self, database_url: str) -> None:
        address = conninfo(database_url)
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=address))
        self.app.task(name=TASK, pass_context=True)(self._task)
        # Deferring is synchronous (request handlers, the rescuers' threads), on its
        # own small pool, whether or not this process also runs a worker's loop.
        self._deferrer = procrastinate.App(
            connector=procrastinate.SyncPsycopgConnector(conninfo=address, min_size=1, max_size=4)
        )
        self._opened = False
        self._lock = threading.Lock()

    def defer(self, kind: str, row_id: int) -> None:
        with self._lock:
            if not self._opened:
                self._deferrer.open()
                self._opened = True
        self._deferrer.configure_task(TASK).defer(kind=kind, row_id=row_id)

    def close(self) -> None:
        with self._lock:
            if self._opened:
                self._deferrer.close()
                self._opened = False

    def _task(self, context, kind: str, row_id: int) -> None:
        """Run one row here (a thread of the worker); a user's cancel reaches it
        through the row, a worker's shutdown through Procrastinate's abort."""
        runner = runner_for(kind, self)
        if not runner.execute(row_id, threading.Event(), also_stop=context.should_abort):
            log.info("%s %s was not queued (cancelled or taken): nothing to run", kind, row_id)

    def run_worker(self, concurrency: int) -> None:
        asyncio.run(self._work(concurrency))

    async def _work(self, concurrency: int) -> None:
        runners = [r(queue=self) for r in runner_classes().values()]
        for runner in runners:
            runner.recover()  # rows whose worker died, from this worker too
        async with self.app.open_async():
            rescue = asyncio.create_task(self._rescue_loop())
            try:
                await self.app.run_worker_async(
                    concurrency=concurrency,
                    queues=None,
                    stalled_worker_timeout=settings().run_stale_seconds,
                    shutdown_graceful_timeout=5,
                )
            finally:
                rescue.cancel()
                for runner in runners:
                    runner.shutdown()

    async def _rescue_loop(self) -> None:
        while True:
            await asyncio.sleep(CLOSE_STALLED_EVERY_SECONDS)
            try:
                await self._close_stalled()
            except Exception:  # the database may be briefly away; try next time
                log.exception("looking for tasks of lost workers failed")

    async def _close_stalled(self) -> None:
        manager = self.app.job_manager
        stale = settings().run_stale_seconds
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stale):
            await manager.finish_job_by_id_async(
                job.id, procrastinate.jobs.Status.FAILED, delete_job=False
            )
            log.warning("task %s %s lost its worker", job.id, job.task_kwargs)
            kind, row_id = job.task_kwargs.get("kind"), job.task_kwargs.get("row_id")
            if kind in runner_classes() and await asyncio.to_thread(_still_queued, kind, row_id):
                # fetched by the dead worker before it claimed the row: nobody else will
                await asyncio.to_thread(self.defer, kind, row_id)


def _still_queued(kind: str, row_id: int) -> bool:
    from amhp.core.states import RunState
    from amhp.store.db import transaction

    with transaction() as session:
        row = session.get(runner_classes()[kind].table, row_id)
        return row is not None and row.state == RunState.QUEUED


def runner_classes() -> dict[str, type]:
    """The runners whose rows queue workers run, by ``kind``."""
    from amhp.runs.jobs import JobRunner
    from amhp.runs.sweep_cells import SweepCellRunner
    from amhp.runs.whatif_jobs import WhatIfRunner

    return {r.kind: r for r in (JobRunner, WhatIfRunner, SweepCellRunner)}


def runner_for(kind: str, queue: Queue):
    return runner_classes()[kind](queue=queue)


@lru_cache(maxsize=4)
def queue_for(database_url: str) -> Queue:
    return Queue(database_url)
