"""Sweeps: a grid of what-ifs (e.g. warranting month × vacancies) solved across
worker processes and summarised as ``amhp-sweep/1``.

Each cell of the grid is one horizon, solved month by month exactly as a what-if
scenario is. Cells are independent, so they run in separate processes (spawned,
not forked: the parent may already hold solver threads); each process reports
every finished month through a queue so the caller can draw one progress bar.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from queue import Empty

import solver
from amhp.rota.search import search_params
from amhp.service.calendar import Period
from amhp.service.model import ServiceDefinition
from amhp.whatif.horizon import solve_horizon
from amhp.whatif.scenarios import SweepFile, apply_changes

FORMAT = "amhp-sweep/1"


@dataclass(frozen=True)
class SweepPlan:
    """How the machine is shared: ``processes`` cells at once, each solve with
    ``workers`` CP-SAT threads."""

    processes: int
    workers: int

    @classmethod
    def for_machine(cls, cells: int, processes: int | None, workers: int | None) -> SweepPlan:
        cores = os.cpu_count() or 1
        procs = max(1, min(cells, processes or cores))
        return cls(procs, workers or max(1, 8 // procs))


def summarise(labels: tuple[str, ...], changes: list, months: list[dict]) -> dict:
    """A cell of the heat map: a month is *at risk* when any slot-day is below
    its minimum (a gap the rota could not fill)."""
    return {
        "labels": list(labels),
        "changes": [c.model_dump(mode="json", by_alias=True) for c in changes],
        "months_at_risk": sum(1 for m in months if m["slot_days_below_min"] > 0),
        "slot_days_below_min": sum(m["slot_days_below_min"] for m in months),
        "shortfall_person_days": sum(m["shortfall_person_days"] for m in months),
        "locum_days_needed": sum(m["locum_days_needed"] for m in months),
        "locum_cost": round(sum(m["locum_cost"] for m in months), 2),
        "gaps_with_locum": sum(m["gaps_with_locum"] for m in months),
        "currency": months[0]["currency"] if months else "GBP",
        "max_load": max((m["max_load"] for m in months), default=0.0),
        "all_optimal": all(m["status"] == solver.SolveStatus.OPTIMAL for m in months),
        "gaps_proven": all(m["gaps_proven"] for m in months),
        "months": months,
    }


def _solve_cell(
    index: int,
    service: ServiceDefinition,
    months: list[str],
    time_limit: float,
    workers: int,
    day_rate: float,
    progress,
) -> tuple[int, list[dict]]:
    """Runs in a worker process: one horizon, a queue message per month."""
    params = search_params(time_limit, workers=workers)
    results = solve_horizon(
        service, months, params, day_rate, on_month=lambda m: progress.put((index, m))
    )
    return index, [r.public() for r in results]


def cell_services(spec: SweepFile, base: ServiceDefinition) -> list[ServiceDefinition]:
    """Each cell's service: the base with the common changes, then the cell's."""
    common = apply_changes(base, spec.common_changes, spec.horizon.end)
    return [apply_changes(common, changes, spec.horizon.end) for _, changes in spec.combinations()]


def run_sweep(
    spec: SweepFile,
    base: ServiceDefinition,
    base_name: str,
    plan: SweepPlan,
    on_month: Callable[[tuple[str, ...], str], None] | None = None,
) -> dict:
    """Every cell on this machine's processes (``plan``)."""
    months = spec.horizon.month_labels()
    grid = spec.combinations()
    services = cell_services(spec, base)
    context = multiprocessing.get_context("spawn")
    results: dict[int, list[dict]] = {}
    with context.Manager() as manager, ProcessPoolExecutor(plan.processes, context) as pool:
        progress = manager.Queue()
        pending = {
            pool.submit(
                _solve_cell,
                i,
                service,
                months,
                spec.time_limit_per_month,
                plan.workers,
                spec.sessional_day_rate,
                progress,
            )
            for i, service in enumerate(services)
        }
        while pending:
            done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in done:
                index, cell = future.result()
                results[index] = cell
            _drain(progress, grid, on_month)
        _drain(progress, grid, on_month)
    return assemble(spec, base_name, [results[i] for i in range(len(grid))])


def assemble(spec: SweepFile, base_name: str, cells: list[list[dict]]) -> dict:
    """The ``amhp-sweep/1`` document from each cell's months, in grid order."""
    months = spec.horizon.month_labels()
    return {
        "format": FORMAT,
        "base": base_name,
        "horizon": {
            "start": Period.month(months[0]).start.isoformat(),
            "end": spec.horizon.end.isoformat(),
        },
        "time_limit_per_month": spec.time_limit_per_month,
        "common_changes": [c.model_dump(mode="json", by_alias=True) for c in spec.common_changes],
        "axes": [{"name": a.name, "labels": [o.label for o in a.options]} for a in spec.axes],
        "cells": [
            summarise(labels, changes, cells[i])
            for i, (labels, changes) in enumerate(spec.combinations())
        ],
    }


def _drain(progress, grid, on_month) -> None:
    while True:
        try:
            index, month = progress.get_nowait()
        except Empty:
            return
        if on_month:
            on_month(grid[index][0], month)


def heat_map(doc: dict) -> tuple[list[str], list[str], dict[tuple[str, str], dict]]:
    """Rows (first axis), columns (second axis, or one column) and the cells by
    (row, column): the shape both the console table and the page draw."""
    rows = doc["axes"][0]["labels"]
    cols = doc["axes"][1]["labels"] if len(doc["axes"]) > 1 else ["all"]
    cells = {}
    for cell in doc["cells"]:
        labels = cell["labels"]
        cells[(labels[0], labels[1] if len(labels) > 1 else "all")] = cell
    return rows, cols, cells
