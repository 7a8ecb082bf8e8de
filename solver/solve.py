"""Build the CP-SAT model from the rule registries, solve it, and read back a plain
solution with every penalty and every gap explained."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.context import ModelContext, PenaltyTerm
from solver.explain import gap_reasons
from solver.hard_rules import HARD_RULES
from solver.problem import Problem
from solver.soft_rules import SOFT_RULES
from solver.solution import Gap, Penalty, Progress, Solution


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 60.0
    # Eight portfolio workers prove optimality far sooner than two, even on two
    # cores: the extra subsolvers (core, max_lp, probing) are what raise the bound.
    workers: int = 8
    seed: int = 0
    log: bool = False


def build_model(problem: Problem) -> ModelContext:
    ctx = ModelContext(problem, excluders=HARD_RULES)
    for hard in HARD_RULES:
        if hard.applies(problem):
            hard.post(ctx)
    for soft in SOFT_RULES:
        soft.post(ctx)
    ctx.model.minimize(sum(t.weight * t.expr for t in ctx.terms))
    return ctx


class _Reporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Callable[[Progress], None], started: float) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self._count = 0

    def on_solution_callback(self) -> None:
        self._count += 1
        self._on_progress(
            Progress(
                elapsed=time.monotonic() - self._started,
                objective=self.objective_value,
                bound=self.best_objective_bound,
                solutions=self._count,
            )
        )


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> Solution:
    """Solve; setting ``stop`` from another thread ends the search early (the best
    rota so far is returned as ``feasible``, or ``unknown`` if there is none)."""
    params = params or SolveParams()
    started = time.monotonic()
    ctx = build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = params.time_limit
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.log_search_progress = params.log
    reporter = _Reporter(on_progress, started) if on_progress else None
    finished = threading.Event()
    if stop is not None:
        threading.Thread(target=_stop_when, args=(stop, finished, solver), daemon=True).start()
    try:
        code = solver.solve(ctx.model, reporter)
    finally:
        finished.set()
    wall = time.monotonic() - started
    stats = {
        "variables": len(ctx.model.proto.variables),
        "constraints": len(ctx.model.proto.constraints),
        "assignment_vars": len(ctx.x),
        "shadow_vars": len(ctx.y),
    }
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Only contradictory hard input (fixed cells) or a tiny time limit lands here.
        name = "infeasible" if code == cp_model.INFEASIBLE else "unknown"
        return Solution(name, float("nan"), solver.best_objective_bound, wall, stats=stats)
    return _read_solution(ctx, solver, code == cp_model.OPTIMAL, wall, stats)


def _stop_when(stop: threading.Event, finished: threading.Event, solver) -> None:
    while not finished.is_set():
        if stop.wait(0.2):
            solver.stop_search()
            return


def _read_solution(
    ctx: ModelContext, solver: cp_model.CpSolver, optimal: bool, wall: float, stats: dict
) -> Solution:
    problem = ctx.problem
    assignments = tuple(
        (problem.people[pi].id, si) for (pi, si), var in ctx.x.items() if solver.value(var)
    )
    shadows = tuple(
        (problem.people[pi].id, si) for (pi, si), var in ctx.y.items() if solver.value(var)
    )
    held: dict[str, set[int]] = {}
    for person, si in assignments + shadows:
        held.setdefault(person, set()).add(si)
    penalties = tuple(p for t in ctx.terms if (p := _penalty(solver, t)) is not None)
    on_slot: dict[int, list[str]] = {}
    for person, si in assignments:
        on_slot.setdefault(si, []).append(person)
    gaps = tuple(
        Gap(
            si,
            slot.min - len(on_slot.get(si, ())),
            tuple(gap_reasons(problem, held, si, on_slot.get(si, []), optimal)),
        )
        for si, slot in enumerate(problem.slots)
        if len(on_slot.get(si, ())) < slot.min
    )
    return Solution(
        status="optimal" if optimal else "feasible",
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
        wall_time=wall,
        assignments=assignments,
        shadows=shadows,
        penalties=penalties,
        gaps=gaps,
        stats=stats,
    )


def _penalty(solver: cp_model.CpSolver, term: PenaltyTerm) -> Penalty | None:
    value = _value(solver, term.expr)
    if value == 0:
        return None
    detail = term.detail
    if callable(detail):
        measure = value if term.measure is None else _value(solver, term.measure)
        detail = detail(measure)
    return Penalty(term.rule, term.weight * value, detail, term.person, term.slot)


def _value(solver: cp_model.CpSolver, expr) -> int:
    return int(expr) if isinstance(expr, int) else int(solver.value(expr))
