"""A service solved in parts (solver.decompose): areas kept whole, every slot's
cover divided between the parts in proportion to who could take it, and the
joined rota keeping every hard rule, its gaps counted over the whole service and
proven only against the bound from who could take each slot at all."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from math import nan

import pytest

import solver
from amhp.rota.build import build_problem
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml
from solver.decompose import (
    MIN_PART_WORK,
    SearchPool,
    able,
    divide_slots,
    partition,
    search_cost,
    search_seconds,
    solve_in_parts,
    split,
)
from solver.solve import solve

PART_PAIRS = 800  # small parts, so a small service splits into several


@pytest.fixture(scope="module")
def month() -> solver.Problem:
    service = parse_service(synthetic_service_yaml(60, 4, 3))
    return build_problem(service, Period.month("2026-11")).problem


def _solve_part(problem, params, stop):
    return solve(problem, params, stop=stop)


def test_areas_stay_whole_and_parts_keep_their_size(month):
    parts = partition(month, PART_PAIRS)
    assert len(parts) >= 2
    assert sorted(pi for part in parts for pi in part) == list(range(len(month.people)))
    area_parts = {}
    for k, part in enumerate(parts):
        for pi in part:
            area_parts.setdefault(month.people[pi].area, set()).add(k)
    # an area smaller than a part is never split between parts
    per_person = solver.decompose.pairs_by_person(month)
    for area, ks in area_parts.items():
        members = [pi for pi, p in enumerate(month.people) if p.area == area]
        if sum(per_person[pi] for pi in members) <= PART_PAIRS:
            assert len(ks) == 1, area


def test_each_level_is_divided_without_loss_and_within_who_could_take_it(month):
    parts = partition(month, PART_PAIRS)
    who = able(month, parts).take
    divided = divide_slots(month, parts, able(month, parts))
    for si, slot in enumerate(month.slots):
        total = sum(len(pis) for pis in who[si])
        shares = [own[si] for own in divided]
        assert sum(s.min for s in shares) == min(slot.min, total)
        assert sum(s.target for s in shares) == min(slot.target, total)
        for k, share in enumerate(shares):
            assert share.min <= share.target <= share.max
            assert share.target <= len(who[si][k])
        for n, req in enumerate(slot.requirements):
            given = sum(r.min for s in shares for r in s.requirements if r.roles == req.roles)
            holders = sum(month.people[pi].role in req.roles for pis in who[si] for pi in pis)
            assert given == min(req.min, holders), (si, n)


def test_a_one_person_level_takes_turns_between_the_parts(month):
    """The hub's lead, one a weekday, goes to each part in turn, in proportion to
    its leads, not to one part every day."""
    parts = partition(month, PART_PAIRS)
    who = able(month, parts).take
    divided = divide_slots(month, parts, able(month, parts))
    given: Counter = Counter()
    due: Counter = Counter()
    for si, slot in enumerate(month.slots):
        for req in slot.requirements:
            holders = [sum(month.people[pi].role in req.roles for pi in pis) for pis in who[si]]
            for k, n in enumerate(holders):
                due[k] += req.min * n / sum(holders) if sum(holders) else 0
                given[k] += sum(r.min for r in divided[k][si].requirements)
    assert len(+given) >= 2
    assert all(abs(given[k] - due[k]) <= 1.5 for k in range(len(parts))), (given, due)


def test_the_joined_rota_keeps_every_hard_rule_and_counts_gaps_over_the_whole(month):
    params = solver.SolveParams(time_limit=300, workers=2, deterministic_time=2.0)
    joined = solve_in_parts(month, params, _solve_part, part_pairs=PART_PAIRS)
    assert joined.status == solver.SolveStatus.FEASIBLE
    assert joined.stats["parts"] >= 2
    scored = solver.evaluate(month, joined.assignments, joined.shadows)
    assert scored.status == solver.SolveStatus.FEASIBLE
    assert [(g.slot, g.missing) for g in joined.gaps] == [(g.slot, g.missing) for g in scored.gaps]
    bound = split(month, PART_PAIRS).gap_bound
    assert joined.gaps_proven == (sum(g.missing for g in joined.gaps) == bound)


def test_the_gap_bound_counts_slots_nobody_could_fill(month):
    """A slot asking for more people than could ever take it: the bound counts
    the difference, the joined rota has at least that gap, and it is proven only
    if it has no more."""
    si = next(i for i, s in enumerate(month.slots) if s.shift == "HUB")
    slots = list(month.slots)
    slots[si] = replace(slots[si], min=500, target=500, max=500)
    big = replace(month, slots=tuple(slots))
    parts = split(big, PART_PAIRS)
    able_here = sum(len(pis) for pis in able(big, parts.people).take[si])
    assert parts.gap_bound >= 500 - able_here > 0
    params = solver.SolveParams(time_limit=300, workers=2, deterministic_time=1.0)
    joined = solve_in_parts(big, params, _solve_part, part_pairs=PART_PAIRS)
    missing = sum(g.missing for g in joined.gaps)
    assert missing >= parts.gap_bound
    assert joined.gaps_proven == (missing == parts.gap_bound)


def test_the_same_work_gives_the_same_joined_rota(month):
    params = solver.SolveParams(time_limit=300, workers=2, deterministic_time=1.0)
    params = replace(params, repeatable=True)
    first = solve_in_parts(month, params, _solve_part, part_pairs=PART_PAIRS)
    again = solve_in_parts(month, params, _solve_part, part_pairs=PART_PAIRS)
    assert sorted(first.assignments) == sorted(again.assignments)


def test_only_services_above_the_threshold_are_solved_in_parts(monkeypatch):
    """Below DECOMPOSE_ABOVE_PAIRS a solve is whole; above it, in parts; and a
    solve asked to split a small service gets a single part."""
    service = parse_service(synthetic_service_yaml(30, 1, 1))
    small = build_problem(service, Period.month("2026-11")).problem
    params = solver.SolveParams(time_limit=300, workers=2, deterministic_time=0.5)
    assert not solver.decompose.suits(small)
    assert "parts" not in solver.solve(small, params).stats
    assert solver.solve(small, replace(params, decompose=True)).stats["parts"] == 1
    pairs = sum(solver.decompose.pairs_by_person(small))
    monkeypatch.setattr(solver.decompose, "DECOMPOSE_ABOVE_PAIRS", pairs - 1)
    assert solver.solve(small, params).stats["parts"] == 1


def _pool_for(parts, search: float) -> SearchPool:
    """A pool whose repeatable solve leaves ``search`` seconds for searching."""
    fixed = 100.0 - search_seconds(100.0, parts)
    return SearchPool(parts, solver.repeatable(fixed + search))


def test_seconds_too_few_for_every_part_search_the_first_parts_and_no_more(month):
    """Too little time for every part's least useful search: the first part gets
    that least (MIN_PART_WORK), and once what it spent is counted nothing is left
    for the next."""
    parts = split(month, PART_PAIRS)
    pool = _pool_for(parts, search_cost(MIN_PART_WORK) * 1.5)
    first = pool.params(0, left=100.0)
    assert first.deterministic_time == pytest.approx(MIN_PART_WORK)
    assert first.seconds_of_work is None and not first.prove and not first.decompose
    searched = solve(parts.problems[0], first)
    assert searched.stats["work"] > 0
    pool.spent(searched)
    assert pool.params(1, left=100.0).deterministic_time == 0.0


def test_a_searched_part_gets_more_of_the_wall_clock_cap_than_one_read_back(month):
    """The cap is shared as the parts are expected to take: the searched first
    part more than the next, of about its size, which only reads its rota back."""
    parts = split(month, PART_PAIRS)
    pool = _pool_for(parts, search_cost(MIN_PART_WORK) * 1.5)
    first = pool.params(0, left=100.0)
    pool.spent(
        solver.Solution(solver.SolveStatus.FEASIBLE, 0, nan, 0, stats={"work": MIN_PART_WORK})
    )
    second = pool.params(1, left=100.0)
    assert first.deterministic_time > 0 and second.deterministic_time == 0
    assert first.time_limit > 2 * second.time_limit * parts.pairs[0] / parts.pairs[1]


def test_ample_seconds_are_shared_by_pairs_and_never_overspent(month):
    parts = split(month, PART_PAIRS)
    search = search_cost(MIN_PART_WORK) * 10 * len(parts.problems)
    pool = _pool_for(parts, search)
    works = []
    for k in range(len(parts.problems)):
        works.append(pool.params(k, left=1000.0).deterministic_time)
        pool.spent(
            solver.Solution(solver.SolveStatus.FEASIBLE, 0, nan, 0, stats={"work": works[-1]})
        )
    assert all(w > MIN_PART_WORK for w in works)
    assert sum(search_cost(w) for w in works) <= search + 1e-9
    biggest = max(range(len(works)), key=lambda k: parts.pairs[k])
    assert works[biggest] == max(works)


def test_a_part_given_no_search_is_its_greedy_rota_read_back(month):
    """No seconds left for searching: every part is its greedy rota, nothing
    counted as work, and the joined rota still keeps every hard rule."""
    parts = split(month, PART_PAIRS)
    fixed = 100.0 - search_seconds(100.0, parts)
    params = solver.repeatable(fixed)
    joined = solve_in_parts(month, params, _solve_part, part_pairs=PART_PAIRS)
    assert joined.status == solver.SolveStatus.FEASIBLE
    assert joined.stats["work"] == 0
    assert solver.evaluate(month, joined.assignments, joined.shadows).status == "feasible"


def test_a_part_out_of_its_share_of_the_clock_falls_back_to_its_greedy_rota(month):
    """A loaded machine: the first part's share of the wall-clock cap is over
    before its model is built. It is solved again with no search and all the time
    left, so the whole still has a rota, which keeps every hard rule and says it
    is not repeatable."""
    calls: list[solver.SolveParams] = []

    def loaded_first(problem, params, stop):
        calls.append(params)
        if len(calls) == 1:
            params = replace(params, time_limit=1e-9)
        return solve(problem, params, stop=stop)

    params = replace(solver.repeatable(5.0), time_limit=300)
    joined = solve_in_parts(month, params, loaded_first, part_pairs=PART_PAIRS)
    assert joined.status == solver.SolveStatus.FEASIBLE
    assert calls[1].deterministic_time == 0.0  # the same part again, unsearched
    assert len(calls) == joined.stats["parts"] + 1
    assert not joined.stats["repeatable"]
    assert solver.evaluate(month, joined.assignments, joined.shadows).status == "feasible"
