"""The first rota built a few people at a time (solver.construct), for models too
large to search whole. Checked on Curtois instances by the independent scorer,
which recomputes every hard rule and the objective from the roster alone."""

from __future__ import annotations

import importlib
import time
from collections import Counter
from dataclasses import replace

import pytest

import solver
from amhp.rota.build import build_problem
from amhp.runs import operations
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from benchmarks.curtois import DATA, parse, solve_instance, to_problem
from benchmarks.curtois_scorer import score
from benchmarks.determinism import cores_busy
from solver.budget import Budget
from solver.construct import construct, group_problem, group_size, residual_slots
from tests.support.paths import ROOT
from tests.support.spec_checker import check_rota
from tests.support.tiny import person, problem, slot

# ``solver.solve`` the module (the package exports the function under that name).
solve_module = importlib.import_module("solver.solve")


def _roster(bench: solver.Problem, rota: dict[tuple[int, int], int]) -> dict[str, list[str]]:
    roster = {p.id: [""] * len(bench.days) for p in bench.people}
    for (pi, si), value in rota.items():
        if value:
            s = bench.slots[si]
            roster[bench.people[pi].id][s.day] = s.shift
    return roster


def test_residual_slots_take_placed_people_off_every_level():
    p = problem([slot(0, lo=2, target=3, hi=4)], [person("a")])
    (one,) = residual_slots(p, Counter({0: 1}))
    assert (one.min, one.target, one.max) == (1, 2, 3)
    (full,) = residual_slots(p, Counter({0: 5}))
    assert (full.min, full.target, full.max) == (0, 0, 0)


def test_constructed_rota_keeps_every_hard_rule():
    """Groups of two people in turn, each against the cover the others left:
    the union breaks no hard rule of the benchmark."""
    path = DATA / "Instance3.txt"
    bench = to_problem(parse(path))
    rota = construct(bench, 20, solve_module._solve_group, size=2)
    assert rota is not None
    assert {pi for pi, _ in rota} == set(range(len(bench.people)))
    _, violations = score(path, _roster(bench, rota))
    assert violations == []


def test_later_groups_only_fill_what_is_still_missing():
    """One place on each of two days, three people solved one at a time: each
    later person sees the places already taken, so no slot goes over its
    maximum and nobody is placed where cover is already met."""
    tight = problem([slot(0, lo=1, hi=1), slot(1, lo=1, hi=1)], [person(x) for x in "abc"])
    rota = construct(tight, 10, solve_module._solve_group, size=1)
    assert rota is not None
    on_slot = [sum(v for (_, si), v in rota.items() if si == s) for s in (0, 1)]
    assert on_slot == [1, 1]


def test_solve_from_a_constructed_rota_is_confirmed_by_the_scorer():
    """Forced on for a small instance: the rota returned is the one scored, with
    the objective the scorer recomputes (no slack left from the hint), and the
    bound stays a bound."""
    path = DATA / "Instance2.txt"
    result = solve_instance(path, time_limit=8, workers=8, construct=True)
    assert result.status in ("optimal", "feasible")
    objective, violations = score(path, result.roster)
    assert violations == []
    assert objective == round(result.objective)
    assert round(result.bound) <= 828 <= objective  # 828: proven optimum


def test_groups_shrink_where_each_person_has_many_slots():
    """Eight people a group for a month's roster, one for a year of 32 shift types
    (instance 24: 8 people took 34 s to a first rota, one person 1.5 s)."""
    assert group_size(to_problem(parse(DATA / "Instance3.txt"))) == 8
    assert group_size(to_problem(parse(DATA / "Instance24.txt"))) == 1


def test_construction_is_decided_by_model_size():
    ctx = solver.build_model(to_problem(parse(DATA / "Instance1.txt")))
    params = solver.SolveParams()
    assert not solve_module._constructs(ctx, params)
    assert solve_module._constructs(ctx, replace(params, construct=True))
    large = solver.build_model(to_problem(parse(DATA / "Instance20.txt")))
    assert solve_module._constructs(large, params)
    assert not solve_module._constructs(large, replace(params, construct=False))


def test_a_constructed_rota_is_returned_when_the_search_has_no_time():
    """No work left for the whole model (a deterministic limit far too small for
    it, the same on a busy machine): the constructed rota is the answer, and its
    reported cost is still exactly the scorer's."""
    path = DATA / "Instance3.txt"
    result = solve_instance(
        path, time_limit=120, workers=8, construct=True, deterministic_time=1e-6
    )
    assert result.status == "feasible"
    objective, violations = score(path, result.roster)
    assert violations == [] and objective == round(result.objective)


@pytest.mark.parametrize("work", [1e-6, 5.0])
def test_amhp_month_from_a_constructed_rota_passes_the_spec_checker(sqlite_db_url, work):
    """The AMHP rules between people (a locum never alone, newly warranted beside
    an established colleague, shadows beside the experienced) hold in a rota
    started from a construction, whether the whole model improves it or the
    constructed rota is all there is work left for."""
    service = parse_service((ROOT / "fixtures" / "warwickshire.yaml").read_text())
    params = solver.SolveParams(time_limit=300, workers=4, construct=True, deterministic_time=work)
    doc = operations.generate_rota(service, "2026-12", params, store=False).export
    assert doc["status"] in ("optimal", "feasible")
    assert check_rota(doc) == []


def test_a_repeatable_construction_is_the_same_idle_and_loaded():
    """With a work budget each group searches interleaved on its share of the
    work, so the constructed rota does not depend on the machine's load; and the
    budget really cuts the groups' searches short (more work, another rota)."""
    month = build_problem(
        parse_service((ROOT / "fixtures" / "warwickshire.yaml").read_text()),
        Period.month("2026-11"),
    ).problem

    def built(work: float) -> dict | None:
        # The whole solve's budget: a group that found nothing in its share looks
        # for a first rota within what is left of it.
        budget = Budget(solver.SolveParams(time_limit=600), time.monotonic(), 100.0)

        def group(sub, seconds, workers, share):
            return solve_module._solve_group(sub, seconds, workers, share, budget)

        return construct(month, 600, group, work=work)

    idle = built(0.3)
    with cores_busy():
        loaded = built(0.3)
    assert idle is not None and loaded == idle
    assert built(3.0) != idle


def test_a_repeatable_construction_gives_every_group_all_the_time_left():
    """Under a work budget the clock is only the construction's safety cap: each
    group may run until the construction's deadline, so a loaded machine slows a
    group down instead of cutting it short (which would change the rota without
    any limit saying so). Without work, groups share the clock. Each group's
    search is bounded by work here, so the checks hold however busy the cores."""
    month = build_problem(
        parse_service((ROOT / "fixtures" / "warwickshire.yaml").read_text()),
        Period.month("2026-11"),
    ).problem
    limit = 600

    def caps(work: float | None) -> list[tuple[float, float]]:
        """(seconds handed to each group, seconds then left of a deadline taken
        just before the construction's own)."""
        given: list[tuple[float, float]] = []
        deadline = time.monotonic() + limit

        def group(sub, seconds, workers, share):
            given.append((seconds, deadline - time.monotonic()))
            return solve_module._solve_group(sub, seconds, workers, share or 0.2)

        assert construct(month, limit, group, size=4, work=work) is not None
        return given

    repeatable = caps(1.0)
    assert len(repeatable) > 1
    # Orderings of one monotonic clock, not durations: a group's cap is read
    # before the test's ``left`` and against a later deadline, so it can never
    # be less however slow the machine, unless it were a share of the clock.
    assert all(seconds >= left for seconds, left in repeatable)
    shared = caps(None)
    # Without work each group gets the time left over the groups left, never
    # more than the whole limit over them, whatever the time left is.
    assert all(seconds <= limit / (len(shared) - g) for g, (seconds, _left) in enumerate(shared))
    assert shared[0][0] < shared[0][1]


def test_the_construction_stops_between_groups_when_told():
    """A stop heard after the first group: no later group is searched and there
    is no half-built rota."""
    month = build_problem(
        parse_service((ROOT / "fixtures" / "warwickshire.yaml").read_text()),
        Period.month("2026-11"),
    ).problem
    searched: list[int] = []

    def group(sub, seconds, workers, share):
        searched.append(len(sub.people))
        return solve_module._solve_group(sub, seconds, workers, share)

    assert construct(month, 60, group, size=4, work=1.0, stop=lambda: bool(searched)) is None
    assert len(searched) == 1
    assert construct(month, 60, group, size=4, work=1.0) is not None


def test_a_completed_hint_gives_every_variable_a_feasible_value():
    """solver.hints.complete: the duties held, every other variable worked out,
    so CP-SAT reads the hint as complete and feasible."""
    from ortools.sat.python import cp_model

    from solver.hints import complete

    month = build_problem(
        parse_service((ROOT / "fixtures" / "warwickshire.yaml").read_text()),
        Period.month("2026-11"),
    ).problem
    ctx = solver.build_model(month)
    first = cp_model.CpSolver()
    first.parameters.num_workers = 2
    first.parameters.stop_after_first_solution = True
    assert first.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    duties = {var.index: first.value(var) for var in ctx.x.values()}
    assert complete(ctx, cp_model.CpSolver(), duties)
    proto = ctx.model.proto
    assert len(proto.solution_hint.vars) == len(proto.variables)
    hinted = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    assert all(hinted[i] == v for i, v in duties.items())
    check = cp_model.CpSolver()
    check.parameters.fix_variables_to_their_hinted_value = True
    assert check.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_a_group_with_nothing_in_its_share_finds_a_first_rota_even_with_no_work_left():
    """Curtois 20 (26 weeks, minimum and maximum runs and minutes): a group of
    seven nurses finds no rota in a sliver of work, and the solve's work is all
    spent. It still looks for its first rota, on FIRST_ROTA_FLOOR_WORK with the
    first-rota subsolvers (solver.repeatable.FIRST_ROTA_SUBSOLVERS): a rota later
    than asked rather than none. Without the floor it had no work; with the
    default mix, interleaved, it found none in that work (a repeatable solve of
    Curtois 20 and 21 had no rota). The rota keeps every hard rule, and the work
    is counted."""
    bench = to_problem(parse(DATA / "Instance20.txt"))
    size = group_size(bench)
    group = bench.people[size : 2 * size]
    sub = group_problem(bench, group, Counter(), size)
    budget = Budget(solver.SolveParams(time_limit=600), time.monotonic(), 0.0)

    rota = solve_module._solve_group(sub, 600, 2, 0.01, budget)

    assert rota is not None
    assert 0.01 < budget.work_spent <= 0.01 + solve_module.FIRST_ROTA_FLOOR_WORK + 1.0
    held = solver.evaluate(sub, [(sub.people[pi].id, si) for (pi, si), v in rota.items() if v])
    assert held.status == solver.SolveStatus.FEASIBLE
