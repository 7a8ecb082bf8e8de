"""A rota as it stands, and who could take one more slot in it.

``evaluate`` scores a given rota under every rule (its penalties and gaps, as a
solve would report them). ``cover_candidates`` lists, for one slot, everyone who
does that shift: those who could take it without breaking a hard rule, each with
what taking it would cost (by rule), cheapest first; and everyone else with the
reason they cannot."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.context import does_shift
from solver.explain import Duties, blocking_reason
from solver.problem import Problem
from solver.rules.part_time import holding
from solver.solution import Solution, SolveStatus
from solver.solve import _read_solution, _settle, build_model


@dataclass(frozen=True)
class Candidate:
    person: str
    reason: str | None  # None: they can take it
    cost: int | None = None  # change of the objective if they take it
    by_rule: tuple[tuple[str, int], ...] = ()  # that change, per rule (non-zero only)


class _Held:
    """One model, re-solved with every duty held as given (``solve._settle``;
    presolve makes each a matter of milliseconds)."""

    def __init__(self, problem: Problem) -> None:
        self.ctx = build_model(problem)
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = 1

    def solve(self, assignments: Duties, shadows: Duties) -> Solution | None:
        ctx, problem = self.ctx, self.ctx.problem
        wanted = {(problem.person_index(p), si) for p, si in assignments}
        wanted_shadow = {(problem.person_index(p), si) for p, si in shadows}
        if not wanted <= set(ctx.x) or not wanted_shadow <= set(ctx.y):
            return None  # a duty no variable allows: excluded outright
        values = {var.index: int(key in wanted) for key, var in ctx.x.items()}
        values.update({var.index: int(key in wanted_shadow) for key, var in ctx.y.items()})
        code = _settle(ctx, self.solver, values)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return _read_solution(
            ctx,
            self.solver,
            False,
            self.solver.wall_time,
            {},
            (False, False, False),
            self.solver.objective_value,
        )


def evaluate(problem: Problem, assignments: Duties, shadows: Duties = ()) -> Solution:
    """The rota exactly as given, scored; ``infeasible`` when it breaks a hard rule."""
    solution = _Held(holding(problem, assignments)).solve(assignments, shadows)
    if solution is None:
        return Solution(SolveStatus.INFEASIBLE, float("nan"), float("nan"), 0.0)
    return solution


def _totals(solution: Solution) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in solution.penalties:
        out[p.rule] = out.get(p.rule, 0) + p.cost
    return out


def cover_candidates(
    problem: Problem, assignments: Duties, shadows: Duties, si: int
) -> list[Candidate]:
    """Everyone who does slot ``si``'s shift and is not on it: who could take it
    (cheapest first) and who cannot, with the reason."""
    problem = holding(problem, assignments)
    slot = problem.slots[si]
    held: dict[str, set[int]] = {}
    for pid, s in (*assignments, *shadows):
        held.setdefault(pid, set()).add(s)
    occupants = [pid for pid, s in assignments if s == si]
    rota = _Held(problem)
    base = rota.solve(assignments, shadows)
    base_totals = _totals(base) if base else {}
    able, unable = [], []
    for pi, person in enumerate(problem.people):
        mine = held.get(person.id, set())
        if si in mine or not does_shift(person, slot):
            continue
        reason = blocking_reason(problem, mine, pi, si, occupants)
        taken = rota.solve((*assignments, (person.id, si)), shadows) if reason is None else None
        if reason is None and (taken is None or base is None):
            reason = "taking it breaks a hard rule together with the rest of the rota"
        if reason is not None:
            unable.append(Candidate(person.id, reason))
            continue
        totals = _totals(taken)
        by_rule = tuple(
            (rule, totals.get(rule, 0) - base_totals.get(rule, 0))
            for rule in sorted(set(totals) | set(base_totals))
            if totals.get(rule, 0) != base_totals.get(rule, 0)
        )
        able.append(Candidate(person.id, None, round(taken.objective - base.objective), by_rule))
    return sorted(able, key=lambda c: (c.cost, c.person)) + unable
