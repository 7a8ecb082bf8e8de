"""The greedy first rota for services of many people (solver.greedy): every hard
rule kept, fixed cells first, no slot past its target, and the search that starts
from it never ends with more people missing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

import solver
from amhp.rota.build import build_problem
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml
from solver.greedy import GREEDY_ABOVE_PEOPLE, greedy_rota, suits
from tests.support.tiny import person, problem, slot


@pytest.fixture(scope="module")
def month() -> solver.Problem:
    service = parse_service(synthetic_service_yaml(GREEDY_ABOVE_PEOPLE + 20, 3, 2))
    return build_problem(service, Period.month("2026-11")).problem


def duties(p: solver.Problem, rota) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((p.people[pi].id, si) for pi, si in rota))


def test_the_greedy_rota_keeps_every_hard_rule(month):
    ctx = solver.build_model(month)
    rota = greedy_rota(ctx)
    scored = solver.evaluate(month, duties(month, rota))
    assert scored.status == solver.SolveStatus.FEASIBLE
    on = {si: sum(1 for _, s in rota if s == si) for si in range(len(month.slots))}
    assert all(on[si] <= s.target for si, s in enumerate(month.slots))
    assert sum(on.values()) > len(month.slots)  # it really places people


def test_fixed_cells_come_first(month):
    ctx = solver.build_model(month)
    pi, si = next(iter(greedy_rota(ctx)))
    other = next(qi for qi in range(len(month.people)) if (qi, si) in ctx.x and qi != pi)
    s = month.slots[si]
    fixed = (solver.FixedCell(month.people[other].id, s.day, s.shift),)
    held = replace(month, fixed=fixed)
    assert (other, si) in greedy_rota(solver.build_model(held))


def test_the_search_from_it_never_ends_with_more_missing(month):
    ctx = solver.build_model(month)
    start = solver.evaluate(month, duties(month, greedy_rota(ctx)))
    params = replace(solver.repeatable(1.0), deterministic_time=1.5, time_limit=600)
    solved = solver.solve(month, params)
    assert solved.status in (solver.SolveStatus.FEASIBLE, solver.SolveStatus.OPTIMAL)
    assert sum(g.missing for g in solved.gaps) <= sum(g.missing for g in start.gaps)


def test_only_many_people_without_patterns_and_not_repairs(month):
    assert suits(month)
    small = problem([slot(0)], [person("a")])
    assert not suits(small)
    patterned = replace(
        month,
        people=(
            replace(month.people[0], limits=solver.WorkLimits(max_minutes=600)),
            *month.people[1:],
        ),
    )
    assert not suits(patterned)
    pid = month.people[0].id
    assert not suits(replace(month, reference=(solver.ReferenceDuty(pid, 0, "HUB"),)))


def test_a_start_at_the_floor_proves_the_gaps_with_no_search(month):
    """With no minimum on the slots the greedy rota leaves short (the greedy
    fills to the targets, so its rota is unchanged), it has no gaps, the least
    any rota can have: the gaps are proven although the search is given almost
    no work."""
    on = Counter(si for _pi, si in greedy_rota(solver.build_model(month)))
    slots = tuple(replace(s, min=min(s.min, on[si])) for si, s in enumerate(month.slots))
    easy = replace(month, slots=slots)
    rule = next(r for r in solver.SOFT_RULES if r.name == "cover_minimum")
    ctx = solver.build_model(easy)
    placed: dict[int, list[int]] = {}
    for pi, si in greedy_rota(ctx):
        placed.setdefault(si, []).append(pi)
    assert rule.cost_of(easy, placed) == rule.floor(ctx) == 0
    params = solver.SolveParams(time_limit=300, workers=2, deterministic_time=1e-4)
    solution = solver.solve(easy, params)
    assert solution.status.found
    assert sum(g.missing for g in solution.gaps) == 0
    assert solution.gaps_proven
    # without a start there is nothing to prove it from in that work
    bare = solver.solve(easy, replace(params, greedy=False, construct=False))
    assert not bare.gaps_proven


def test_the_floors_are_the_rules_own_shortfalls(month):
    """cover_minimum's floor counts each slot's minimum less everyone who could
    take it; its cost for a rota, the minimum less who is on it."""
    from solver.rules.soft import CoverMinimum

    ctx = solver.build_model(month)
    rule = CoverMinimum()
    weight = rule.weight(month)
    everyone = {si: list(pis) for si, pis in ctx.by_slot.items()}
    assert rule.floor(ctx) == rule.cost_of(month, everyone)
    assert rule.cost_of(month, {}) == weight * sum(s.min for s in month.slots)


def _pass_only(p: solver.Problem) -> dict[int, list[int]]:
    """Who the pass alone (no mending) puts on each slot."""
    from solver.greedy import _Greedy

    ctx = solver.build_model(p)
    rota = _Greedy(ctx)
    for si in range(len(p.slots)):
        rota.fill(si)
    return rota.on


def _covered(p: solver.Problem) -> tuple[dict[int, list[int]], solver.Solution]:
    rota = greedy_rota(solver.build_model(p))
    on: dict[int, list[int]] = {}
    for pi, si in rota:
        on.setdefault(si, []).append(pi)
    return on, solver.evaluate(p, duties(p, rota))


def test_a_slot_left_short_is_mended_by_a_move_off_a_spare_duty():
    """Both people fill the day shift to its target; the on-call that evening then
    has nobody (one duty a day). One moves across: the day shift keeps its minimum."""
    p = problem(
        [slot(0, "D", lo=1, target=2), slot(0, "N", start_hour=17)], [person("a"), person("b")]
    )
    assert len(_pass_only(p)[1]) == 0
    on, scored = _covered(p)
    assert len(on[0]) == 1 and len(on[1]) == 1
    assert scored.status == solver.SolveStatus.FEASIBLE and not scored.gaps


def test_a_slot_left_short_is_mended_by_a_move_and_a_refill():
    """The one person who can take the on-call holds the day shift, at its
    minimum: they move, and someone who can only do days takes theirs."""
    people = [person("a"), person("b", shifts=("D",))]
    p = problem([slot(0, "D"), slot(0, "N", start_hour=17)], people)
    assert _pass_only(p)[0] == [0]  # the pass put "a" on the day shift
    on, scored = _covered(p)
    assert on == {0: [1], 1: [0]}
    assert scored.status == solver.SolveStatus.FEASIBLE and not scored.gaps


def test_a_fixed_cell_is_never_moved_to_mend_another_slot():
    people = [person("a"), person("b", shifts=("D",))]
    slots = [slot(0, "D", lo=1, target=2), slot(0, "N", start_hour=17)]
    p = problem(slots, people, fixed=(solver.FixedCell("a", 0, "D"),))
    on, scored = _covered(p)
    assert 0 in on[0] and 1 not in on
    assert [g.missing for g in scored.gaps] == [1]


def test_a_move_never_leaves_a_locum_alone():
    """Moving the AMHP off the day shift would leave the locum alone on it, so
    the on-call stays short rather than break that rule."""
    people = [person("a"), person("l", role="locum", shifts=("D",))]
    p = problem([slot(0, "D", lo=1, target=2), slot(0, "N", start_hour=17)], people)
    assert sorted(_pass_only(p)[0]) == [0, 1]
    on, scored = _covered(p)
    assert sorted(on[0]) == [0, 1] and 1 not in on
    assert scored.status == solver.SolveStatus.FEASIBLE
