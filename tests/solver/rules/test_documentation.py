"""documentation_time: on the next free working morning after a hub block, moved
on past a duty, never on a non-working day, never double-booked."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import solver
from solver import FixedCell, Problem, Rules, ShiftType
from solver.rules.documentation import placements, unplaced
from tests.support.tiny import day_list, only, person, run, slot

HUB = ShiftType("H", "Hub", "day", documentation=True)
CRISIS = ShiftType("C", "Crisis day", "day")
ON_CALL = ShiftType("N", "On call", "on_call")


def working_mornings(n: int):
    """Days from Monday 2 Nov 2026; a 09:00-11:30 window on weekdays only (as the
    service's documentation working days, Monday to Friday, give it)."""
    out = []
    for d in day_list(n):
        start = slot(0).start.replace(year=d.date.year, month=d.date.month, day=d.date.day)
        window = None if d.weekend else (start, start + timedelta(hours=2, minutes=30))
        out.append(replace(d, documentation=window))
    return tuple(out)


def hub_problem(slots, people, n_days: int, **kw) -> Problem:
    rules = kw.pop("rules", Rules(weights=only(documentation_time=100)))
    return Problem(
        working_mornings(n_days), (HUB, CRISIS, ON_CALL), tuple(slots), tuple(people), rules, **kw
    )


def documentation_days(p: Problem, sol: solver.Solution, who: str = "a") -> list[int]:
    return [
        r.day
        for r in solver.recovery_periods(p, sol)
        if r.kind == "documentation" and r.person == who
    ]


def test_the_morning_before_an_evening_on_call_holds_it():
    """Hub Monday, on-call Tuesday from 17:00: Tuesday morning is documentation."""
    slots = [slot(0, "H"), slot(1, "N", start_hour=17, hours=15)]
    p = hub_problem(slots, [person("a", shifts=("H", "N"))], n_days=4)
    sol = run(p)
    assert len(sol.assignments) == 2
    assert documentation_days(p, sol) == [1]


def test_never_on_a_non_working_day():
    """A Friday hub block: its documentation goes on Monday, not the weekend."""
    p = hub_problem([slot(4, "H")], [person("a", shifts=("H",))], n_days=10)
    sol = run(p)
    assert documentation_days(p, sol) == [7]


def test_a_day_they_do_not_work_is_skipped_but_a_lapsed_approval_is_not():
    away = person("a", shifts=("H",), unavailable={1: "not a working day"}, away=frozenset({1}))
    p = hub_problem([slot(0, "H")], [away], n_days=6)
    assert documentation_days(p, run(p)) == [2]
    lapsed = person("a", shifts=("H",), unavailable={1: "approval lapsed"}, away=frozenset())
    p2 = hub_problem([slot(0, "H")], [lapsed], n_days=6)
    assert documentation_days(p2, run(p2)) == [1]


def test_a_day_duty_moves_it_to_the_next_free_morning():
    """A fixed crisis day after the hub day: documentation the morning after, and
    the explanation names the move."""
    slots = [slot(0, "H"), slot(1, "C")]
    fixed = (FixedCell("a", 0, "H"), FixedCell("a", 1, "C"))
    p = hub_problem(slots, [person("a", shifts=("H", "C"))], n_days=6, fixed=fixed)
    sol = run(p)
    assert documentation_days(p, sol) == [2]
    moved = [t for t in sol.penalties if t.rule == "documentation_time"]
    assert [t.cost for t in moved] == [100]
    assert "moved: a duty takes the morning of 2026-11-03" in moved[0].detail


def test_the_solver_keeps_the_first_morning_free_when_it_can():
    """Two people for a crisis day after one's hub day: the other takes it."""
    slots = [slot(0, "H"), slot(1, "C")]
    people = [person("a", shifts=("H", "C")), person("b", shifts=("C",))]
    p = hub_problem(slots, people, n_days=4, fixed=(FixedCell("a", 0, "H"),))
    sol = run(p)
    assert sorted(sol.assignments) == [("a", 0), ("b", 1)]
    assert documentation_days(p, sol) == [1]


def test_reported_as_not_placed_when_no_morning_in_the_window_is_free():
    rules = Rules(documentation_within_days=1, weights=only(documentation_time=100))
    slots = [slot(0, "H"), slot(1, "C")]
    fixed = (FixedCell("a", 0, "H"), FixedCell("a", 1, "C"))
    p = hub_problem(slots, [person("a", shifts=("H", "C"))], n_days=4, fixed=fixed, rules=rules)
    sol = run(p)
    assert documentation_days(p, sol) == []
    assert [(u.person, u.after) for u in unplaced(p, 0, [0, 1])] == [("a", 0)]


def test_never_double_booked_whatever_the_rota():
    """Every placement, over every rota of one person's two weeks of hub and
    crisis days, lies on a morning none of their duties overlaps."""
    slots = [slot(d, s) for d in range(14) for s in ("H", "C")]
    p = hub_problem(slots, [person("a", shifts=("H", "C"))], n_days=14)
    for mask in range(0, 1 << 14, 37):
        held = [2 * d + (mask >> d & 1) for d in range(14) if mask >> (d % 5) & 1]
        for place in placements(p, 0, held):
            if place.day is None:
                continue
            window = p.days[place.day].documentation
            assert window is not None
            assert not any(
                p.slots[s].start < window[1] and window[0] < p.slots[s].end for s in held
            )


def test_two_blocks_never_share_one_morning():
    """Hub Friday, hub Monday, a crisis day Tuesday: Friday's block has Monday
    taken by a duty and Tuesday by another, so it moves to Wednesday; Monday's
    block goes on Wednesday too by itself, so one of them moves on to Thursday."""
    slots = [slot(4, "H"), slot(7, "H"), slot(8, "C")]
    fixed = (FixedCell("a", 4, "H"), FixedCell("a", 7, "H"), FixedCell("a", 8, "C"))
    p = hub_problem(slots, [person("a", shifts=("H", "C"))], n_days=14, fixed=fixed)
    sol = run(p)
    days = documentation_days(p, sol)
    assert sorted(days) == [9, 10]  # Wednesday and Thursday, one block each
    hubs = hub_problem([slot(d, "H") for d in range(14)], [person("a", shifts=("H",))], 14)
    for mask in range(1, 1 << 10):  # and in any rota of hub days, no morning twice
        held = [d for d in range(10) if mask >> d & 1]
        placed = [x.day for x in placements(hubs, 0, held) if x.day is not None]
        assert len(placed) == len(set(placed)), (held, placed)
