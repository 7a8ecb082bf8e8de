"""Background runs (rota jobs, what-ifs, sweep cells): their state is a table row
with ``state``, ``error`` and ``finished_at`` (changed here outside a run's own
logic) and its liveness (``amhp.runs.liveness``). A run is done by
``BackgroundRunner.execute`` wherever it happens: on the web process's own pool
(SQLite, or ``--solve-in-process``) or in a queue worker (``amhp.runs.queue``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import update
from sqlmodel import col, func, select

from amhp.core.states import ACTIVE, FINISHED, RunState, Stopped
from amhp.runs.liveness import Heartbeat, rescue_lost, worker_id
from amhp.store.db import transaction
from amhp.store.tables import utcnow

RESCUE_EVERY_SECONDS = 10.0  # how often an in-process runner looks for lost rows


def claim(table, row_id: int):
    """Mark a queued row running in this process and return it; None when it is no
    longer queued (cancelled while it waited, or claimed by another worker): one
    conditional UPDATE, so two workers can never both run a row."""
    now = utcnow()
    values: dict = {
        "state": RunState.RUNNING,
        "worker": worker_id(),
        "heartbeat_at": now,
        "attempts": col(table.attempts) + 1,
    }
    if hasattr(table, "started_at"):
        values["started_at"] = now
    with transaction() as session:
        done = session.execute(
            update(table)
            .where(col(table.id) == row_id, col(table.state) == RunState.QUEUED)
            .where(col(table.cancel_requested).is_(False))
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
    """A queued row is cancelled at once; a running one is asked to stop
    (``cancel_requested``), which its process hears within a heartbeat wherever
    it runs. False when the row has already finished (or is not there)."""
    with transaction() as session:
        row = session.get(table, row_id)
        if row is None or row.state not in ACTIVE:
            return False
        row.cancel_requested = True
        if row.state == RunState.QUEUED:
            row.state, row.finished_at = RunState.CANCELLED, utcnow()
        session.add(row)
    return True


def queued_ids(table) -> list[int]:
    with transaction() as session:
        return list(session.exec(select(table.id).where(col(table.state) == RunState.QUEUED)).all())


def finish_row(table, row_id: int, **fields) -> bool:
    """A run's own writes (progress, its end): only while the row is still this
    process's run, so a process judged lost (and replaced) cannot overwrite what
    its replacement wrote. A finishing state stamps finished_at."""
    if fields.get("state") in FINISHED:
        fields["finished_at"] = utcnow()
    with transaction() as session:
        done = session.execute(
            update(table)
            .where(col(table.id) == row_id, col(table.worker) == worker_id())
            .where(col(table.state) == RunState.RUNNING)
            .values(**fields)
        )
        return done.rowcount == 1


class StoppablePool:
    """A bounded thread pool whose runs can each be asked to stop: a run gets a
    ``threading.Event`` it checks (the solver checks it while it searches), and
    shutting down sets them all."""

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
    """What rota jobs, what-ifs and sweep cells share. A subclass says how one run
    is done (``_run``, writing through ``_update``) and is registered under
    ``kind`` for the queue workers.

    In process (``queue`` None): rows run on this process's stoppable pool, and at
    start-up queued ones are started. With a queue, ``start`` hands the row to the
    queue and a worker runs ``execute``. Either way, every ``RESCUE_EVERY_SECONDS``
    rows whose process died are started again (or failed)."""

    table: type
    kind: str

    def __init__(self, workers: int, queue=None) -> None:
        self._queue = queue
        self._pool = StoppablePool(workers) if queue is None else None
        self._closed = threading.Event()
        self._rescuer: threading.Thread | None = None

    def recover(self) -> None:
        """Start queued rows and rescue lost ones, now and (in process) from time to
        time: a row left running by a process that died is found by any other."""
        self._rescue_once(start_queued=self._queue is None)
        if self._rescuer is None:
            self._rescuer = threading.Thread(target=self._rescue_loop, daemon=True)
            self._rescuer.start()

    def _rescue_loop(self) -> None:
        while not self._closed.wait(RESCUE_EVERY_SECONDS):
            try:
                self._rescue_once(start_queued=False)
            except Exception:  # the database may be briefly away; try next time
                continue

    def _rescue_once(self, start_queued: bool) -> None:
        requeued, _failed = rescue_lost(self.table)
        for run_id in queued_ids(self.table) if start_queued else requeued:
            self.start(run_id)

    def start(self, run_id: int) -> None:
        """Have ``run_id`` run: deferred to the queue, or a turn of this process's
        pool (which runs whichever queued row is fairest next, ``next_fair``)."""
        if self._queue is not None:
            self._queue.defer(self.kind, run_id)
        else:
            self._pool.submit(self._turn)

    def _turn(self) -> None:
        for _attempt in range(TURN_TRIES):
            run_id = next_fair(self.table)
            if run_id is None:
                return  # every queued row was taken by earlier turns or cancelled
            stop = self._pool.register(run_id)
            try:
                if self.execute(run_id, stop):
                    return
            finally:
                self._pool.release(run_id)

    def execute(self, run_id: int, stop: threading.Event, also_stop=None) -> bool:
        """Claim ``run_id`` and run it here, its heartbeat beating; False when it
        was not queued (cancelled, or another worker has it)."""
        row = claim(self.table, run_id)
        if row is None:
            return False
        with Heartbeat(self.table, run_id, stop, also_stop) as beat:
            try:
                self._run(row, stop)
            except Stopped:
                if not beat.lost:
                    self._stopped(run_id)
            except Exception as exc:  # reported on the row, never lost
                self._update(run_id, state=RunState.FAILED, error=f"{type(exc).__name__}: {exc}")
        return True

    def _stopped(self, run_id: int) -> None:
        """Stopped by a user's cancel: cancelled. Stopped because this process is
        shutting down (or the queue's worker is): back in the queue, to be run by
        the next process that starts or by another worker."""
        with transaction() as session:
            asked = session.get(self.table, run_id).cancel_requested
        if asked:
            self._update(run_id, state=RunState.CANCELLED)
            return
        back = finish_row(
            self.table, run_id, state=RunState.QUEUED, worker=None,
            error=f"its worker ({worker_id()}) was stopped; queued again",
        )  # fmt: skip
        if back and self._queue is not None:
            self._queue.defer(self.kind, run_id)

    def cancel(self, run_id: int) -> bool:
        """Ask a queued or running row to stop; False when it has already ended."""
        if not cancel_row(self.table, run_id):
            return False
        if self._pool is not None:
            self._pool.stop(run_id)
        return True

    def shutdown(self) -> None:
        self._closed.set()
        if self._pool is not None:
            self._pool.shutdown()

    def _update(self, run_id: int, **fields) -> None:
        finish_row(self.table, run_id, **fields)

    def _run(self, row, stop: threading.Event) -> None:
        raise NotImplementedError
