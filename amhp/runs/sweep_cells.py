"""A sweep on the queue: one task per cell (a cell's months depend on each other,
cells do not), so N workers finish a sweep about N times faster. The caller
submits the cells, waits for them (``wait_cells``, progress as months finish) and
assembles the ``amhp-sweep/1`` document exactly as the in-process sweep does."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from sqlmodel import col, select

from amhp.core.states import FINISHED, RunState
from amhp.rota.search import search_params
from amhp.runs.state import BackgroundRunner, cancel_row
from amhp.service.model import ServiceDefinition
from amhp.store.db import transaction
from amhp.store.tables import SweepCell
from amhp.whatif import horizon
from amhp.whatif.scenarios import SweepFile
from amhp.whatif.sweep import assemble, cell_services

POLL_SECONDS = 0.5


class SweepFailed(RuntimeError):
    """A cell ended without its months (failed or cancelled)."""


class SweepCellRunner(BackgroundRunner):
    table = SweepCell
    kind = "sweep_cell"

    def __init__(self, workers: int = 1, queue=None) -> None:
        super().__init__(workers, queue)

    def _run(self, cell: SweepCell, stop: threading.Event) -> None:
        service = ServiceDefinition.model_validate(cell.definition)
        params = search_params(cell.time_limit)
        done = [0]

        def month_done(_month: str) -> None:
            done[0] += 1
            self._update(cell.id, progress={"done": done[0], "total": len(cell.months)})

        results = horizon.solve_horizon(
            service, list(cell.months), params, cell.day_rate, month_done, stop
        )
        self._update(cell.id, state=RunState.SUCCEEDED, result=[r.public() for r in results])


def submit_cells(
    runner: SweepCellRunner,
    service_id: str,
    services: list[ServiceDefinition],
    months: list[str],
    time_limit: float,
    day_rate: float,
) -> str:
    """Store a row per cell and start each; returns the sweep's key."""
    key = uuid.uuid4().hex
    with transaction() as session:
        cells = [
            SweepCell(
                sweep=key,
                position=i,
                service_id=service_id,
                definition=service.model_dump(mode="json", by_alias=True),
                months=months,
                time_limit=time_limit,
                day_rate=day_rate,
            )
            for i, service in enumerate(services)
        ]
        session.add_all(cells)
        session.flush()
        ids = [c.id for c in cells]
    for cell_id in ids:
        runner.start(cell_id)
    return key


def wait_cells(key: str, on_progress: Callable[[int], None] | None = None) -> list[list[dict]]:
    """Every cell's months, in grid order, once all have finished; ``on_progress``
    gets the number of months finished so far. ``SweepFailed`` names a cell that
    ended without its months."""
    seen = -1
    while True:
        with transaction() as session:
            cells = session.exec(
                select(SweepCell).where(SweepCell.sweep == key).order_by(col(SweepCell.position))
            ).all()
        months = sum(
            len(c.months) if c.state == RunState.SUCCEEDED else c.progress.get("done", 0)
            for c in cells
        )
        if on_progress and months != seen:
            seen = months
            on_progress(months)
        if all(c.state in FINISHED for c in cells):
            break
        time.sleep(POLL_SECONDS)
    bad = [c for c in cells if c.state != RunState.SUCCEEDED]
    if bad:
        raise SweepFailed(
            "; ".join(f"cell {c.position + 1}: {c.state} ({c.error or 'no reason'})" for c in bad)
        )
    return [c.result for c in cells]


def run_queued_sweep(
    spec: SweepFile,
    base: ServiceDefinition,
    base_name: str,
    runner: SweepCellRunner,
    on_progress: Callable[[int], None] | None = None,
) -> dict:
    """A sweep whose cells are the queue's tasks; cancelled if the caller stops
    waiting (Ctrl-C), so no worker goes on solving for nobody."""
    services = cell_services(spec, base)
    months = spec.horizon.month_labels()
    key = submit_cells(
        runner, base.service.id, services, months, spec.time_limit_per_month,
        spec.sessional_day_rate,
    )  # fmt: skip
    try:
        cells = wait_cells(key, on_progress)
    except BaseException:
        cancel_cells(key)
        raise
    return assemble(spec, base_name, cells)


def cancel_cells(key: str) -> None:
    with transaction() as session:
        ids = session.exec(select(SweepCell.id).where(SweepCell.sweep == key)).all()
    for cell_id in ids:
        cancel_row(SweepCell, cell_id)
