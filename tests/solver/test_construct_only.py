"""A rota built and improved group by group with no whole model
(solver.construct_only, solver.regroup, solver.held). Checked on Curtois
instances by the independent scorer, which recomputes every hard rule and the
objective from the roster alone."""

from __future__ import annotations

import importlib
import threading
from dataclasses import replace

import pytest

import solver
from benchmarks.curtois import DATA, parse, to_problem
from benchmarks.curtois_scorer import score
from benchmarks.determinism import cores_busy
from solver.construct import construct
from solver.construct_only import suits
from solver.held import exact
from solver.regroup import regroup
from tests.support.tiny import only, person, problem, slot

# ``solver.solve`` the module (the package exports the function under that name).
solve_module = importlib.import_module("solver.solve")

INSTANCE = DATA / "Instance3.txt"


def _roster(bench: solver.Problem, assignments) -> dict[str, list[str]]:
    roster = {p.id: [""] * len(bench.days) for p in bench.people}
    for pid, si in assignments:
        s = bench.slots[si]
        roster[pid][s.day] = s.shift
    return roster


def _pairs(bench: solver.Problem, rota: dict) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((bench.people[pi].id, si) for (pi, si), v in rota.items() if v))


def _groups_only(work: float) -> solver.SolveParams:
    return solver.SolveParams(
        time_limit=600, workers=2, cover_first=False, groups_only=True, deterministic_time=work
    )


def test_a_rota_read_by_its_duties_alone_is_priced_as_by_the_whole_model():
    """solver.held: the same penalties, one by one, as solver.evaluate, which
    holds the rota in the whole model (a wanted day not granted, a person over
    cover, a short slot)."""
    bench = to_problem(parse(INSTANCE))
    rota = construct(bench, 600, solve_module._solve_group, size=4, work=1.0)
    assert rota is not None
    held = solve_module._read_held(bench, rota, 0.0, {})
    whole = solver.evaluate(bench, _pairs(bench, rota))
    assert held.status == whole.status == solver.SolveStatus.FEASIBLE
    assert held.objective == whole.objective > 0
    assert sorted(map(repr, held.penalties)) == sorted(map(repr, whole.penalties))
    assert held.stats["assignment_vars"] == len(held.assignments) < len(solver.build_model(bench).x)


def test_rules_that_share_targets_are_not_priced_by_the_duties_alone():
    """Fair shares depend on everyone who could take a slot: a problem weighting
    them is never read by its duties alone, nor solved group by group."""
    slots = [slot(d) for d in range(3)]
    fair = problem(slots, [person("a"), person("b")], weights=only(duty_fairness=5))
    plain = problem(slots, [person("a"), person("b")], weights=only())
    assert exact(plain) and not exact(fair)
    assert not suits(fair)


def test_the_second_pass_never_costs_more_and_here_costs_less():
    """Each group re-solved against what everyone else leaves: the whole rota
    (priced by the whole model) is cheaper than the construction's, and the
    scorer finds no broken rule."""
    bench = to_problem(parse(INSTANCE))
    first = construct(bench, 60, solve_module._solve_group, size=2, work=0.2)
    assert first is not None
    before = solver.evaluate(bench, _pairs(bench, first)).objective
    better, done = regroup(bench, first, 120, solve_module._improve_group, size=2, work=4.0)
    after = solver.evaluate(bench, _pairs(bench, better))
    assert after.status == solver.SolveStatus.FEASIBLE
    assert after.objective < before
    assert done["groups_improved"] >= 1
    objective, violations = score(INSTANCE, _roster(bench, after.assignments))
    assert violations == [] and objective == round(after.objective)


@pytest.mark.parametrize("number", [1, 4, 6])
def test_the_second_pass_never_costs_the_whole_more(number):
    """On other instances too, each group kept only when its own problem costs
    less: the whole model prices the whole rota no higher, and no rule breaks."""
    path = DATA / f"Instance{number}.txt"
    bench = to_problem(parse(path))
    first = construct(bench, 60, solve_module._solve_group, size=3, work=0.3)
    assert first is not None
    better, _ = regroup(bench, first, 60, solve_module._improve_group, size=3, work=1.0)
    before = solver.evaluate(bench, _pairs(bench, first))
    after = solver.evaluate(bench, _pairs(bench, better))
    assert after.status == before.status == solver.SolveStatus.FEASIBLE
    assert after.objective <= before.objective
    _, violations = score(path, _roster(bench, after.assignments))
    assert violations == []


def test_a_group_that_finds_nothing_cheaper_keeps_its_rota():
    """One place a day, two people who could each take every day: whichever
    rota the construction gave them has no gap, and with nothing cheaper to
    find, the second pass changes nothing."""
    tight = problem([slot(d, lo=1, hi=1) for d in range(4)], [person("a"), person("b")])
    first = construct(tight, 10, solve_module._solve_group, size=1)
    assert first is not None
    again, done = regroup(tight, first, 10, solve_module._improve_group, size=1)
    assert again == first
    assert done["groups_improved"] == 0 and done["passes"] == 1


def test_solved_group_by_group_the_rota_is_the_scorers():
    """solve() with no whole model: a rota, its cost exactly the scorer's, no
    bound claimed, and the model it was read from holds its duties alone."""
    bench = to_problem(parse(INSTANCE))
    found = solver.solve(bench, _groups_only(4.0))
    assert found.status == solver.SolveStatus.FEASIBLE
    assert found.stats["model_built"] is False
    assert found.stats["assignment_vars"] == len(found.assignments)
    objective, violations = score(INSTANCE, _roster(bench, found.assignments))
    assert violations == [] and objective == round(found.objective)


def test_group_by_group_is_repeatable_idle_and_loaded():
    """With a work budget the construction's groups and the second pass's each
    search a fixed share of it, interleaved: the same rota on a busy machine;
    and the budget really bounds the search (more work, a cheaper rota)."""
    bench = to_problem(parse(INSTANCE))
    idle = solver.solve(bench, _groups_only(2.0))
    with cores_busy():
        loaded = solver.solve(bench, _groups_only(2.0))
    assert idle.assignments == loaded.assignments
    assert idle.stats["repeatable"] and loaded.stats["repeatable"]
    more = solver.solve(bench, _groups_only(8.0))
    assert more.objective < idle.objective


def test_large_problems_are_solved_group_by_group_unless_told():
    """By size: a year of Curtois 22 is, a month of instance 3 is not; a month
    of 120 nurses (instance 13) only when no gaps-first phase is to prove the
    fewest gaps; and forced either way by the parameter."""
    small = to_problem(parse(INSTANCE))
    large = to_problem(parse(DATA / "Instance22.txt"))
    middle = to_problem(parse(DATA / "Instance13.txt"))
    params = solver.SolveParams()
    assert not solve_module._groups_only(small, params)
    assert solve_module._groups_only(large, params)
    assert not solve_module._groups_only(middle, params)
    assert solve_module._groups_only(middle, replace(params, cover_first=False))
    assert not solve_module._groups_only(small, replace(params, cover_first=False))
    assert not solve_module._groups_only(large, replace(params, groups_only=False))
    assert solve_module._groups_only(small, replace(params, groups_only=True))


def test_a_solve_stopped_during_the_construction_builds_no_more_groups():
    """Cancelling is heard between the construction's groups: a stop set before
    the solve means no group is searched and no rota (unknown) comes back,
    rather than the whole construction running before the stop is noticed."""
    stop = threading.Event()
    stop.set()
    sol = solver.solve(to_problem(parse(INSTANCE)), _groups_only(4.0), stop=stop)
    assert sol.status == solver.SolveStatus.UNKNOWN
    assert sol.stats["model_built"] is False


def test_the_steps_of_a_group_by_group_solve_one_at_a_time():
    """The public steps benchmarks/regroup.py measures: a constructed rota, the
    second pass from it (never dearer), both priced by the held read-back, and
    the same rota again from the same work."""
    bench = to_problem(parse(INSTANCE))
    first = solver.constructed_rota(bench, 2.0, 600)
    assert first is not None and first == solver.constructed_rota(bench, 2.0, 600)
    better, done = solver.regrouped_rota(bench, dict(first), 2.0, 2, 600)
    assert done["groups_searched"] > 0
    assert solver.held_cost(bench, better) <= solver.held_cost(bench, first)
