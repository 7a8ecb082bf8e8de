"""Background runs (rota jobs, what-ifs) keep their state in a table row with
``state``, ``error`` and ``finished_at``; these two helpers are the only places
that row is changed outside a run's own logic."""

from __future__ import annotations

from sqlmodel import col, select

from amhp.db import transaction
from amhp.tables import utcnow

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
