"""Which process runs a background row, and whether it is still alive.

A running row names its process (``worker``: host and pid) and carries a
heartbeat that process writes every ``HEARTBEAT_SECONDS``. Any process can see a
row whose heartbeat is older than the ``run_stale_seconds`` setting: its process
died (killed, the machine lost). Such a row is started again, up to
``MAX_ATTEMPTS`` starts, then failed with a message naming the lost worker; a row
whose process still beats is never touched, however long it runs.

The beating thread is also how a run hears, from any process, that it should
stop: a cancel sets ``cancel_requested`` on the row."""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select

from amhp.core.settings import settings
from amhp.core.states import RunState
from amhp.store.db import transaction
from amhp.store.tables import as_utc, utcnow

HEARTBEAT_SECONDS = 2.0
MAX_ATTEMPTS = 2  # a run whose worker died is started once more, then failed


def worker_id() -> str:
    """This process, as a row's ``worker`` names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_before(now: datetime | None = None) -> datetime:
    """A running row whose heartbeat is older than this has lost its process."""
    return (now or utcnow()) - timedelta(seconds=settings().run_stale_seconds)


def lost_message(row) -> str:
    beat = row.heartbeat_at.strftime("%H:%M:%S UTC") if row.heartbeat_at else "its start"
    starts = "once" if row.attempts == 1 else f"{row.attempts} times"
    return (
        f"the worker running it ({row.worker or 'unknown'}) stopped answering after {beat}"
        f"; started {starts}"
    )


def rescue_lost(table) -> tuple[list[int], list[int]]:
    """Running rows whose process stopped beating: put back in the queue (their
    ``error`` says why) while they have starts left, else failed naming the lost
    worker. Returns (requeued ids, failed ids). One conditional UPDATE per row, so
    two processes rescuing at once act on a row once."""
    cutoff = stale_before()
    with transaction() as session:
        running = session.exec(select(table).where(col(table.state) == RunState.RUNNING)).all()
    requeued, failed = [], []
    for row in running:
        last = row.heartbeat_at or getattr(row, "started_at", None)
        if last is not None and as_utc(last) >= cutoff:
            continue
        again = row.attempts < MAX_ATTEMPTS and not row.cancel_requested
        values: dict = {"error": lost_message(row) + ("; queued again" if again else "")}
        if row.cancel_requested:  # it was being cancelled when its worker died
            values.update(state=RunState.CANCELLED, finished_at=utcnow())
        elif again:
            values.update(state=RunState.QUEUED, worker=None)
        else:
            values.update(state=RunState.FAILED, finished_at=utcnow())
        with transaction() as session:
            done = session.execute(
                update(table)
                .where(col(table.id) == row.id, col(table.state) == RunState.RUNNING)
                .where(col(table.heartbeat_at) == row.heartbeat_at)
                .values(**values)
            )
        if done.rowcount == 1 and not row.cancel_requested:
            (requeued if again else failed).append(row.id)
    return requeued, failed


class Heartbeat:
    """While a run goes: beat its row every ``HEARTBEAT_SECONDS`` and set ``stop``
    when someone asked it to stop (``cancel_requested``), when ``also_stop()`` says
    so (the queue's abort), or when the row is no longer this process's (it was
    judged lost and given to another worker)."""

    def __init__(self, table, row_id: int, stop: threading.Event, also_stop=None) -> None:
        self.table, self.row_id, self.stop = table, row_id, stop
        self.lost = False
        self.cancelled = False
        self._also_stop = also_stop
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"beat-{row_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._done.set()
        self._thread.join()

    def _beat(self) -> None:
        me = worker_id()
        while not self._done.wait(HEARTBEAT_SECONDS):
            try:
                self._once(me)
            except Exception:  # a missed beat is not a failed run; the next one tries
                continue

    def _once(self, me: str) -> None:
        table = self.table
        with transaction() as session:
            session.execute(
                update(table)
                .where(col(table.id) == self.row_id, col(table.worker) == me)
                .where(col(table.state) == RunState.RUNNING)
                .values(heartbeat_at=utcnow())
            )
            row = session.get(table, self.row_id)
        if row is None or row.worker != me or row.state != RunState.RUNNING:
            self.lost = True
            self.stop.set()
        elif row.cancel_requested or (self._also_stop is not None and self._also_stop()):
            self.cancelled = True
            self.stop.set()
