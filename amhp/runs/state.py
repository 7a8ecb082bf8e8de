"""Background runs (rota jobs, what-ifs): their state is a table row with
``state``, ``error`` and ``finished_at`` (changed here outside a run's own logic),
and they run on a pool where each can be asked to stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, select

from amhp.store.db import transaction
from amhp.store.tables import utcnow

FINISHED = ("succeeded", "failed", "cancelled")


def recover_rows(table, interrupted: str) -> list[int]:
    """At start-up: rows left ``running`` by a stopped server are failed with
    ``interrupted`` as their error (nothing partial was stored); the ids of
    ``queued`` rows are returned to be started again."""
    with transaction() as session:
        rows = session.exec(select(table).where(col(table.state).in_(("queued", "running"))))
        queued = []
        for row in rows:
            if row.state == "running":
                row.state, row.finished_at, row.error = "failed", utcnow(), interrupted
                session.add(row)
            else:
                queued.append(row.id)
    return queued


def update_row(table, row_id: int, **fields) -> None:
    """Write fields in their own transaction; a finishing state stamps finished_at."""
    with transaction() as session:
        row = session.get(table, row_id)
        if row is None:
            return
        for key, value in fields.items():
            setattr(row, key, value)
        if fields.get("state") in FINISHED:
            row.finished_at = utcnow()
        session.add(row)


class StoppablePool:
    """A bounded thread pool whose runs can each be asked to stop: a run gets a
    ``threading.Event`` it checks (the solver checks it while it searches), and
    shutting down sets them all. Rota jobs and what-ifs both run on one."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._stops: dict[int, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self, run_id: int, work: Callable[[int, threading.Event], None]) -> None:
        stop = threading.Event()
        with self._lock:
            self._stops[run_id] = stop
        self._pool.submit(self._run, run_id, stop, work)

    def stop(self, run_id: int) -> bool:
        """Set the run's event; False when it is not queued or running here."""
        with self._lock:
            stop = self._stops.get(run_id)
        if stop is None:
            return False
        stop.set()
        return True

    def shutdown(self) -> None:
        with self._lock:
            for stop in self._stops.values():
                stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, run_id: int, stop: threading.Event, work) -> None:
        try:
            work(run_id, stop)
        finally:
            with self._lock:
                self._stops.pop(run_id, None)
