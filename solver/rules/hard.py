"""Hard rules: never broken. Each rule posts its constraints and, given a finished
rota, says why adding one more duty would break it; that second half is what turns
an uncovered slot into a list of people and reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from solver.context import ModelContext
from solver.problem import Person, Problem, Slot
from solver.rules.base import HardRule
from solver.rules.part_time import FteDutyLimit
from solver.rules.pattern import PATTERN_RULES
from solver.solution import Recovery


def _fmt(problem: Problem, slot: Slot) -> str:
    return f"{slot.shift} on {problem.days[slot.day].date.isoformat()}"


class OneDutyPerDay(HardRule):
    name = "one_duty_per_day"
    description = "At most one duty per person per date."

    def post(self, ctx: ModelContext) -> None:
        for (pi, _day), slots in ctx.by_person_day.items():
            if len(slots) > 1:
                ctx.model.add_at_most_one(ctx.present[pi, si] for si in slots)

    def blocks(self, problem, held, pi, si, occupants):
        day = problem.slots[si].day
        for other in held:
            if other != si and problem.slots[other].day == day:
                return f"on {_fmt(problem, problem.slots[other])}"
        return None


def _too_close(a, b, rest: timedelta) -> bool:
    """Whether the later of two duties starts less than ``rest`` after the
    earlier one ends (min_rest_hours; overlapping duties included)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start < first.end + rest


class MinRestHours(HardRule):
    """Duties never overlap and leave ``min_rest_hours`` between them, measured on
    real instants so clock changes are counted right."""

    name = "min_rest_hours"
    description = "Minimum rest between the end of one duty and the start of the next."

    def excludes(self, problem, person, slot):
        for prior in problem.prior_for(person.id):
            if self.conflicts(problem, prior, slot):
                return f"rest after {prior.shift} on {problem.date_of(prior.day).isoformat()}"
        return None

    def conflicts(self, problem: Problem, a, b) -> bool:
        """Whether two duties (anything with start and end) are too close."""
        return _too_close(a, b, timedelta(hours=problem.rules.min_rest_hours))

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for pi, slots in ctx.by_person.items():
            ordered = sorted(slots, key=lambda s: problem.slots[s].start)
            for i, si in enumerate(ordered):
                a = problem.slots[si]
                for sj in ordered[i + 1 :]:
                    b = problem.slots[sj]
                    if b.start >= a.end + timedelta(hours=problem.rules.min_rest_hours):
                        break
                    if a.day != b.day:  # same-day pairs are one_duty_per_day's job
                        pair = (ctx.present[pi, si], ctx.present[pi, sj])
                        ctx.model.add_bool_or([pair[0].Not(), pair[1].Not()])

    def blocks(self, problem, held, pi, si, occupants):
        # conflicts() for each held duty, with the rest worked out once: a year's
        # rota holds hundreds, and every gap asks of everyone.
        slot = problem.slots[si]
        rest = timedelta(hours=problem.rules.min_rest_hours)
        for other in held:
            o = problem.slots[other]
            if o.day != slot.day and _too_close(o, slot, rest):
                when = "after" if o.start < slot.start else "before"
                return f"rest {when} {_fmt(problem, o)}"
        return None


class MaxConsecutiveDutyDays(HardRule):
    name = "max_consecutive_duty_days"
    description = "No more than this many duty dates in a row."

    def post(self, ctx: ModelContext) -> None:
        n = len(ctx.problem.days)
        for pi in ctx.by_person:
            k = self.limit(ctx.problem, pi)
            for start in range(0, n - k):
                window = range(start, start + k + 1)
                ctx.model.add(ctx.duty_days(pi, window) <= k)
            # A run already going at the start of the horizon (previous rota).
            run = trailing_run(ctx.problem, ctx.problem.people[pi].id)
            if run:
                head = range(0, max(k - run, 0) + 1)
                ctx.model.add(ctx.duty_days(pi, head) <= max(k - run, 0))

    @staticmethod
    def limit(problem: Problem, pi: int) -> int:
        return problem.max_consecutive_days(problem.people[pi])

    def blocks(self, problem, held, pi, si, occupants):
        k = self.limit(problem, pi)
        prior = {d.day for d in problem.prior_for(problem.people[pi].id)}
        days = {problem.slots[s].day for s in held} | {problem.slots[si].day} | prior
        run = longest_run_through(days, problem.slots[si].day)
        if run > k:
            return f"would make {run} consecutive duty days (max {k})"
        return None


def trailing_run(problem: Problem, person: str) -> int:
    """Consecutive duty dates ending the day before the horizon."""
    days = {d.day for d in problem.prior_for(person)}
    run = 0
    while -(run + 1) in days:
        run += 1
    return run


def longest_run_through(days: Iterable[int], day: int) -> int:
    days = set(days)
    lo = hi = day
    while lo - 1 in days:
        lo -= 1
    while hi + 1 in days:
        hi += 1
    return hi - lo + 1


class DayOffAfterOnCall(HardRule):
    name = "day_off_after_on_call"
    description = "No day duty on the date after an on-call (further on-calls allowed)."

    def applies(self, problem):
        return problem.rules.day_off_after_on_call

    def excludes(self, problem, person, slot):
        if slot.day != 0 or problem.shift_type(slot.shift).kind != "day":
            return None
        for prior in problem.prior_for(person.id):
            if prior.day == -1 and problem.shift_type(prior.shift).kind == "on_call":
                return f"day off after on-call {prior.shift} on {problem.date_of(-1).isoformat()}"
        return None

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for (pi, day), slots in ctx.by_person_day.items():
            on_calls = [s for s in slots if _kind(problem, s) == "on_call"]
            following = [
                s for s in ctx.by_person_day.get((pi, day + 1), ()) if _kind(problem, s) == "day"
            ]
            for a in on_calls:
                for b in following:
                    ctx.model.add_bool_or([ctx.present[pi, a].Not(), ctx.present[pi, b].Not()])

    def blocks(self, problem, held, pi, si, occupants):
        slot = problem.slots[si]
        for other in held:
            o = problem.slots[other]
            pair = (_kind(problem, other), _kind(problem, si))
            if pair == ("on_call", "day") and o.day == slot.day - 1:
                return f"day off after on-call {_fmt(problem, o)}"
            if pair == ("day", "on_call") and o.day == slot.day + 1:
                return f"on {_fmt(problem, o)}, the day after"
        return None

    def recovery(self, problem, pi, held):
        """The date after an on-call is a rest day, unless the person is on duty
        that date (a further on-call): then the rest is the hours between."""
        days = {problem.slots[s].day for s in held}
        return [
            Recovery(problem.people[pi].id, "rest_day", self.name, slot.day + 1, si)
            for si in held
            if _kind(problem, si) == "on_call"
            and (slot := problem.slots[si]).day + 1 < len(problem.days)
            and slot.day + 1 not in days
        ]


def _kind(problem: Problem, si: int) -> str:
    return problem.shift_type(problem.slots[si].shift).kind


class MaxCover(HardRule):
    name = "max_cover"
    description = "Never more people on a slot than its maximum."

    def post(self, ctx: ModelContext) -> None:
        for si, people in ctx.by_slot.items():
            slot = ctx.problem.slots[si]
            if len(people) > slot.max:
                ctx.model.add(sum(ctx.x[pi, si] for pi in people) <= slot.max)


def beside(ctx: ModelContext, them: list, others: list, name: str) -> None:
    """Each of ``them`` is on only when one of ``others`` is. With several of
    them, through one Boolean "someone else is on" (posted x <= sum(others) for
    each, the constraints grow with the product of the two counts: 283,000 terms
    at 100 people); the LP relaxation is the same."""
    if len(them) == 1 or len(others) <= 1:
        for var in them:
            ctx.model.add(var <= sum(others))
        return
    company = ctx.model.new_bool_var(name)
    ctx.model.add(company <= sum(others))
    for var in them:
        ctx.model.add(var <= company)


class _NeverOnly(HardRule):
    """People of one kind (``among``) are on a shift only beside someone who is not:
    for each of them, x <= the number of others on the slot."""

    alone = ""  # the reason, when the kind would be alone on the shift

    def among(self, problem: Problem, person: Person, slot: Slot) -> bool:
        raise NotImplementedError

    def post(self, ctx: ModelContext) -> None:
        people, slots = ctx.problem.people, ctx.problem.slots
        for si, pis in ctx.by_slot.items():
            kind = [pi for pi in pis if self.among(ctx.problem, people[pi], slots[si])]
            if not kind:
                continue
            alone = set(kind)
            others = [ctx.x[pi, si] for pi in pis if pi not in alone]
            beside(ctx, [ctx.x[pi, si] for pi in kind], others, f"{self.name}_{si}")

    def blocks(self, problem, held, pi, si, occupants):
        slot = problem.slots[si]
        if not self.among(problem, problem.people[pi], slot):
            return None
        people = problem.people
        if all(self.among(problem, people[problem.person_index(o)], slot) for o in occupants):
            return self.alone
        return None


class NoLocumOnlyShift(_NeverOnly):
    name = "no_locum_only_shift"
    description = "A shift is never staffed only by locums."
    alone = "a locum may not be the only person on a shift"

    def among(self, problem, person, slot):
        return person.role == "locum"

    def excludes(self, problem, person, slot):
        if person.role == "locum" and slot.max < 2:
            return "a locum may not be alone on a single-person shift"
        return None


def _held_days(problem: Problem, held: set[int], flag: str) -> int:
    """How many distinct dates of a kind (``closure``, ``key_day``) the person holds."""
    return len(
        {problem.slots[s].day for s in held if getattr(problem.days[problem.slots[s].day], flag)}
    )


class _ClosureCap(HardRule):
    """At most N dates of a kind (``Day.closure`` or ``Day.key_day``) per person in
    the closure window, less those already worked before the horizon (the window
    runs over New Year)."""

    flag = ""
    setting = ""
    unit = ""

    def applies(self, problem):
        return problem.rules.closure is not None and any(
            getattr(d, self.flag) for d in problem.days
        )

    def left(self, problem: Problem, person: str) -> int:
        cap = getattr(problem.rules.closure, self.setting)
        done = {d.day for d in problem.prior_for(person) if getattr(d, self.flag)}
        return max(cap - len(done), 0)

    def post(self, ctx: ModelContext) -> None:
        days = [i for i, d in enumerate(ctx.problem.days) if getattr(d, self.flag)]
        for pi in ctx.by_person:
            ctx.model.add(
                ctx.duty_days(pi, days) <= self.left(ctx.problem, ctx.problem.people[pi].id)
            )

    def blocks(self, problem, held, pi, si, occupants):
        if not getattr(problem.days[problem.slots[si].day], self.flag):
            return None
        if _held_days(problem, held, self.flag) >= self.left(problem, problem.people[pi].id):
            cap = getattr(problem.rules.closure, self.setting)
            unit = self.unit if cap != 1 else self.unit.removesuffix("s")
            return f"closure cap: already {cap} {unit}, the most each"
        return None


class ClosureDays(_ClosureCap):
    name = "closure_days"
    description = "At most this many duty dates per person inside the closure window."
    flag, setting, unit = "closure", "max_days_per_person", "closure days"


class ChristmasKeyDays(_ClosureCap):
    """At most N key days (25, 26 Dec, 1 Jan) each, and not the key day they worked
    the year before."""

    name = "christmas_key_days"
    description = "At most this many closure key days each, never last year's key day again."
    flag, setting, unit = "key_day", "max_key_days_per_person", "key days"

    def excludes(self, problem, person, slot):
        day = problem.days[slot.day]
        if day.key_day and problem.rules.closure is not None:
            for prev in person.history.key_days:
                if (prev.month, prev.day) == (day.date.month, day.date.day) and (
                    prev.year == day.date.year - 1
                ):
                    return f"worked {prev.isoformat()} last year"
        return None


class ShadowBesideExperienced(HardRule):
    """A trainee's shadow day is beside an AMHP warranted for long enough, and a
    slot takes only so many shadows."""

    name = "shadow_beside_experienced"
    description = "Shadow days only beside an experienced AMHP; few shadows per slot."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        rules = problem.rules.trainees
        for si, trainees in ctx.shadows_by_slot.items():
            day = problem.days[problem.slots[si].day].date
            mentors = [
                ctx.x[pi, si]
                for pi in ctx.by_slot.get(si, ())
                if problem.people[pi].warranted_for(day, rules.mentor_min_months)
                and problem.people[pi].role != "trainee"
            ]
            beside(ctx, [ctx.y[pi, si] for pi in trainees], mentors, f"{self.name}_{si}")
            most = problem.max_shadows(problem.slots[si])
            ctx.model.add(sum(ctx.y[pi, si] for pi in trainees) <= most)


def newly_warranted(problem: Problem, person: Person, slot: Slot) -> bool:
    weeks = problem.rules.trainees.newly_warranted_weeks
    return person.newly_warranted_on(problem.days[slot.day].date, weeks)


class NewlyWarrantedSupport(_NeverOnly):
    """For their first weeks the newly warranted are never alone on a shift and
    never paired only with others as new as themselves."""

    name = "newly_warranted_support"
    description = "Newly warranted AMHPs always work beside an established colleague."
    alone = "newly warranted: no established colleague on the shift"

    def among(self, problem, person, slot):
        return newly_warranted(problem, person, slot)

    def excludes(self, problem, person, slot):
        if slot.max < 2 and newly_warranted(problem, person, slot):
            return "newly warranted: may not work a single-person shift"
        return None


class EstablishedOnEveryShift(_NeverOnly):
    """Each of "never only locums" and "never only the newly warranted" can hold on
    a shift staffed by a locum and a week-old AMHP; this asks for what both mean:
    someone substantive and established on every shift that has a locum or a newly
    warranted AMHP on it."""

    name = "established_on_every_shift"
    description = (
        "A locum or newly warranted AMHP always works beside an established, substantive AMHP."
    )
    alone = "no established, substantive AMHP on the shift beside a locum or newly warranted"

    def applies(self, problem):
        return problem.rules.established_on_every_shift

    def among(self, problem, person, slot):
        return person.role == "locum" or newly_warranted(problem, person, slot)


class _PerMonthCap(HardRule):
    """At most N counted dates of a kind per person per calendar month."""

    setting = ""

    def cap(self, problem: Problem) -> int | None:
        return getattr(problem.rules, self.setting)

    def counts(self, problem: Problem, slot: Slot) -> bool:
        raise NotImplementedError

    def applies(self, problem):
        return self.cap(problem) is not None

    def post(self, ctx: ModelContext) -> None:
        problem, cap = ctx.problem, self.cap(ctx.problem)
        for pi, slots in ctx.by_person.items():
            months: dict[tuple[int, int], list] = {}
            for si in slots:
                if self.counts(problem, problem.slots[si]):
                    month = problem.month_of(problem.slots[si].day)
                    months.setdefault(month, []).append(ctx.present[pi, si])
            for month_vars in months.values():
                if len(month_vars) > cap:
                    ctx.model.add(sum(month_vars) <= cap)

    def blocks(self, problem, held, pi, si, occupants):
        slot = problem.slots[si]
        if not self.counts(problem, slot):
            return None
        month = problem.month_of(slot.day)
        same = [
            s
            for s in held
            if self.counts(problem, problem.slots[s])
            and problem.month_of(problem.slots[s].day) == month
        ]
        cap = self.cap(problem)
        if len(same) >= cap:
            return f"already {cap} {self.unit} this month"
        return None


class MaxOnCallsPerMonth(_PerMonthCap):
    name = "max_on_calls_per_month"
    description = "At most this many on-call shifts per person per month."
    setting = "max_on_calls_per_month"
    unit = "on-calls"

    def counts(self, problem, slot):
        return problem.shift_type(slot.shift).kind == "on_call"


class MaxWeekendDaysPerMonth(_PerMonthCap):
    name = "max_weekend_days_per_month"
    description = "At most this many weekend duty days per person per month."
    setting = "max_weekend_days_per_month"
    unit = "weekend days"

    def counts(self, problem, slot):
        return problem.days[slot.day].weekend


class FixedCells(HardRule):
    name = "fixed_cells"
    description = "Cells fixed by the lead practitioner stay as fixed."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for cell in problem.fixed:
            key = (problem.person_index(cell.person), problem.slot_index(cell.day, cell.shift))
            if key not in ctx.present:
                # The builder validates fixed cells; reaching here is a programming error.
                raise ValueError(f"fixed cell {cell} is not a possible assignment")
            ctx.model.add(ctx.present[key] == 1)


class FrozenDays(HardRule):
    """Repairing a rota: every duty before ``Problem.freeze_before`` stays exactly as
    in the reference (the published version); nothing is added on those days."""

    name = "frozen_days"
    description = (
        "When a published rota is repaired, duties before the freeze date stay as published."
    )

    def applies(self, problem):
        return problem.freeze_before > 0

    def excludes(self, problem, person, slot):
        if slot.day < problem.freeze_before and not problem.in_reference(person.id, slot):
            frozen = problem.date_of(problem.freeze_before).isoformat()
            return f"the rota before {frozen} is held as published"
        return None

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for duty in problem.reference:
            key = (problem.person_index(duty.person), problem.slot_index(duty.day, duty.shift))
            if duty.day < problem.freeze_before and key in ctx.present:
                ctx.model.add(ctx.present[key] == 1)


HARD_RULES: tuple[HardRule, ...] = (
    OneDutyPerDay(),
    MinRestHours(),
    MaxConsecutiveDutyDays(),
    DayOffAfterOnCall(),
    MaxCover(),
    NoLocumOnlyShift(),
    ClosureDays(),
    ChristmasKeyDays(),
    ShadowBesideExperienced(),
    NewlyWarrantedSupport(),
    EstablishedOnEveryShift(),
    MaxOnCallsPerMonth(),
    MaxWeekendDaysPerMonth(),
    FteDutyLimit(),
    *PATTERN_RULES,
    FixedCells(),
    FrozenDays(),
)
