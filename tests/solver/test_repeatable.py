"""The repeatable search (solver.repeatable), on problems whose whole objective
is searched with nothing hinted: no lexicographic phase before it, no greedy or
constructed start. Checked by the independent Curtois scorer."""

from __future__ import annotations

from dataclasses import replace

import solver
from benchmarks.curtois import DATA, parse, to_problem
from benchmarks.curtois_scorer import score


def test_an_unhinted_whole_objective_finds_a_rota_and_keeps_improving_it():
    """Curtois instance 8 (30 nurses, 4 weeks, hard pattern rules): the two
    provers alone found no rota in 30 units of work, so the product's search
    ended with none. A first rota is found first, then improved: the rota
    returned breaks no rule, costs what the scorer says, and more work costs
    no more (the same first rota, searched further, repeatably)."""
    path = DATA / "Instance8.txt"
    inst = parse(path)
    problem = to_problem(inst)

    def solved(work: float):
        params = replace(solver.repeatable(600, cover_first=False), deterministic_time=work)
        return solver.solve(problem, params)

    def roster(sol) -> dict[str, list[str]]:
        out = {eid: [""] * inst.horizon for eid in inst.staff}
        for eid, si in sol.assignments:
            out[eid][problem.slots[si].day] = problem.slots[si].shift
        return out

    short, longer = solved(2.0), solved(6.0)
    for sol in (short, longer):
        assert sol.status == solver.SolveStatus.FEASIBLE
        objective, violations = score(path, roster(sol))
        assert violations == []
        assert objective == round(sol.objective)
    assert longer.objective <= short.objective
    assert solved(2.0).assignments == short.assignments
