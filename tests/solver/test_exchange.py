"""Duties moved between people: refused naming the rule and the person it breaks
for, else the rota after the moves with its cost change."""

from __future__ import annotations

from solver import Move, Rules, exchange
from tests.support.tiny import NIGHT, ONLY, person, problem, slot

# Day shifts on days 0-3 and an on-call evening on day 0.
SLOTS = [slot(d) for d in range(4)] + [slot(0, "N", start_hour=17, hours=6)]


def _rota(rules: Rules | None = None):
    people = [person("a"), person("b"), person("c", shifts=("D",))]
    p = problem(SLOTS, people, n_days=4, rules=rules, weights=ONLY)
    assert p.shift_type("N") == NIGHT
    return p


def test_a_swap_moves_exactly_the_two_duties():
    p = _rota()
    duties = (("a", 0), ("b", 1), ("a", 2), ("b", 3))
    done = exchange(p, duties, (), [Move(0, "a", "b"), Move(1, "b", "a")])
    assert done.refusal is None
    assert set(done.assignments) - set(duties) == {("b", 0), ("a", 1)}
    assert set(duties) - set(done.assignments) == {("a", 0), ("b", 1)}
    assert done.cost is not None


def test_a_move_that_breaks_rest_is_refused_naming_the_rule_and_the_taker():
    p = _rota(Rules(min_rest_hours=11, day_off_after_on_call=False))
    # b is on call on day 0 (17-23); a gives b the day shift of day 1 (09:00): 10 h rest.
    duties = (("b", 4), ("a", 1))
    done = exchange(p, duties, (), [Move(1, "a", "b")])
    assert done.refusal is not None
    assert (done.refusal.rule, done.refusal.person) == ("min_rest_hours", "b")
    assert "rest" in done.refusal.reason


def test_a_duty_the_giver_does_not_hold_or_the_taker_already_has_is_refused():
    p = _rota()
    duties = (("a", 0), ("b", 0))
    assert exchange(p, duties, (), [Move(1, "a", "b")]).refusal.rule == "duties"
    assert exchange(p, duties, (), [Move(0, "a", "b")]).refusal.reason == (
        "is already on that shift"
    )


def test_someone_who_does_not_do_the_shift_cannot_take_it():
    p = _rota()
    done = exchange(p, (("a", 4),), (), [Move(4, "a", "c")])
    assert (done.refusal.rule, done.refusal.person) == ("eligibility", "c")
