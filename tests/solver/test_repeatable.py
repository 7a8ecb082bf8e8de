"""The repeatable search (solver.repeatable), on problems whose whole objective
is searched with nothing hinted: no lexicographic phase before it, no greedy or
constructed start. Checked by the independent Curtois scorer."""

from __future__ import annotations

import importlib
import time
from dataclasses import replace

from ortools.sat.python import cp_model

import solver
from benchmarks.curtois import DATA, parse, to_problem
from benchmarks.curtois_scorer import score
from solver.budget import Budget
from solver.hints import duties
from tests.support.tiny import only, person, problem, slot

# ``solver.solve`` the module (the package exports the function under that name).
solve_module = importlib.import_module("solver.solve")


def _roster(inst, bench, assignments) -> dict[str, list[str]]:
    out = {eid: [""] * inst.horizon for eid in inst.staff}
    for eid, si in assignments:
        out[eid][bench.slots[si].day] = bench.slots[si].shift
    return out


def test_an_unhinted_whole_objective_finds_a_rota_and_keeps_improving_it():
    """Curtois instance 8 (30 nurses, 4 weeks, hard pattern rules): the two
    provers alone found no rota in 30 units of work, so the product's search
    ended with none. A first rota is found first, then improved: the rota
    returned breaks no rule, costs what the scorer says, and more work costs
    no more (the same first rota, searched further, repeatably)."""
    path = DATA / "Instance8.txt"
    inst = parse(path)
    bench = to_problem(inst)

    def solved(work: float):
        params = replace(solver.repeatable(600, cover_first=False), deterministic_time=work)
        return solver.solve(bench, params)

    short, longer = solved(2.0), solved(6.0)
    for sol in (short, longer):
        assert sol.status == solver.SolveStatus.FEASIBLE
        objective, violations = score(path, _roster(inst, bench, sol.assignments))
        assert violations == []
        assert objective == round(sol.objective)
    assert longer.objective <= short.objective
    assert solved(2.0).assignments == short.assignments


def test_the_first_rota_is_polished_person_by_person_within_its_work():
    """Curtois instance 8: a first rota of the whole objective (one worker's
    first solution, far from good) re-solved a person at a time against
    everyone else's duties (solve._polisher). The polished rota costs less by
    the whole model's prices, breaks no rule by the independent scorer, and the
    work the polish did is counted in the solve's budget, never more than it
    was given."""
    path = DATA / "Instance8.txt"
    inst = parse(path)
    bench = to_problem(inst)
    ctx = solver.build_model(bench)
    first = cp_model.CpSolver()
    first.parameters.num_workers = 1
    first.parameters.stop_after_first_solution = True
    assert first.solve(ctx.model) == cp_model.FEASIBLE
    rota = duties(ctx, first)
    budget = Budget(solver.repeatable(600), time.monotonic(), 100.0)
    polish = solve_module._polisher(ctx, budget, lambda: False)
    assert polish is not None

    better = polish(rota, 2.0)

    assert better is not None and better != rota
    assert 0 < budget.work_spent <= 2.0
    keys = {var.index: key for key, var in ctx.x.items()}

    def pairs(values: dict[int, int]) -> list[tuple[str, int]]:
        on = (keys[i] for i, v in values.items() if v and i in keys)
        return [(bench.people[pi].id, si) for pi, si in on]

    before, after = solver.evaluate(bench, pairs(rota)), solver.evaluate(bench, pairs(better))
    assert after.status == solver.SolveStatus.FEASIBLE
    assert after.objective < before.objective
    objective, violations = score(path, _roster(inst, bench, after.assignments))
    assert violations == [] and objective == round(after.objective)


def test_no_polish_where_a_persons_model_would_misprice_the_rota():
    """Fair shares are split between everyone who could take a slot: one person's
    model alone would price them differently, so a problem weighting them (every
    AMHP service) is never polished this way; nor is one person's rota."""
    slots = [slot(d) for d in range(3)]
    fair = problem(slots, [person("a"), person("b")], weights=only(duty_fairness=5))
    alone = problem(slots, [person("a")], weights=only())
    plain = problem(slots, [person("a"), person("b")], weights=only())

    def polisher(p: solver.Problem):
        budget = Budget(solver.repeatable(60), time.monotonic(), 10.0)
        return solve_module._polisher(solver.build_model(p), budget, lambda: False)

    assert polisher(fair) is None and polisher(alone) is None
    assert polisher(plain) is not None
