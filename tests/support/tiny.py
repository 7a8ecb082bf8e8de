"""Tiny solver problems built by hand, so each rule can be tested where it binds."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta

import solver
from solver import Day, Person, Problem, Rules, ShiftType, Slot, Weights

START = date(2026, 11, 2)  # a Monday
DAY = ShiftType("D", "Day", "day")
NIGHT = ShiftType("N", "On call", "on_call")


def day_list(n: int) -> tuple[Day, ...]:
    return tuple(
        Day(START + timedelta(days=i), weekend=(START + timedelta(days=i)).weekday() >= 5)
        for i in range(n)
    )


def slot(
    day: int,
    shift: str = "D",
    lo: int = 1,
    target: int | None = None,
    hi: int | None = None,
    start_hour: int = 9,
    hours: int = 8,
    **kw,
) -> Slot:
    target = lo if target is None else target
    hi = target if hi is None else hi
    start = datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC)
    start += timedelta(hours=start_hour)
    return Slot(day, shift, start, start + timedelta(hours=hours), lo, target, hi, **kw)


def person(pid: str, role: str = "amhp", shifts=("D", "N"), **kw) -> Person:
    return Person(pid, pid.upper(), role, shift_types=frozenset(shifts), **kw)


def problem(
    slots,
    people,
    n_days: int | None = None,
    rules: Rules | None = None,
    weights: Weights | None = None,
    **kw,
) -> Problem:
    n = n_days or (max(s.day for s in slots) + 1)
    rules = rules or Rules()
    if weights is not None:
        rules = replace(rules, weights=weights)
    return Problem(day_list(n), (DAY, NIGHT), tuple(slots), tuple(people), rules, **kw)


def only(**weights: int) -> Weights:
    """Cover and composition plus the named soft rules; every other soft rule off,
    so a test sees the rule under test alone."""
    base = {f.name: 0 for f in fields(Weights)}
    base.update(cover_minimum=10_000, composition=5_000, requests=1)
    base.update(weights)
    return Weights(**base)


ONLY = only()


def run(p: Problem) -> solver.Solution:
    sol = solver.solve(p, solver.SolveParams(time_limit=20, workers=2))
    assert sol.status == "optimal", sol.status
    return sol


def costs(sol: solver.Solution, rule: str) -> int:
    return sum(p.cost for p in sol.penalties if p.rule == rule)


def duties_by_person(sol: solver.Solution) -> dict[str, list[int]]:
    """Slot indexes each person holds (counted duties only)."""
    out: dict[str, list[int]] = {}
    for pid, si in sol.assignments:
        out.setdefault(pid, []).append(si)
    return out
