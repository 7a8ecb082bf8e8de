"""One focused test per rule, on a tiny problem, asserting that the rule binds:
the solution it forces, the exact penalty it costs, and the reason it gives."""

from __future__ import annotations

from datetime import date

import pytest

import solver
from solver import Closure, FixedCell, History, Request, Requirement, Rules
from tests.support.tiny import (
    ONLY,
    costs,
    day_list,
    duties_by_person,
    only,
    person,
    problem,
    run,
    slot,
)


def reasons(sol: solver.Solution) -> list[str]:
    return [r for g in sol.gaps for r in g.reasons]


def test_registries_name_every_rule_once():
    names = [r.name for r in solver.HARD_RULES] + [r.name for r in solver.SOFT_RULES]
    assert len(names) == len(set(names))
    assert {"min_rest_hours", "max_consecutive_duty_days", "cover_minimum"} <= set(names)


def test_one_duty_per_day():
    p = problem([slot(0, "D"), slot(0, "N", start_hour=18, hours=4)], [person("a")], weights=ONLY)
    sol = run(p)
    assert len(sol.assignments) == 1
    assert costs(sol, "cover_minimum") == 10_000
    assert any("A (a): on " in r for r in reasons(sol))


def test_min_rest_hours_blocks_short_turnaround():
    # On-call 17:00-23:00, next day 09:00: 10 hours of rest.
    slots = [slot(0, "N", start_hour=17, hours=6), slot(1, "D")]
    rules = Rules(min_rest_hours=11, day_off_after_on_call=False, weights=ONLY)
    sol = run(problem(slots, [person("a")], rules=rules))
    assert len(sol.assignments) == 1
    assert any("rest" in r for r in reasons(sol))
    relaxed = Rules(min_rest_hours=10, day_off_after_on_call=False, weights=ONLY)
    assert len(run(problem(slots, [person("a")], rules=relaxed)).assignments) == 2


def test_min_rest_hours_forbids_overlap_across_midnight():
    slots = [slot(0, "N", start_hour=20, hours=8), slot(1, "D", start_hour=3, hours=4)]
    rules = Rules(min_rest_hours=0, day_off_after_on_call=False, weights=ONLY)
    sol = run(problem(slots, [person("a")], rules=rules))
    assert len(sol.assignments) == 1


def test_max_consecutive_duty_days():
    slots = [slot(d) for d in range(5)]
    sol = run(problem(slots, [person("a")], rules=Rules(max_consecutive_duty_days=3, weights=ONLY)))
    worked = sorted(s for _p, s in sol.assignments)
    assert len(worked) == 4  # e.g. 3 on, 1 off, 1 on
    assert any("consecutive" in r for r in reasons(sol))
    sol2 = run(
        problem(slots, [person("a")], rules=Rules(max_consecutive_duty_days=5, weights=ONLY))
    )
    assert len(sol2.assignments) == 5


def test_day_off_after_on_call():
    slots = [slot(0, "N", start_hour=17, hours=2), slot(1, "D", start_hour=12)]
    on = Rules(min_rest_hours=0, day_off_after_on_call=True, weights=ONLY)
    sol = run(problem(slots, [person("a")], rules=on))
    assert len(sol.assignments) == 1
    # Whichever of the two it kept, the other's gap names the rule's effect.
    assert any("day off after on-call" in r or "the day after" in r for r in reasons(sol))
    off = Rules(min_rest_hours=0, day_off_after_on_call=False, weights=ONLY)
    assert len(run(problem(slots, [person("a")], rules=off)).assignments) == 2


def test_day_off_after_on_call_allows_further_on_call():
    slots = [slot(0, "N", start_hour=17, hours=2), slot(1, "N", start_hour=17, hours=2)]
    sol = run(problem(slots, [person("a")], rules=Rules(weights=ONLY)))
    assert len(sol.assignments) == 2


def test_max_cover_is_hard():
    people = [person(x) for x in "abc"]
    wishes = tuple(Request(x, 0, want=True, weight=100) for x in "abc")
    sol = run(problem([slot(0, lo=1, target=1, hi=2)], people, weights=ONLY, requests=wishes))
    assert len(sol.assignments) == 2
    assert costs(sol, "requests") == 100
    roomy = run(problem([slot(0, lo=1, target=1, hi=3)], people, weights=ONLY, requests=wishes))
    assert len(roomy.assignments) == 3


def test_no_locum_only_shift():
    sol = run(problem([slot(0, lo=1, hi=2)], [person("l", role="locum")], weights=ONLY))
    assert sol.assignments == ()
    assert any("locum" in r for r in reasons(sol))
    both = run(
        problem([slot(0, lo=2, hi=2)], [person("l", role="locum"), person("a")], weights=ONLY)
    )
    assert len(both.assignments) == 2


def test_closure_days_cap():
    n = 5
    closure_days = tuple(solver.Day(d.date, closure=True) for d in day_list(n))
    slots = [slot(d) for d in range(n)]
    rules = Rules(max_consecutive_duty_days=5, closure=Closure(2, 1), weights=ONLY)
    p = solver.Problem(
        closure_days, (solver.ShiftType("D", "Day"),), tuple(slots), (person("a"),), rules
    )
    sol = run(p)
    assert len(sol.assignments) == 2
    assert any("closure days" in r for r in reasons(sol))


def test_christmas_key_days_cap_and_last_year():
    day_objs = (
        solver.Day(date(2026, 12, 25), closure=True, key_day=True),
        solver.Day(date(2026, 12, 26), closure=True, key_day=True),
    )
    slots = [slot(0), slot(1)]
    slots = [solver.Slot(i, "D", s.start, s.end, 1, 1, 1) for i, s in enumerate(slots)]
    rules = Rules(closure=Closure(max_days_per_person=2, max_key_days_per_person=1), weights=ONLY)
    shift_types = (solver.ShiftType("D", "Day"),)
    sol = run(solver.Problem(day_objs, shift_types, tuple(slots), (person("a"),), rules))
    assert len(sol.assignments) == 1
    worked_25th_last_year = person("a", history=History(key_days={date(2025, 12, 25)}))
    sol2 = run(solver.Problem(day_objs, shift_types, tuple(slots), (worked_25th_last_year,), rules))
    assert sol2.assignments == (("a", 1),)
    assert any("worked 2025-12-25 last year" in r for r in reasons(sol2))


def test_fixed_cells_are_kept():
    people = [person("a"), person("b")]
    base = problem(
        [slot(0)], people, weights=ONLY, requests=(Request("b", 0, want=False, weight=1),)
    )
    assert run(base).assignments == (("a", 0),)
    fixed = problem(
        [slot(0)],
        people,
        weights=ONLY,
        requests=(Request("b", 0, want=False, weight=1),),
        fixed=(FixedCell("b", 0, "D"),),
    )
    assert ("b", 0) in run(fixed).assignments


def test_cover_minimum_exact_penalty_and_reasons():
    people = [person("a", unavailable={0: "annual leave"}), person("b", shifts=("N",))]
    sol = run(problem([slot(0, lo=2)], people, weights=ONLY))
    assert costs(sol, "cover_minimum") == 2 * 10_000
    assert sol.gaps[0].missing == 2
    # b does not do D, so only a is listed, with the leave reason.
    assert list(sol.gaps[0].reasons) == ["A (a): annual leave"]


def test_cover_target_exact_penalty():
    w = only(
        cover_target=7, duty_fairness=0, weekend_fairness=0, night_fairness=0, isolated_duty_day=0
    )
    sol = run(problem([slot(0, lo=1, target=3, hi=3)], [person("a"), person("b")], weights=w))
    assert len(sol.assignments) == 2
    assert costs(sol, "cover_target") == 7


def test_composition_needs_a_lead():
    req = (Requirement(("lead",), 1),)
    people = [person("a"), person("b"), person("l", role="lead")]
    sol = run(problem([slot(0, lo=1, hi=1, requirements=req)], people, weights=ONLY))
    assert sol.assignments == (("l", 0),)
    no_lead = run(problem([slot(0, lo=1, hi=1, requirements=req)], people[:2], weights=ONLY))
    assert costs(no_lead, "composition") == 5_000


def test_duty_fairness_spreads_by_fte():
    w = only(duty_fairness=10, weekend_fairness=0, night_fairness=0, isolated_duty_day=0)
    slots = [slot(d) for d in range(6)]
    people = [person("a"), person("b", fte=0.5)]
    sol = run(problem(slots, people, rules=Rules(max_consecutive_duty_days=6, weights=w)))
    counts = {pid: len(v) for pid, v in duties_by_person(sol).items()}
    assert counts == {"a": 4, "b": 2}
    assert costs(sol, "duty_fairness") == 0


def test_duty_fairness_penalty_is_squared_distance_from_band():
    # Two people, 6 slots, b may only work days 0 and 1: a takes 4 vs 3 expected.
    w = only(duty_fairness=10, weekend_fairness=0, night_fairness=0, isolated_duty_day=0)
    slots = [slot(d) for d in range(6)]
    people = [person("a"), person("b", unavailable={d: "leave" for d in range(2, 6)})]
    sol = run(problem(slots, people, rules=Rules(max_consecutive_duty_days=6, weights=w)))
    # b's share is 1.0 (half of days 0-1), a's 5.0: a does 4-5, b 1-2; all in band -> 0
    assert costs(sol, "duty_fairness") == 0
    strict = [person("a"), person("b", unavailable={d: "leave" for d in range(1, 6)})]
    sol2 = run(
        problem(
            slots,
            strict,
            rules=Rules(max_consecutive_duty_days=6, weights=w),
            fixed=(FixedCell("a", 0, "D"),),
        )
    )
    # b expected 0.5 on day 0 but a is fixed there: b gets 0, inside band [0, 1].
    assert costs(sol2, "duty_fairness") == 0


def test_weekend_fairness_counts_history():
    # Nov 7 and 8 2026 are a weekend: day indices 5 and 6 from Monday 2 Nov.
    w = only(weekend_fairness=10, duty_fairness=0, night_fairness=0, isolated_duty_day=0)
    slots = [slot(5), slot(6)]
    fresh = [person("a"), person("b")]
    sol = run(problem(slots, fresh, weights=w))
    assert sorted(len(v) for v in duties_by_person(sol).values()) == [1, 1]
    tired = [person("a", history=History(weekends=4)), person("b")]
    sol2 = run(problem(slots, tired, weights=w))
    assert duties_by_person(sol2).get("a", []) == []


def test_night_fairness_counts_history():
    w = only(night_fairness=10, duty_fairness=0, weekend_fairness=0, isolated_duty_day=0)
    slots = [slot(0, "N", start_hour=17, hours=6), slot(2, "N", start_hour=17, hours=6)]
    sol = run(problem(slots, [person("a", history=History(nights=6)), person("b")], weights=w))
    assert duties_by_person(sol).get("a", []) == []


def test_isolated_duty_day_prefers_blocks():
    # Slots on days 1-4 of a 6-day horizon, so no block touches the edges.
    w = only(isolated_duty_day=40)
    slots = [slot(d) for d in range(1, 5)]
    sol = run(problem(slots, [person("a"), person("b")], n_days=6, weights=w))
    assert costs(sol, "isolated_duty_day") == 0
    assert sorted(sorted(v) for v in duties_by_person(sol).values()) == [[0, 1], [2, 3]]
    forced = run(
        problem(
            slots,
            [person("a"), person("b", unavailable={2: "leave", 3: "leave"})],
            n_days=6,
            weights=w,
            fixed=(solver.FixedCell("b", 1, "D"),),
        )
    )
    assert costs(forced, "isolated_duty_day") == 40  # b's lone day 1, or a's split


def test_short_block_prefers_three_day_blocks():
    w = only(short_block=10)
    slots = [slot(d) for d in range(1, 7)]
    people = [person("a"), person("b")]
    sol = run(problem(slots, people, n_days=8, weights=w))
    assert costs(sol, "short_block") == 0
    assert sorted(len(v) for v in duties_by_person(sol).values()) in ([3, 3], [6])
    no_pref = run(problem(slots, people, n_days=8, weights=w, rules=Rules(preferred_block_days=2)))
    assert costs(no_pref, "short_block") == 0
    only_two = run(
        problem(
            slots,
            [person("a", unavailable={3: "leave"}), person("b")],
            n_days=8,
            weights=w,
            fixed=(solver.FixedCell("a", 1, "D"), solver.FixedCell("a", 2, "D")),
        )
    )
    assert costs(only_two, "short_block") >= 10


@pytest.mark.parametrize("want", [True, False])
def test_requests(want):
    w = only(requests=1, duty_fairness=0, weekend_fairness=0, night_fairness=0, isolated_duty_day=0)
    req = (Request("b", 0, want=want, weight=30),)
    sol = run(problem([slot(0)], [person("a"), person("b")], weights=w, requests=req))
    assert (("b", 0) in sol.assignments) is want
    assert costs(sol, "requests") == 0


def test_infeasible_cover_still_gives_a_rota_with_causes():
    people = [person(x, unavailable={0: "sickness"}) for x in "ab"]
    sol = run(problem([slot(0, lo=2), slot(1, lo=1)], people, weights=ONLY))
    assert sol.status == "optimal"
    gap = next(g for g in sol.gaps if g.slot == 0)
    assert gap.missing == 2 and sorted(gap.reasons) == ["A (a): sickness", "B (b): sickness"]


def test_problem_rejects_contradictions():
    with pytest.raises(solver.ProblemError):
        slot(0, lo=3, target=2)
    with pytest.raises(solver.ProblemError):
        person("x", fte=1.5)
    with pytest.raises(solver.ProblemError):
        problem([slot(0)], [person("a"), person("a")])


def test_a_gap_above_everyone_who_does_the_shift_says_they_are_already_on_it():
    """Cover of 3 with two people who do the shift: both are on it, and the gap says
    so (not "nobody on the rota does D"); someone who does not do D is not named."""
    people = [person("a"), person("b"), person("z", shifts=("N",))]
    sol = run(problem([slot(0, lo=3, target=3, hi=3)], people, weights=ONLY))
    assert sorted(p for p, _ in sol.assignments) == ["a", "b"]
    (gap,) = sol.gaps
    assert gap.missing == 1
    assert sorted(gap.reasons) == ["A (a): already on this shift", "B (b): already on this shift"]
    nobody = run(problem([slot(0, lo=1, hi=1)], [person("z", shifts=("N",))], weights=ONLY))
    assert nobody.gaps[0].reasons == ("nobody on the rota does D",)
