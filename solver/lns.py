"""Large-neighbourhood search by people and weeks: improve a rota by re-solving a
few people over a stretch of days while everyone else keeps their duties.

Why: on large rostering models CP-SAT's own portfolio spends two cores on many
workers, most of which cannot move a rota of thousands of assignments; measured on
the Curtois instances, its first rota for 120 people barely improved in a minute.
Freeing a handful of people over a few weeks gives a model small enough to be
solved to optimality in a fraction of a second, so each step either improves the
rota or proves that no better one exists in that neighbourhood. The objective is
the whole model's (everyone else is fixed, not left out), so every rule, soft or
hard and between people or not, is respected exactly.

The neighbourhood grows while steps are solved to optimality quickly and shrinks
when they time out, so the same loop fits a 10-person month and a 150-person year.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.context import ModelContext

# Seconds per step: long enough to prove a small neighbourhood optimal. Measured
# on Curtois instance 15: 2 people over 14 days are proven in 0.1 s, 3 over 28
# not in 5 s, so many small steps beat a few large ones.
STEP_SECONDS = 0.5
# CP-SAT workers per step: the neighbourhoods are small, two cores are enough.
STEP_WORKERS = 2
FIRST_PEOPLE = 2
FIRST_DAYS = 14
MAX_DAYS = 28


@dataclass
class Incumbent:
    """The best rota so far: a value per presence variable (proto index)."""

    values: dict[int, int]
    objective: float


def presence_index(ctx: ModelContext) -> dict[tuple[int, int], int]:
    """(person, day) -> proto indexes of that person's presence variables that day."""
    out: dict[tuple[int, int], list[int]] = {}
    for (pi, si), var in ctx.present.items():
        out.setdefault((pi, ctx.problem.slots[si].day), []).append(var.index)
    return out


def incumbent_from(solver: cp_model.CpSolver, ctx: ModelContext) -> Incumbent:
    return Incumbent(
        {var.index: solver.value(var) for var in ctx.present.values()}, solver.objective_value
    )


def fix_to(ctx: ModelContext, solver: cp_model.CpSolver, values: dict[int, int]) -> None:
    """Hint these variables and hold them there (every other variable is free)."""
    ctx.model.clear_hints()
    hint = ctx.model.proto.solution_hint
    hint.vars.extend(list(values.keys()))
    hint.values.extend(list(values.values()))
    solver.parameters.fix_variables_to_their_hinted_value = True


def release(ctx: ModelContext, solver: cp_model.CpSolver) -> None:
    ctx.model.clear_hints()
    solver.parameters.fix_variables_to_their_hinted_value = False


def improve(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    best: Incumbent,
    deadline: float,
    seed: int = 0,
    stopped: Callable[[], bool] = lambda: False,
    on_improve: Callable[[Incumbent], None] | None = None,
) -> Incumbent:
    """Re-solve neighbourhoods until ``deadline``; returns the best rota found.
    ``solver`` is left with the fixing switched off and its parameters restored."""
    rng = random.Random(seed)
    index = presence_index(ctx)
    n_people, n_days = len(ctx.problem.people), len(ctx.problem.days)
    people, days = min(FIRST_PEOPLE, n_people), min(FIRST_DAYS, n_days)
    saved = (solver.parameters.max_time_in_seconds, solver.parameters.num_workers)
    solver.parameters.num_workers = STEP_WORKERS
    try:
        while not stopped() and (left := deadline - time.monotonic()) > 0.2:
            free_people = rng.sample(range(n_people), people)
            start = rng.randrange(n_days - days + 1)
            free = {
                i
                for pi in free_people
                for d in range(start, start + days)
                for i in index.get((pi, d), ())
            }
            fix_to(ctx, solver, {i: v for i, v in best.values.items() if i not in free})
            solver.parameters.max_time_in_seconds = min(STEP_SECONDS, left)
            code = solver.solve(ctx.model)
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
                solver.objective_value < best.objective - 0.5
            ):
                found = list(solver.response_proto.solution)
                best = Incumbent(
                    {**best.values, **{i: int(found[i]) for i in free}}, solver.objective_value
                )
                if on_improve:
                    on_improve(best)
            people, days = _resize(code, people, days, n_people, n_days)
    finally:
        release(ctx, solver)
        solver.parameters.max_time_in_seconds, solver.parameters.num_workers = saved
    return best


def _resize(code: int, people: int, days: int, n_people: int, n_days: int) -> tuple[int, int]:
    """Grow after a neighbourhood proven optimal (it was easy), shrink after one
    that ran out of time (it was too big to settle): people and days in turn,
    keeping the days within MAX_DAYS and the horizon."""
    max_days = min(MAX_DAYS, n_days)
    if code == cp_model.OPTIMAL:
        if days < max_days and days <= 7 * people:
            return people, min(days + 7, max_days)
        return min(people + 1, n_people), days
    if days > 7 and days >= 7 * people:
        return people, days - 7
    if people > 1:
        return people - 1, days
    return people, max(days - 7, min(7, n_days))
