"""Recovery time is asked of the rules that keep it free: the day after an
on-call is a rest day only while ``day_off_after_on_call`` is on and the person has
no duty that date; documentation time follows the last day of a block."""

from __future__ import annotations

from dataclasses import replace

import solver
from solver import Rules, Solution, SolveStatus
from tests.support.tiny import person, problem, slot

# Three days: an on-call each evening, a day shift each day.
SLOTS = [s for d in range(3) for s in (slot(d, "D", lo=0), slot(d, "N", lo=0, start_hour=17))]


def index(p, day: int, shift: str) -> int:
    return next(i for i, s in enumerate(p.slots) if s.day == day and s.shift == shift)


def rota(p, *duties: tuple[str, int, str]) -> Solution:
    held = tuple((pid, index(p, day, shift)) for pid, day, shift in duties)
    return Solution(SolveStatus.FEASIBLE, 0.0, 0.0, 0.0, assignments=held)


def rest_days(p, sol) -> list[tuple[str, int]]:
    return [(r.person, r.day) for r in solver.recovery_periods(p, sol) if r.kind == "rest_day"]


def test_an_on_call_earns_the_next_date_as_a_rest_day():
    p = problem(SLOTS, [person("a")])
    recovered = solver.recovery_periods(p, rota(p, ("a", 0, "N")))
    assert [(r.person, r.kind, r.rule, r.day) for r in recovered] == [
        ("a", "rest_day", "day_off_after_on_call", 1)
    ]


def test_no_rest_day_when_the_rule_is_off():
    p = problem(SLOTS, [person("a")], rules=Rules(day_off_after_on_call=False))
    assert rest_days(p, rota(p, ("a", 0, "N"))) == []


def test_no_rest_day_on_a_date_the_person_is_on_call_again():
    p = problem(SLOTS, [person("a")])
    assert rest_days(p, rota(p, ("a", 0, "N"), ("a", 1, "N"))) == [("a", 2)]


def test_no_rest_day_past_the_horizon():
    p = problem(SLOTS, [person("a")])
    assert rest_days(p, rota(p, ("a", 2, "N"))) == []


def documented(p) -> solver.Problem:
    """The day shift earns documentation time, 09:00-11:30 each morning."""
    days = tuple(
        replace(d, documentation=(s.start, s.start + (s.end - s.start) * 5 / 16))
        for d, s in zip(p.days, [x for x in p.slots if x.shift == "D"], strict=True)
    )
    shifts = tuple(replace(s, documentation=s.kind == "day") for s in p.shift_types)
    return replace(p, days=days, shift_types=shifts)


def test_documentation_time_follows_the_last_day_of_a_block_only():
    p = documented(problem(SLOTS, [person("a")], n_days=3))
    recovered = solver.recovery_periods(p, rota(p, ("a", 0, "D"), ("a", 1, "D")))
    assert [(r.kind, r.rule, r.day, r.after) for r in recovered] == [
        ("documentation", "documentation_time", 2, index(p, 1, "D"))
    ]
    assert recovered[0].window == p.days[2].documentation


def test_documentation_time_the_morning_before_an_evening_on_call():
    """A hub day then an evening on-call: the on-call does not carry the hub block
    on, and its evening leaves the morning's documentation time free."""
    p = documented(problem(SLOTS, [person("a")], n_days=3))
    recovered = solver.recovery_periods(p, rota(p, ("a", 0, "D"), ("a", 1, "N")))
    docs = [(r.day, r.after) for r in recovered if r.kind == "documentation"]
    assert docs == [(1, index(p, 0, "D"))]


def test_no_documentation_time_over_a_duty_of_the_same_morning():
    """A hub day then an on-call that starts in the morning: the documentation is
    not put on top of it (never double-booked) but on the next free morning."""
    p = documented(problem(SLOTS, [person("a")], n_days=3))
    on_call = index(p, 1, "N")
    morning = replace(p.slots[on_call], start=p.slots[index(p, 1, "D")].start)
    p = replace(p, slots=tuple(morning if i == on_call else s for i, s in enumerate(p.slots)))
    recovered = solver.recovery_periods(p, rota(p, ("a", 0, "D"), ("a", 1, "N")))
    assert [r.day for r in recovered if r.kind == "documentation"] == [2]
