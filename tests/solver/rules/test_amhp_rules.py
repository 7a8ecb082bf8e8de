"""One focused test per AMHP rule (issue: Christmas, caseloads, recovery, locums,
trainees), each on a tiny problem where the rule binds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import solver
from solver import Day, History, Rules, Trainees
from solver.rules.hard import HARD_RULES
from tests.support.tiny import (
    DAY,
    NIGHT,
    START,
    costs,
    duties_by_person,
    only,
    person,
    problem,
    run,
    slot,
)

# 12 a month prorates to 2 over these 5-6 day horizons.
TRAINING = Trainees(shadow_days_per_month=12, mentor_min_months=12, newly_warranted_weeks=8)


def rules(**kw) -> Rules:
    return Rules(trainees=TRAINING, **kw)


def test_shadow_only_beside_experienced_amhp():
    trainee = person("t", role="trainee", warranted_from=date(2027, 1, 1))
    veteran = person("v", warranted_from=date(2015, 1, 1))
    newbie = person("n", warranted_from=date(2026, 6, 1))  # under 12 months
    slots = [slot(d, lo=1, hi=2) for d in range(1, 4)]
    sol = run(
        problem(slots, [trainee, newbie], n_days=5, weights=only(shadow_days=100), rules=rules())
    )
    assert sol.shadows == ()
    assert costs(sol, "shadow_days") > 0
    sol2 = run(
        problem(slots, [trainee, veteran], n_days=5, weights=only(shadow_days=100), rules=rules())
    )
    assert len(sol2.shadows) == 2  # the monthly target (2 of 2)
    assert all(("v", si) in sol2.assignments for _t, si in sol2.shadows)
    assert costs(sol2, "shadow_days") == 0
    assert all(p == "t" for p, _ in sol2.shadows) and not any(p == "t" for p, _ in sol2.assignments)


def test_shadow_days_exact_penalty():
    trainee = person(
        "t",
        role="trainee",
        warranted_from=date(2027, 1, 1),
        unavailable={d: "training" for d in range(2, 6)},
    )
    veteran = person("v", warranted_from=date(2015, 1, 1))
    slots = [slot(d, lo=1, hi=2) for d in range(1, 5)]
    p = problem(slots, [trainee, veteran], n_days=6, weights=only(shadow_days=100), rules=rules())
    sol = run(p)
    # Only day 1 is possible: 1 of the 2 target days, so 1 * 100.
    assert costs(sol, "shadow_days") == 100
    assert sol.shadows == (("t", 0),)


def test_newly_warranted_never_alone_or_only_with_new():
    new1 = person("a", warranted_from=date(2026, 10, 20))
    new2 = person("b", warranted_from=date(2026, 10, 25))
    old = person("c", warranted_from=date(2010, 1, 1), unavailable={0: "annual leave"})
    slots = [slot(0, lo=2, hi=2), slot(2, lo=2, hi=2)]
    sol = run(problem(slots, [new1, new2, old], weights=only(), rules=rules()))
    day0 = [p for p, s in sol.assignments if s == 0]
    assert day0 == []  # two new people may not pair up alone
    assert any("no established colleague" in r for g in sol.gaps for r in g.reasons)
    day2 = sorted(p for p, s in sol.assignments if s == 1)
    assert "c" in day2 and len(day2) == 2
    later = replace(rules(), trainees=replace(TRAINING, newly_warranted_weeks=1))
    sol2 = run(problem(slots, [new1, new2, old], weights=only(), rules=later))
    assert sorted(p for p, s in sol2.assignments if s == 0) == ["a", "b"]


def test_a_locum_and_a_newly_warranted_amhp_never_staff_a_shift_alone():
    """Each passes "never only locums" and "never only newly warranted" on its own;
    established_on_every_shift refuses the pair, and accepts it beside an
    established AMHP."""
    locum = person("l", role="locum", locum_kind="contracted")
    new = person("n", warranted_from=date(2026, 10, 20))
    old = person("c", warranted_from=date(2010, 1, 1), unavailable={0: "annual leave"})
    slots = [slot(0, lo=2, hi=2), slot(2, lo=2, hi=3)]
    p = problem(slots, [locum, new, old], weights=only(), rules=rules())
    sol = run(p)
    assert [p for p, s in sol.assignments if s == 0] == []
    assert next(g for g in sol.gaps if g.slot == 0).missing == 2
    assert {p for p, s in sol.assignments if s == 1} >= {"c"}
    # Why the newly warranted AMHP may not join the locum: this rule alone says.
    said = {r.name: r.blocks(p, set(), 1, 0, ["l"]) for r in HARD_RULES}
    assert [name for name, why in said.items() if why] == ["established_on_every_shift"]
    relaxed = replace(rules(), established_on_every_shift=False)
    sol2 = run(problem(slots, [locum, new, old], weights=only(), rules=relaxed))
    assert sorted(p for p, s in sol2.assignments if s == 0) == ["l", "n"]


def test_newly_warranted_excluded_from_single_person_shift():
    new = person("a", warranted_from=date(2026, 10, 20))
    sol = run(problem([slot(0, lo=1, hi=1)], [new], weights=only(), rules=rules()))
    assert sol.assignments == ()
    assert "newly warranted" in sol.gaps[0].reasons[0]


def test_max_on_calls_per_month():
    slots = [slot(d, "N", start_hour=17, hours=6) for d in range(0, 8, 2)]
    capped = Rules(max_on_calls_per_month=2, weights=only())
    sol = run(problem(slots, [person("a")], rules=capped))
    assert len(sol.assignments) == 2
    assert any("already 2 on-calls this month" in r for g in sol.gaps for r in g.reasons)
    free = Rules(max_on_calls_per_month=None, weights=only())
    assert len(run(problem(slots, [person("a")], rules=free)).assignments) == 4


def test_max_weekend_days_per_month():
    # 7/8 and 14/15 Nov 2026 are weekends (days 5, 6, 12, 13 from Monday 2 Nov).
    slots = [slot(d) for d in (5, 6, 12, 13)]
    capped = Rules(max_weekend_days_per_month=3, weights=only())
    sol = run(problem(slots, [person("a")], rules=capped))
    assert len(sol.assignments) == 3


def test_sessional_locum_only_closes_gaps_and_cheapest_first():
    cheap = person("s1", role="locum", locum_kind="sessional", day_rate=300)
    dear = person("s2", role="locum", locum_kind="sessional", day_rate=500)
    amhp = person("a")
    w = only(sessional_locum=1_000, cover_target=200)
    # Target 2 above a minimum of 1: the AMHP meets the minimum; no locum for target.
    sol = run(problem([slot(0, lo=1, target=2, hi=2)], [amhp, cheap, dear], weights=w))
    assert sol.assignments == (("a", 0),)
    # Minimum 2: one locum closes the gap, the cheaper one.
    sol2 = run(problem([slot(0, lo=2, target=2, hi=2)], [amhp, cheap, dear], weights=w))
    assert sorted(sol2.assignments) == [("a", 0), ("s1", 0)]
    assert costs(sol2, "sessional_locum") == 1_300


def test_bank_holiday_fairness_counts_closure_history():
    days = (
        Day(date(2026, 12, 25), closure=True, key_day=False),
        Day(date(2026, 12, 26), closure=True, key_day=False),
    )
    slots = tuple(
        solver.Slot(i, "D", s.start, s.end, 1, 1, 1) for i, s in enumerate([slot(0), slot(1)])
    )
    w = only(bank_holiday_fairness=100)
    people = (person("a", history=History(closure_days=6)), person("b"))
    sol = run(
        solver.Problem(
            days, (DAY, NIGHT), slots, people, Rules(max_consecutive_duty_days=3, weights=w)
        )
    )
    assert sorted(p for p, _ in sol.assignments) == ["b", "b"]


def test_duty_fairness_gives_heavier_caseloads_fewer_days():
    light = person("light", caseload_share=0.2)
    heavy = person("heavy", caseload_share=0.8)
    slots = [slot(d) for d in range(10)]
    balanced = Rules(max_consecutive_duty_days=10, weights=only(duty_fairness=200))
    sol = run(problem(slots, [light, heavy], rules=balanced))
    days = {p: len(v) for p, v in duties_by_person(sol).items()}
    assert days["light"] > days.get("heavy", 0) + 3
    flat = replace(balanced, balance_caseload=False)
    sol2 = run(problem(slots, [light, heavy], rules=flat))
    assert sorted(len(v) for v in duties_by_person(sol2).values()) == [5, 5]


def _prior(pid: str, day: int, shift: str = "D", start_hour: int = 9, hours: int = 8, **kw):
    start = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    start += timedelta(hours=start_hour)
    return solver.PriorDuty(pid, day, shift, start, start + timedelta(hours=hours), **kw)


def test_prior_on_call_frees_the_first_morning_and_counts_rest():
    slots = [slot(0), slot(0, "N", start_hour=17, hours=6)]
    prior = (_prior("a", -1, "N", start_hour=17, hours=6),)
    sol = run(problem(slots, [person("a")], weights=only(), prior=prior))
    assert sol.assignments == (("a", 1),)  # the evening on-call only
    # Rest (10 h since 23:00) and the day off both forbid it; the first is quoted.
    assert sol.gaps[0].reasons == ("A (a): rest after N on 2026-11-01",)
    rested = Rules(min_rest_hours=0, weights=only())
    sol_day_off = run(problem(slots, [person("a")], rules=rested, prior=prior))
    assert sol_day_off.gaps[0].reasons == ("A (a): day off after on-call N on 2026-11-01",)
    late = (_prior("a", -1, "N", start_hour=22, hours=4),)  # ends 02:00 on day 0
    off = Rules(day_off_after_on_call=False, weights=only())
    sol2 = run(problem([slot(0)], [person("a")], rules=off, prior=late))
    assert sol2.assignments == () and "rest after N" in sol2.gaps[0].reasons[0]


def test_prior_run_counts_towards_consecutive_days():
    prior = (_prior("a", -2), _prior("a", -1))
    slots = [slot(d) for d in range(3)]
    sol = run(problem(slots, [person("a")], weights=only(), prior=prior))
    assert sorted(s for _p, s in sol.assignments) in ([1, 2], [0, 2])
    assert len(sol.assignments) == 2


def test_prior_closure_days_count_towards_the_cap():
    days = (Day(date(2027, 1, 1), closure=True, key_day=True),)
    s = slot(0)
    slots = (solver.Slot(0, "D", s.start, s.end, 1, 1, 1),)
    worked = (
        _prior("a", -7, closure=True, key_day=True),  # 25 Dec
        _prior("a", -3, closure=True),  # 29 Dec
    )
    p = solver.Problem(
        days, (DAY, NIGHT), slots, (person("a"), person("b")), Rules(weights=only()), prior=worked
    )
    sol = run(p)
    assert sol.assignments == (("b", 0),)
    only_a = solver.Problem(
        days, (DAY, NIGHT), slots, (person("a"),), Rules(weights=only()), prior=worked
    )
    reasons = run(only_a).gaps[0].reasons
    assert reasons == ("A (a): closure cap: already 2 closure days, the most each",)
