"""Background runs (rota jobs, what-ifs): their state is a table row with
``state``, ``error`` and ``finished_at`` (changed here outside a run's own logic),
and they run on a pool where each can be asked to stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import update
from sqlmodel import col, func, select

from amhp.core.states import ACTIVE, FINISHED, RunState
from amhp.store.db import transaction
from amhp.store.tables import utcnow


def claim(table, row_id: int):
    """Mark a queued row running and return it; None when it is no longer queued
    (cancelled while it waited, or claimed by another worker): one conditional
    UPDATE, so two workers can never both run a row."""
    values: dict = {"state": RunState.RUNNING}
    if hasattr(table, "started_at"):
        values["started_at"] = utcnow()
    with transaction() as session:
        done = session.execute(
            update(table)
            .where(col(table.id) == row_id, col(table.state) == RunState.QUEUED)
            .values(**values)
        )
        if done.rowcount != 1:
            return None
        return session.get(table, row_id)


def next_fair(table) -> int | None:
    """The queued row to run next: of the services waiting, the one with fewest
    runs going, then the one served longest ago (its latest started row is the
    oldest), then the oldest row. So one service's long queue never holds another
    service's job back for more than the run in progress."""
    with transaction() as session:
        queued = session.exec(
            select(table.id, table.service_id)
            .where(col(table.state) == RunState.QUEUED)
            .order_by(col(table.id))
        ).all()
        if not queued:
            return None
        services = {service for _id, service in queued}
        running = dict(
            session.exec(
                select(table.service_id, func.count())
                .where(col(table.state) == RunState.RUNNING)
                .where(col(table.service_id).in_(services))
                .group_by(table.service_id)
            ).all()
        )
        latest = dict(
            session.exec(
                select(table.service_id, func.max(table.id))
                .where(col(table.state) != RunState.QUEUED)
                .where(col(table.service_id).in_(services))
                .group_by(table.service_id)
            ).all()
        )
    row_id, _service = min(queued, key=lambda r: (running.get(r[1], 0), latest.get(r[1], 0), r[0]))
    return row_id


def cancel_row(table, row_id: int) -> bool:
    """A queued row is cancelled at once; a running one is left for its run to stop.
    False when the row has already finished (or is not there)."""
    with transaction() as session:
        row = session.get(table, row_id)
        if row is None or row.state not in ACTIVE:
            return False
        if row.state == RunState.QUEUED:
            row.state, row.finished_at = RunState.CANCELLED, utcnow()
            session.add(row)
    return True


def recover_rows(table, interrupted: str) -> list[int]:
    """At start-up: rows left ``running`` by a stopped server are failed with
    ``interrupted`` as their error (nothing partial was stored); the ids of
    ``queued`` rows are returned to be started again."""
    with transaction() as session:
        rows = session.exec(select(table).where(col(table.state).in_(ACTIVE)))
        queued = []
        for row in rows:
            if row.state == RunState.RUNNING:
                row.state, row.finished_at, row.error = RunState.FAILED, utcnow(), interrupted
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

    def submit(self, work: Callable[[], None]) -> None:
        """One turn of a worker: ``work`` picks what to run and registers it."""
        self._pool.submit(work)

    def register(self, run_id: int) -> threading.Event:
        stop = threading.Event()
        with self._lock:
            self._stops[run_id] = stop
        return stop

    def release(self, run_id: int) -> None:
        with self._lock:
            self._stops.pop(run_id, None)

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


TURN_TRIES = 20  # another worker may claim the chosen row first: choose again


class BackgroundRunner:
    """What rota jobs and what-ifs share: rows of ``table`` run on a stoppable
    pool; at start-up interrupted rows are failed with ``interrupted`` and queued
    ones started; a cancel stops a queued row at once and asks a running one to
    stop. A subclass says how one run is done (``_run``)."""

    table: type
    interrupted = "interrupted by a server restart; start it again"

    def __init__(self, workers: int) -> None:
        self._pool = StoppablePool(workers)

    def recover(self) -> None:
        for run_id in recover_rows(self.table, self.interrupted):
            self.start(run_id)

    def start(self, run_id: int) -> None:
        """A worker's turn for ``run_id``'s arrival: it runs whichever queued row
        is fairest next (``next_fair``), not necessarily this one."""
        self._pool.submit(self._turn)

    def _turn(self) -> None:
        for _attempt in range(TURN_TRIES):
            run_id = next_fair(self.table)
            if run_id is None:
                return  # every queued row was taken by earlier turns or cancelled
            stop = self._pool.register(run_id)
            try:
                row = claim(self.table, run_id)
                if row is not None:
                    self._run(row, stop)
                    return
            finally:
                self._pool.release(run_id)

    def cancel(self, run_id: int) -> bool:
        """Ask a queued or running row to stop; False when it has already ended."""
        if not cancel_row(self.table, run_id):
            return False
        self._pool.stop(run_id)
        return True

    def shutdown(self) -> None:
        self._pool.shutdown()

    def _update(self, run_id: int, **fields) -> None:
        update_row(self.table, run_id, **fields)

    def _run(self, run_id: int, stop: threading.Event) -> None:
        raise NotImplementedError
