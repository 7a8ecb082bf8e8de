"""The general rostering rules (solver.rules.pattern), one focused test each, on
tiny problems where the rule is what decides: without it the solver would do
otherwise."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

import solver
from solver import Request, Rules, WorkLimits
from tests.support.tiny import ONLY, costs, only, person, problem, run, slot

# AMHP defaults off, so only the rule under test shapes the rota.
PLAIN = Rules(
    min_rest_hours=0,
    max_consecutive_duty_days=99,
    day_off_after_on_call=False,
    closure=None,
    max_on_calls_per_month=None,
    max_weekend_days_per_month=None,
    fte_limit_extra_days=None,
    weights=ONLY,
)


def days_of(sol: solver.Solution, p: solver.Problem, who: str) -> list[int]:
    return sorted(p.slots[si].day for pid, si in sol.assignments if pid == who)


def test_forbidden_succession():
    slots = [slot(0, "N", start_hour=9), slot(1, "D", start_hour=9)]
    ok = problem(slots, [person("a")], rules=PLAIN)
    assert len(run(ok).assignments) == 2
    banned = replace(PLAIN, forbidden_successions=(("N", "D"),))
    sol = run(problem(slots, [person("a")], rules=banned))
    assert len(sol.assignments) == 1
    assert any(
        "may not follow N" in r or "may not follow" in r for g in sol.gaps for r in g.reasons
    )


def test_max_shifts_per_type():
    slots = [slot(d) for d in range(4)]
    a = person("a", limits=WorkLimits(max_per_shift={"D": 2}))
    sol = run(problem(slots, [a], rules=PLAIN))
    assert len(sol.assignments) == 2
    assert any("already has 2 D shifts" in r for g in sol.gaps for r in g.reasons)
    never = person("a", limits=WorkLimits(max_per_shift={"D": 0}))
    sol = run(problem(slots, [never], rules=PLAIN))
    assert sol.assignments == () and "A (a): never works D" in sol.gaps[0].reasons


def test_total_minutes_bounds_both_ways():
    slots = [slot(d, hours=8) for d in range(4)]
    capped = person("a", limits=WorkLimits(max_minutes=2 * 480))
    assert len(run(problem(slots, [capped], rules=PLAIN)).assignments) == 2
    # A minimum forces work nobody asked for (cover target 0, request to be off).
    idle = [slot(d, lo=0, hi=1) for d in range(4)]
    floor = person("a", limits=WorkLimits(min_minutes=3 * 480))
    off = tuple(Request("a", d, want=False, weight=5) for d in range(4))
    sol = run(problem(idle, [floor], rules=PLAIN, requests=off))
    assert len(sol.assignments) == 3 and costs(sol, "requests") == 15


def test_min_consecutive_duty_days_with_edge_exemption():
    # Cover wants days 1 and 4 only; a minimum run of 2 makes each a pair.
    n = 7
    slots = [slot(d, lo=1 if d in (1, 4) else 0, hi=1) for d in range(n)]
    free = run(problem(slots, [person("a")], rules=PLAIN))
    assert len(free.assignments) == 2
    a = person("a", limits=WorkLimits(min_consecutive_days=2))
    p = problem(slots, [a], rules=PLAIN)
    days = days_of(run(p), p, "a")
    runs = _runs(days)
    assert all(len(r) >= 2 for r in runs if r[0] > 0 and r[-1] < n - 1)
    # A single day at the edge is allowed: it may continue beyond the horizon.
    edge = [slot(d, lo=1 if d == 0 else 0, hi=1) for d in range(n)]
    rather_not = tuple(Request("a", d, want=False, weight=1) for d in range(1, n))
    p = problem(edge, [a], rules=PLAIN, requests=rather_not)
    assert days_of(run(p), p, "a") == [0]


def test_min_consecutive_days_off():
    # Work is wanted every day; day 3 has no shift, and days off come in twos.
    n = 7
    slots = [slot(d) for d in range(n) if d != 3]
    a = person("a", limits=WorkLimits(min_consecutive_days_off=2))
    p = problem(slots, [a], rules=PLAIN, n_days=n)
    sol = run(p)
    worked = set(days_of(sol, p, "a"))
    off = [d for d in range(n) if d not in worked]
    assert all(len(r) >= 2 for r in _runs(off) if r[0] > 0 and r[-1] < n - 1)
    assert costs(sol, "cover_minimum") == 10_000  # one wanted day given up


def _pattern_ok(worked: tuple[int, ...], max_on: int, min_on: int, min_off: int) -> bool:
    """The run-length rules checked by hand on one person's days (1 = duty)."""
    n = len(worked)
    runs, start = [], 0
    for d in range(1, n + 1):
        if d == n or worked[d] != worked[start]:
            runs.append((worked[start], start, d - start))
            start = d
    for value, first, length in runs:
        inside = first > 0 and first + length < n
        if value and length > max_on:
            return False
        if inside and value and length < min_on:
            return False
        if inside and not value and length < min_off:
            return False
    return True


@pytest.mark.parametrize(("max_on", "min_on", "min_off"), [(2, 1, 2), (3, 2, 2), (2, 2, 3)])
def test_run_rules_keep_every_valid_pattern(max_on, min_on, min_off):
    """The model (with its redundant density cut, any max_on + min_off days hold at
    most max_on duties) has exactly the patterns the rules allow: counted against
    a brute force over all 2^10 patterns of one person's ten days."""
    n = 10
    limits = WorkLimits(
        max_consecutive_days=max_on, min_consecutive_days=min_on, min_consecutive_days_off=min_off
    )
    p = problem([slot(d, lo=0, hi=1) for d in range(n)], [person("a", limits=limits)], rules=PLAIN)
    ctx = solver.build_model(p)
    ctx.model.clear_objective()
    days = [ctx.worked(0, d) for d in range(n)]
    seen: set[tuple[int, ...]] = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            seen.add(tuple(int(self.value(w)) for w in days))

    engine = cp_model.CpSolver()
    engine.parameters.enumerate_all_solutions = True
    assert engine.solve(ctx.model, Collect()) == cp_model.OPTIMAL
    every = itertools.product((0, 1), repeat=n)
    expected = {w for w in every if _pattern_ok(w, max_on, min_on, min_off)}
    assert seen == expected


def test_max_weekends():
    # Days 5, 6 (first weekend) and 12, 13 (second), one person wanted on all.
    slots = [slot(d) for d in (5, 6, 12, 13)]
    a = person("a", limits=WorkLimits(max_weekends=1))
    p = problem(slots, [a], rules=PLAIN, n_days=14)
    days = days_of(run(p), p, "a")
    assert days in ([5, 6], [12, 13])


def test_cover_over_prices_extra_people():
    slots = [slot(0, lo=1, target=1, hi=3)]
    wanted = tuple(Request(x, 0, want=True, weight=5) for x in "abc")
    p = problem(slots, [person(x) for x in "abc"], rules=PLAIN, requests=wanted)
    assert len(run(p).assignments) == 3  # over target is free by default
    priced = replace(PLAIN, weights=only(cover_over=20))
    sol = run(replace(p, rules=priced))
    assert len(sol.assignments) == 1 and costs(sol, "cover_over") == 0


def test_limits_name_only_known_shifts():
    with pytest.raises(solver.ProblemError):
        problem([slot(0)], [person("a", limits=WorkLimits(max_per_shift={"X": 1}))])
    with pytest.raises(solver.ProblemError):
        problem([slot(0)], [person("a")], rules=replace(PLAIN, forbidden_successions=(("D", "X"),)))


def _runs(days: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for d in sorted(days):
        if out and out[-1][-1] == d - 1:
            out[-1].append(d)
        else:
            out.append([d])
    return out
