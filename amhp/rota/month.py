"""One month solved: the service's problem for the month (with what carries in from
the month before), the solver's rota, and its ``amhp-rota/1`` export. Nothing is
stored here; ``amhp.runs.operations`` stores, what-ifs chain months in memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import solver
from amhp.rota.build import BuiltProblem, build_problem
from amhp.rota.carry_in import prior_duties
from amhp.rota.export import to_export
from amhp.service.calendar import Period
from amhp.service.model import ServiceDefinition


@dataclass(frozen=True)
class SolvedMonth:
    built: BuiltProblem
    solution: solver.Solution
    export: dict


def month_problem(
    definition: ServiceDefinition, month: str, previous_export: dict | None = None
) -> BuiltProblem:
    """The month's problem, with what carries in from the month before."""
    period = Period.month(month)
    prior = prior_duties(definition, period.start, previous_export)
    return build_problem(definition, period, prior)


def solve_month(
    definition: ServiceDefinition,
    month: str,
    previous_export: dict | None = None,
    params: solver.SolveParams | None = None,
    on_progress: Callable[[solver.Progress], None] | None = None,
    stop: threading.Event | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> SolvedMonth:
    """``previous_export``: the month before's rota, whose last days carry in (rest,
    the day off after an on-call, a run of duty, closure days in the window)."""
    started = time.monotonic()
    period = Period.month(month)
    built = build_problem(
        definition, period, prior_duties(definition, period.start, previous_export)
    )
    params = within_limit(params, started)
    solution = solver.solve(built.problem, params, on_progress, stop, on_phase)
    return SolvedMonth(built, solution, to_export(built, solution))


def within_limit(params: solver.SolveParams | None, started: float) -> solver.SolveParams:
    """The time limit counts from ``started``: building the problem (thousands of
    people's availability, a month of slots) comes out of it, not on top of it."""
    params = params or solver.SolveParams()
    spent = time.monotonic() - started
    return replace(params, time_limit=max(0.0, params.time_limit - spent))


def no_rota_reason(solved: SolvedMonth, time_limit: float) -> str:
    """What to tell a lead when the time limit ran out before any rota was found:
    the limit is never stretched unasked, so say so, with the size of the search."""
    problem = solved.built.problem
    stats = solved.solution.stats
    size = f"{len(problem.people)} practitioners over {len(problem.days)} days"
    if stats.get("model_built") is False:
        found = f"the model for {size} was not even built in that time"
    else:
        found = f"{stats.get('assignment_vars', 0):,} possible duties for {size}"
    return (
        f"no rota found within the time limit of {time_limit:g} s: {found}; nothing was "
        f"stored. A longer limit (e.g. {max(60, 3 * time_limit):g} s) gives the search "
        "time to find one."
    )
