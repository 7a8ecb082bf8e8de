"""General rostering rules about a person's pattern of work: forbidden shift
successions and the per-person limits of :class:`~solver.problem.WorkLimits`
(shifts per type, total minutes, minimum runs of work and of rest, weekends).

AMHP services set none of these (their rules are service-wide and live in
``hard_rules``); they are what standard nurse-rostering instances are written in,
so the solver can be measured against them without special cases. Each rule only
posts constraints for the people (or shift pairs) it concerns.
"""

from __future__ import annotations

from datetime import timedelta

from solver.context import ModelContext
from solver.problem import Problem
from solver.rules.base import HardRule


def _held_shifts(problem: Problem, held: set[int]) -> list[str]:
    return [problem.slots[s].shift for s in held]


class ForbiddenSuccessions(HardRule):
    name = "forbidden_successions"
    description = "Shift pairs that may not follow each other on consecutive days."

    def applies(self, problem: Problem) -> bool:
        return bool(problem.rules.forbidden_successions)

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        banned = set(problem.rules.forbidden_successions)
        for (pi, day), slots in ctx.by_person_day.items():
            after = ctx.by_person_day.get((pi, day + 1), ())
            for a in slots:
                for b in after:
                    if (problem.slots[a].shift, problem.slots[b].shift) in banned:
                        ctx.model.add_bool_or([ctx.present[pi, a].Not(), ctx.present[pi, b].Not()])

    def blocks(self, problem, held, pi, si, occupants):
        banned = set(problem.rules.forbidden_successions)
        slot = problem.slots[si]
        for other in held:
            o = problem.slots[other]
            if o.day == slot.day - 1 and (o.shift, slot.shift) in banned:
                return f"{slot.shift} may not follow {o.shift} the day before"
            if o.day == slot.day + 1 and (slot.shift, o.shift) in banned:
                return f"{o.shift} the next day may not follow {slot.shift}"
        return None


class MaxShiftsPerType(HardRule):
    name = "max_shifts_per_type"
    description = "At most this many shifts of each type per person over the horizon."

    def applies(self, problem: Problem) -> bool:
        return any(p.limits.max_per_shift for p in problem.people)

    def excludes(self, problem, person, slot):
        if person.limits.max_per_shift.get(slot.shift, 1) == 0:
            return f"never works {slot.shift}"
        return None

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for pi, person in enumerate(problem.people):
            for code, cap in person.limits.max_per_shift.items():
                mine = [
                    ctx.present[pi, s] for s in ctx.by_person[pi] if problem.slots[s].shift == code
                ]
                if len(mine) > cap:
                    ctx.model.add(sum(mine) <= cap)

    def blocks(self, problem, held, pi, si, occupants):
        code = problem.slots[si].shift
        cap = problem.people[pi].limits.max_per_shift.get(code)
        if cap is not None and _held_shifts(problem, held).count(code) >= cap:
            return f"already has {cap} {code} shifts (max {cap})"
        return None


class TotalMinutes(HardRule):
    name = "total_minutes"
    description = "Minimum and maximum total minutes worked per person over the horizon."

    def applies(self, problem: Problem) -> bool:
        return any(
            p.limits.min_minutes is not None or p.limits.max_minutes is not None
            for p in problem.people
        )

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for pi, person in enumerate(problem.people):
            lim = person.limits
            if lim.min_minutes is None and lim.max_minutes is None:
                continue
            minutes = sum(
                problem.shift_type(problem.slots[s].shift).minutes * ctx.present[pi, s]
                for s in ctx.by_person[pi]
            )
            if lim.max_minutes is not None:
                ctx.model.add(minutes <= lim.max_minutes)
            if lim.min_minutes is not None:
                ctx.model.add(minutes >= lim.min_minutes)

    def blocks(self, problem, held, pi, si, occupants):
        cap = problem.people[pi].limits.max_minutes
        if cap is None:
            return None
        used = sum(problem.shift_type(c).minutes for c in _held_shifts(problem, held))
        extra = problem.shift_type(problem.slots[si].shift).minutes
        if used + extra > cap:
            return f"would work {used + extra} minutes (max {cap})"
        return None


def _forbid_short_runs(ctx: ModelContext, pi: int, k: int, working: bool) -> None:
    """No maximal run (of work if ``working``, else of rest) shorter than ``k`` with
    both ends inside the horizon. For each possible short run one clause: the day
    before, the day after or a day inside is not as the pattern says."""
    n = len(ctx.problem.days)

    def breaks(day: int, inside: bool):
        w = ctx.worked(pi, day)
        want_work = working if inside else not working
        if isinstance(w, bool):
            return w != want_work
        return w.Not() if want_work else w

    for length in range(1, k):
        for start in range(1, n - length):
            literals = [breaks(start - 1, False), breaks(start + length, False)]
            literals += [breaks(d, True) for d in range(start, start + length)]
            if any(x is True for x in literals):
                continue  # the data already rule this run out
            ctx.model.add_bool_or([x for x in literals if x is not False])


def _cap_work_density(ctx: ModelContext, pi: int, days_off: int) -> None:
    """A redundant cut: with at most ``k`` duty days in a row and rests of at least
    ``days_off`` days, any ``k + days_off`` consecutive days hold at most ``k`` duty
    days (also where a rest touches the edge of the horizon).

    Why: the rules alone let a search put days off anywhere and discover only at
    the end that a minimum of total minutes can no longer be reached; measured on
    Curtois instance 20, one person's rules took one CP-SAT worker over 10 s
    without a rota, and 0.2 s with these sums, which the LP sees together."""
    k = ctx.problem.max_consecutive_days(ctx.problem.people[pi])
    n = len(ctx.problem.days)
    for start in range(0, n - k - days_off + 1):
        ctx.model.add(ctx.duty_days(pi, range(start, start + k + days_off)) <= k)


class MinConsecutiveDutyDays(HardRule):
    name = "min_consecutive_duty_days"
    description = "Every run of working days at least this long (runs at the edges exempt)."

    def applies(self, problem: Problem) -> bool:
        return any((p.limits.min_consecutive_days or 0) > 1 for p in problem.people)

    def post(self, ctx: ModelContext) -> None:
        for pi, person in enumerate(ctx.problem.people):
            k = person.limits.min_consecutive_days or 0
            if k > 1:
                _forbid_short_runs(ctx, pi, k, working=True)


class MinConsecutiveDaysOff(HardRule):
    name = "min_consecutive_days_off"
    description = "Every run of days off at least this long (runs at the edges exempt)."

    def applies(self, problem: Problem) -> bool:
        return any((p.limits.min_consecutive_days_off or 0) > 1 for p in problem.people)

    def post(self, ctx: ModelContext) -> None:
        for pi, person in enumerate(ctx.problem.people):
            k = person.limits.min_consecutive_days_off or 0
            if k > 1:
                _forbid_short_runs(ctx, pi, k, working=False)
                _cap_work_density(ctx, pi, k)


def weekends(problem: Problem) -> dict[int, list[int]]:
    """Weekend day indexes grouped by weekend (keyed by the Saturday's ordinal)."""
    out: dict[int, list[int]] = {}
    for d, day in enumerate(problem.days):
        if day.weekend:
            saturday = day.date - timedelta(days=(day.date.weekday() - 5) % 7)
            out.setdefault(saturday.toordinal(), []).append(d)
    return out


class MaxWeekends(HardRule):
    name = "max_weekends"
    description = "At most this many weekends with any work per person over the horizon."

    def applies(self, problem: Problem) -> bool:
        return any(p.limits.max_weekends is not None for p in problem.people)

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        groups = weekends(problem)
        for pi, person in enumerate(problem.people):
            cap = person.limits.max_weekends
            if cap is None or cap >= len(groups):
                continue
            worked = []
            for days in groups.values():
                on = [ctx.duty(pi, d) for d in days]
                on = [e for e in on if not isinstance(e, int) or e]
                if not on:
                    continue
                w = ctx.model.new_bool_var("")
                for e in on:
                    ctx.model.add(w >= e)
                ctx.model.add(w <= sum(on))
                worked.append(w)
            if len(worked) > cap:
                ctx.model.add(sum(worked) <= cap)

    def blocks(self, problem, held, pi, si, occupants):
        cap = problem.people[pi].limits.max_weekends
        if cap is None or not problem.days[problem.slots[si].day].weekend:
            return None
        groups = {d: key for key, days in weekends(problem).items() for d in days}
        mine = {groups[problem.slots[s].day] for s in held if problem.slots[s].day in groups}
        mine.add(groups[problem.slots[si].day])
        if len(mine) > cap:
            return f"would work {len(mine)} weekends (max {cap})"
        return None


PATTERN_RULES: tuple[HardRule, ...] = (
    ForbiddenSuccessions(),
    MaxShiftsPerType(),
    TotalMinutes(),
    MinConsecutiveDutyDays(),
    MinConsecutiveDaysOff(),
    MaxWeekends(),
)
