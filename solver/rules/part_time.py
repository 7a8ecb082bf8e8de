"""``fte_duty_limit``: part-time people are held to their hours. Each person's duty
days in a calendar month may not exceed the ceiling of their FTE share of that
month's cover, plus a service setting (one day by default); a role rostered at a
reduced level (managers at half their FTE share) has its share scaled first.

The share is the month's cover targets split, slot by slot, among the people who
could take each slot, in proportion to FTE times the role's level, or the fair
share once caseloads are weighed (duty_fairness), or the person's part of the
slots' required roles, whichever is largest: so leave and separate pools (hub,
crisis) raise or lower the limit as they do the fair share, a light caseload may
take the extra days the workload model gives it, and a lead is never held below
what lead presence needs of them. Sessional locums have no share and no limit:
they close gaps and are paid by the day.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence

from solver.context import ModelContext, static_unavailability
from solver.problem import Problem
from solver.rules.base import HardRule
from solver.workload import balanced_weights, split_targets

Month = tuple[int, int]
_MEMO_KEY = "fte_limits"


def _limited(problem: Problem, pi: int) -> bool:
    return not problem.people[pi].sessional


def _candidates(problem: Problem) -> dict[int, list[int]]:
    """Per slot, the people who could count on it before any other duty is known."""
    by_shift: dict[str, list[int]] = {}
    for pi, person in enumerate(problem.people):
        if _limited(problem, pi):
            for shift in person.shift_types:
                by_shift.setdefault(shift, []).append(pi)
    people = problem.people
    return {
        si: [
            pi
            for pi in by_shift.get(slot.shift, ())
            if static_unavailability(problem, people[pi], slot) is None
        ]
        for si, slot in enumerate(problem.slots)
    }


def _held_at_least(problem: Problem) -> dict[tuple[int, Month], int]:
    """Duties that are held whatever the limit says: fixed cells, and a repair's
    frozen days. A limit is never set below them."""
    held: dict[tuple[int, Month], int] = {}
    cells = [(c.person, c.day) for c in problem.fixed] + [
        (d.person, d.day)
        for d in problem.reference
        if d.day < problem.freeze_before and not d.shadow
    ]
    for person, day in set(cells):
        key = (problem.person_index(person), problem.month_of(day))
        held[key] = held.get(key, 0) + 1
    return held


def fte_limits(problem: Problem) -> dict[tuple[int, Month], int]:
    """(person index, month) -> most duty days, for everyone who could count that month."""
    extra = problem.rules.fte_limit_extra_days
    if extra is None:
        return {}

    def compute() -> dict[tuple[int, Month], int]:
        candidates = _candidates(problem)
        weights = {
            pi: problem.rules.duty_level(p)
            for pi, p in enumerate(problem.people)
            if _limited(problem, pi)
        }
        floor = _held_at_least(problem)
        limits: dict[tuple[int, Month], int] = {}
        for month in sorted({problem.month_of(s.day) for s in problem.slots}):
            in_month = {
                si: pis
                for si, pis in candidates.items()
                if problem.month_of(problem.slots[si].day) == month
            }
            pool = sorted({pi for pis in in_month.values() for pi in pis})
            shares = split_targets(problem, in_month, weights)
            fair = split_targets(problem, in_month, balanced_weights(problem, in_month, pool))
            needed = _requirement_shares(problem, in_month, weights)
            for pi in pool:
                share = max(shares[pi], fair.get(pi, 0.0), needed.get(pi, 0.0))
                cap = math.ceil(share - 1e-9) + extra
                limits[pi, month] = max(cap, floor.get((pi, month), 0))
        return limits

    return problem.memo(_MEMO_KEY, compute)


def holding(problem: Problem, duties: Iterable[tuple[str, int]]) -> Problem:
    """A copy of ``problem`` whose limits are never below what ``duties`` (a rota
    as it stands: person id, slot index) already gives each person. Its limits
    were worked out over the staff list of its day; a colleague added since lowers
    everyone's share, and the rota must not turn infeasible for that (it did: a
    new starter made every cover option of a published month break a hard rule).
    The limit still stops more being added."""
    copy = dataclasses.replace(problem)
    limits = dict(fte_limits(problem))
    days: dict[tuple[int, Month], set[int]] = {}
    for pid, si in duties:
        day = problem.slots[si].day
        days.setdefault((problem.person_index(pid), problem.month_of(day)), set()).add(day)
    for key, held in days.items():
        if key in limits:
            limits[key] = max(limits[key], len(held))
    copy.memo(_MEMO_KEY, lambda: limits)
    return copy


def carry_limits(whole: Problem, part: Problem, people: Sequence[int]) -> None:
    """Give ``part`` (whose people are ``people``, indexes into ``whole``, in that
    order) the limits of the whole problem. Its own would be split among its
    people over the cover it was given (a construction group: the cover still
    missing), so its rota could break the whole problem's limits."""
    limits = fte_limits(whole)
    index = {pi: k for k, pi in enumerate(people)}
    part.memo(
        _MEMO_KEY,
        lambda: {(index[pi], month): cap for (pi, month), cap in limits.items() if pi in index},
    )


def _requirement_shares(
    problem: Problem, candidates: dict[int, list[int]], weights: dict[int, float]
) -> dict[int, float]:
    """Each role holder's share of the slots' required roles, split as the targets are."""
    share: dict[int, float] = {}
    for si, pis in candidates.items():
        for req in problem.slots[si].requirements:
            holders = [pi for pi in pis if problem.people[pi].role in req.roles]
            total = sum(weights[pi] for pi in holders)
            for pi in holders:
                part = req.min * (weights[pi] / total if total else 1 / len(holders))
                share[pi] = share.get(pi, 0.0) + part
    return share


def describe(problem: Problem, pi: int) -> str:
    person = problem.people[pi]
    level = dict(problem.rules.role_levels).get(person.role, 1.0)
    reduced = f", {person.role} at {level:.0%}" if level != 1.0 else ""
    return f"{person.fte:g} FTE{reduced}"


class FteDutyLimit(HardRule):
    name = "fte_duty_limit"
    description = (
        "Duty days per person per month at most the ceiling of their FTE share plus a "
        "margin; roles rostered at a reduced level (managers) by that level."
    )

    def applies(self, problem):
        return problem.rules.fte_limit_extra_days is not None

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        limits = fte_limits(problem)
        for pi in ctx.by_person:
            months: dict[Month, list] = {}
            for si in ctx.counted(pi):
                months.setdefault(problem.month_of(problem.slots[si].day), []).append(ctx.x[pi, si])
            for month, duties in months.items():
                cap = limits.get((pi, month))
                if cap is not None and len(duties) > cap:
                    ctx.model.add(sum(duties) <= cap)

    def blocks(self, problem, held, pi, si, occupants):
        month = problem.month_of(problem.slots[si].day)
        cap = fte_limits(problem).get((pi, month))
        if cap is None:
            return None
        person = problem.people[pi]
        days = {
            problem.slots[s].day
            for s in held
            if problem.month_of(problem.slots[s].day) == month
            and person.counts_on(problem.days[problem.slots[s].day].date)
        }
        if len(days) < cap:
            return None
        return f"FTE limit: already {len(days)} duty days this month ({describe(problem, pi)})"
