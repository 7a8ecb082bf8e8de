"""Required roles (Slot.requirements, the ``composition`` rule): minimised in their
own lexicographic phase after the gaps and before every soft rule, proven where the
solver can, and reported like gaps, with a cause for each person who holds the role."""

from __future__ import annotations

import solver
from solver import Requirement
from tests.support.tiny import only, person, problem, run, slot

LEAD = (Requirement(("lead", "manager"), name="a lead or manager"),)


def test_a_lead_on_every_shift_beats_any_soft_rule_however_heavy():
    """Fairness weighted far above the composition weight would share the four
    days out; the composition phase comes first, so the lead takes every one."""
    slots = [slot(d, "D", hi=2, requirements=LEAD) for d in range(4)]
    people = [person("l", "lead"), person("a"), person("b")]
    rules = solver.Rules(max_consecutive_duty_days=7, weights=only(duty_fairness=90_000))
    sol = run(problem(slots, people, rules=rules))
    on = {si for pid, si in sol.assignments if pid == "l"}
    assert on == {0, 1, 2, 3}
    assert sol.composition_gaps == () and sol.composition_proven


def test_a_shift_the_lead_cannot_take_is_reported_with_the_lead_and_why():
    slots = [slot(d, "D", requirements=LEAD) for d in range(2)]
    people = [person("l", "lead", unavailable={1: "annual leave"}), person("a")]
    sol = run(problem(slots, people, weights=only()))
    assert sol.gaps == ()  # a covers day 1: the shift has its person, not its lead
    (short,) = sol.composition_gaps
    assert short.slot == 1  # one slot a day: the slot index is the day
    assert short.requirement == "a lead or manager" and short.missing == 1
    assert short.reasons == ("L (l): annual leave",)
    assert sol.composition_proven


def test_nobody_holding_the_role_is_said_as_such():
    sol = run(problem([slot(0, "D", requirements=LEAD)], [person("a")], weights=only()))
    (short,) = sol.composition_gaps
    assert short.reasons == ("nobody on the rota for D is a lead/manager",)


def test_the_lead_already_on_a_shift_that_needs_two_leads_says_so():
    two = (Requirement(("lead",), min=2),)
    slots = [slot(0, "D", lo=2, requirements=two)]
    sol = run(problem(slots, [person("l", "lead"), person("a")], weights=only()))
    (short,) = sol.composition_gaps
    assert short.missing == 1 and short.reasons == ("L (l): already on this shift",)
