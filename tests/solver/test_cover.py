"""Who could take one more slot in a rota as it stands, and what it would cost."""

from __future__ import annotations

import solver
from solver import SolveStatus
from tests.support.tiny import only, person, problem, slot

# Day 0: a day shift needing two and an on-call; day 1: a day shift.
SLOTS = [slot(0, "D", lo=2), slot(0, "N", start_hour=17), slot(1, "D")]
PEOPLE = [person("a"), person("b"), person("c"), person("d", shifts=("N",))]
ROTA = (("a", 0), ("b", 1), ("c", 2))  # a on D day 0, b on call day 0, c on D day 1


def test_the_free_person_is_offered_with_the_gap_it_closes_and_the_others_say_why_not():
    p = problem(SLOTS, PEOPLE, weights=only(duty_fairness=10))
    found = {c.person: c for c in solver.cover_candidates(p, ROTA, (), 0)}
    assert set(found) == {"b", "c"}  # a is on it already; d does not do D
    assert found["c"].reason is None
    assert dict(found["c"].by_rule)["cover_minimum"] == -p.rules.weights.cover_minimum
    assert found["c"].cost < 0  # closing the gap is worth more than the fairness it costs
    assert found["b"].reason and "N on" in found["b"].reason


def test_candidates_come_cheapest_first():
    a_would_rather_not = (solver.Request("a", 0, False, 50),)
    people = [person("a"), person("b")]
    one = [slot(0, "D", lo=0, target=1, hi=1)]
    p = problem(one, people, weights=only(requests=1), requests=a_would_rather_not)
    ranked = solver.cover_candidates(p, (), (), 0)
    assert [c.person for c in ranked] == ["b", "a"] and ranked[0].cost < ranked[1].cost


def test_evaluate_scores_a_rota_as_given_and_refuses_one_breaking_a_hard_rule():
    p = problem(SLOTS, PEOPLE, weights=only())
    scored = solver.evaluate(p, ROTA)
    assert scored.status == SolveStatus.FEASIBLE
    assert [(g.slot, g.missing) for g in scored.gaps] == [(0, 1)]
    assert solver.evaluate(p, (("a", 0), ("a", 1))).status == SolveStatus.INFEASIBLE
