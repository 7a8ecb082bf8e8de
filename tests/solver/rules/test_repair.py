"""Repairing a rota: ``frozen_days`` holds every duty before the freeze day, and
``rota_changes`` (minimised right after the gaps) keeps the rest as published."""

from __future__ import annotations

from dataclasses import replace

import solver
from solver import ReferenceDuty, SolveStatus
from tests.support.tiny import duties_by_person, only, person, problem, slot

PARAMS = solver.SolveParams(time_limit=30, workers=2)
# Six day shifts, one person each; a works days 0-2, b days 3-5, c is spare.
SLOTS = [slot(d, "D") for d in range(6)]
PUBLISHED = tuple(ReferenceDuty("a" if d < 3 else "b", d, "D") for d in range(6))


def duties(sol) -> set[tuple[str, int]]:
    return {(pid, si) for pid, slots in duties_by_person(sol).items() for si in slots}


def repaired(people, freeze_before: int = 0):
    p = problem(
        SLOTS,
        people,
        weights=only(rota_changes=500),
        reference=PUBLISHED,
        freeze_before=freeze_before,
    )
    return p, solver.solve(p, PARAMS)


def test_a_sick_day_changes_that_duty_and_the_one_that_covers_it():
    sick_b = person("b", unavailable={4: "sickness"})
    p, sol = repaired([person("a"), sick_b, person("c")])
    assert sol.status == SolveStatus.OPTIMAL and sol.gaps == ()
    kept = {(d.person, d.day) for d in PUBLISHED} - {("b", 4)}
    held = {(pid, p.slots[si].day) for pid, si in duties(sol)}
    assert kept <= held and len(held - kept) == 1  # one cover on day 4, nothing else moved
    changes = sum(x.cost for x in sol.penalties if x.rule == "rota_changes")
    assert changes == 2 * p.rules.weights.rota_changes


def test_without_a_reference_nothing_is_counted_as_a_change():
    p = problem(SLOTS, [person("a"), person("b")], weights=only())
    sol = solver.solve(p, PARAMS)
    assert not [x for x in sol.penalties if x.rule == "rota_changes"]


def covered_day_three(freeze_before: int) -> set[tuple[str, int]]:
    """b is off sick on day 3 and c cannot work it: a must take it, and a's limit of
    three days in a row makes a give up one of days 0-2, which c would like (day 0)."""
    p = problem(
        SLOTS,
        [person("a"), person("b", unavailable={3: "sickness"}), person("c", unavailable={3: "x"})],
        weights=only(requests=1000, rota_changes=500),
        reference=PUBLISHED,
        freeze_before=freeze_before,
        requests=(solver.Request("c", 0, True, 50),),
    )
    sol = solver.solve(p, PARAMS)
    assert sol.gaps == ()
    return {(pid, p.slots[si].day) for pid, si in duties(sol)}


def test_days_before_the_freeze_stay_as_published():
    assert ("c", 0) in covered_day_three(freeze_before=0)  # the cheapest repair
    frozen = covered_day_three(freeze_before=2)
    assert {("a", 0), ("a", 1), ("a", 3), ("c", 2)} <= frozen and ("c", 0) not in frozen


def test_a_frozen_day_explains_its_gap_by_the_freeze():
    # a is published on day 0 but that duty is now impossible; the day is frozen.
    p = problem(
        SLOTS,
        [person("a", unavailable={0: "sickness"}), person("b"), person("c")],
        weights=only(rota_changes=500),
        reference=PUBLISHED,
        freeze_before=1,
    )
    sol = solver.solve(p, PARAMS)
    [gap] = [g for g in sol.gaps if p.slots[g.slot].day == 0]
    assert any("held as published" in r for r in gap.reasons)
    assert replace(p, freeze_before=0)  # the same problem without the freeze is valid
