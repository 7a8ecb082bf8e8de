"""Soft rules: each adds named, weighted penalty terms that the solution reports one
by one. Cover minimum is soft with a dominant weight so that a rota always exists
and a shortfall becomes a reported gap instead of an infeasible model.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable

from solver.blocks import duty_blocks, inside_horizon
from solver.context import ModelContext, PenaltyTerm
from solver.problem import Problem, Slot
from solver.rules.base import Placed, SoftRule
from solver.rules.documentation import DocumentationTime
from solver.workload import balanced_weights, split_targets


def _assigned(ctx: ModelContext, si: int, keep: Callable[[int], bool] = lambda pi: True):
    return sum(ctx.x[pi, si] for pi in ctx.by_slot.get(si, ()) if keep(pi))


def cover_short(problem: Problem, placed: Placed, level: str) -> int:
    """People missing below each slot's ``level`` ("min" or "target") with
    ``placed`` on the slots, summed over the slots."""
    return sum(
        max(getattr(slot, level) - len(placed.get(si, ())), 0)
        for si, slot in enumerate(problem.slots)
    )


def roles_short(problem: Problem, placed: Placed) -> int:
    """Required roles missing on the slots with ``placed`` on them, summed."""
    people = problem.people
    return sum(
        max(req.min - sum(people[pi].role in req.roles for pi in placed.get(si, ())), 0)
        for si, slot in enumerate(problem.slots)
        for req in slot.requirements
    )


class _Shortfall(SoftRule):
    """A rule that prices people or roles missing from slots: it can cost no
    less than with everyone who could take each slot on it."""

    def floor(self, ctx: ModelContext) -> int:
        return self.cost_of(ctx.problem, ctx.by_slot)


def _penalise_shortfall(
    rule: SoftRule, ctx: ModelContext, key: str, need: int, have, detail, **where
):
    """Penalise max(0, need - have), the classic soft lower bound; ``where`` names the
    slot or the person the penalty is reported against."""
    short = ctx.model.new_int_var(0, need, key)
    ctx.model.add(short >= need - have)
    ctx.penalise(PenaltyTerm(rule.name, short, rule.weight(ctx.problem), detail=detail, **where))


class _CoverLevel(_Shortfall):
    """Each person missing below a slot's level (``Slot.min`` or ``Slot.target``)."""

    level = ""

    def post(self, ctx: ModelContext) -> None:
        for si, slot in enumerate(ctx.problem.slots):
            need = getattr(slot, self.level)
            if need == 0:
                continue
            detail = lambda v, n=need: f"{v} below {self.unit} {n}"  # noqa: E731
            _penalise_shortfall(
                self, ctx, f"{self.level}_{si}", need, _assigned(ctx, si), detail, slot=si
            )

    def cost_of(self, problem: Problem, placed: Placed) -> int:
        return self.weight(problem) * cover_short(problem, placed, self.level)


class CoverMinimum(_CoverLevel):
    name = "cover_minimum"
    description = "Each slot staffed to its minimum; every missing person is a gap."
    level, unit = "min", "minimum"


class CoverTarget(_CoverLevel):
    name = "cover_target"
    description = "Each slot staffed to its target (planned) level where people allow."
    level, unit = "target", "target"


class CoverOver(SoftRule):
    """The classic soft upper bound: each person above a slot's target costs.
    Off for AMHP services (their maximum is hard); nurse rostering prices it."""

    name = "cover_over"
    description = "Each person above a slot's target level (off unless weighted)."

    def post(self, ctx: ModelContext) -> None:
        for si, slot in enumerate(ctx.problem.slots):
            pool = len(ctx.by_slot.get(si, ()))
            if pool <= slot.target:
                continue
            over = ctx.model.new_int_var(0, pool - slot.target, f"over_{si}")
            ctx.model.add(over >= _assigned(ctx, si) - slot.target)
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    over,
                    self.weight(ctx.problem),
                    slot=si,
                    detail=lambda v, t=slot.target: f"{v} above target {t}",
                )
            )


class Composition(_Shortfall):
    name = "composition"
    description = "Role requirements on a slot, such as a lead practitioner in the hub."

    def post(self, ctx: ModelContext) -> None:
        people = ctx.problem.people
        for si, slot in enumerate(ctx.problem.slots):
            for ri, req in enumerate(slot.requirements):
                have = _assigned(ctx, si, lambda pi, r=req: people[pi].role in r.roles)
                detail = lambda v, r=req: f"{v} short of {r.label}"  # noqa: E731
                _penalise_shortfall(self, ctx, f"comp_{si}_{ri}", req.min, have, detail, slot=si)

    def cost_of(self, problem: Problem, placed: Placed) -> int:
        return self.weight(problem) * roles_short(problem, placed)


def convex_deviation(ctx: ModelContext, name: str, count, n_max: int, target: float):
    """Cost var equal to the squared distance (in days) of ``count`` from the band
    [floor(target), ceil(target)], posted as secant cuts so the LP relaxation is the
    convex hull. Inside the band costs nothing; squaring beyond it spreads any excess
    evenly instead of dumping it on one person."""
    lo, hi = math.floor(target), math.ceil(target)
    costs = [max(lo - k, k - hi, 0) ** 2 for k in range(n_max + 1)]
    var = ctx.model.new_int_var(0, max(costs), name)
    for k in range(n_max):
        if costs[k + 1] != costs[k] or costs[k]:
            ctx.model.add(var >= costs[k] + (costs[k + 1] - costs[k]) * (count - k))
    return var


class _FairnessRule(SoftRule):
    """Spread a kind of duty evenly, relative to FTE, availability and history.

    Each counted slot's target is split among the people who could take it (see
    solver.workload), so leave, part-time patterns and separate pools (hub vs
    crisis) lower or raise each person's expectation where they should. Sessional
    locums have no share: they only close gaps."""

    unit = "duty days"
    history_keys: tuple[str, ...] = ()
    shares_targets = True

    def counts(self, problem: Problem, slot: Slot) -> bool:
        raise NotImplementedError

    def split_weights(self, ctx: ModelContext, pool: list[int]) -> dict[int, float]:
        return {pi: ctx.problem.rules.duty_level(ctx.problem.people[pi]) for pi in pool}

    def shares(self, ctx: ModelContext) -> dict[int, float]:
        """Each person's share of the counted slots' targets (before history)."""
        if self.name not in ctx.shares:
            problem = ctx.problem
            pool = [pi for pi in ctx.by_person if not problem.people[pi].sessional]
            counts = lambda s: self.counts(problem, s)  # noqa: E731
            weights = self.split_weights(ctx, pool)
            ctx.shares[self.name] = split_targets(problem, ctx.by_slot, weights, counts)
        return ctx.shares[self.name]

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        shares = self.shares(ctx)
        catch_up = self._history_catch_up(ctx, shares)
        for pi, share in shares.items():
            counted = [si for si in ctx.counted(pi) if self.counts(problem, problem.slots[si])]
            n_days = len({problem.slots[si].day for si in counted})
            if not n_days:
                continue
            target = min(max(share + catch_up.get(pi, 0.0), 0.0), n_days)
            count = sum(ctx.x[pi, si] for si in counted)
            cost = convex_deviation(ctx, f"{self.name}_{pi}", count, n_days, target)
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    cost,
                    self.weight(problem),
                    person=problem.people[pi].id,
                    detail=lambda n, t=target: f"{n} {self.unit} vs {t:.1f} expected",
                    measure=count,
                )
            )

    def _history_catch_up(self, ctx: ModelContext, shares: dict[int, float]) -> dict[int, float]:
        """Earlier months' imbalance: who did more than their FTE share does less now."""
        if not self.history_keys:
            return {}
        people = ctx.problem.people

        def done(pi: int) -> float:
            return people[pi].history.done(*self.history_keys)

        pool = [pi for pi, s in shares.items() if s > 0]
        total = sum(done(pi) for pi in pool)
        fte = sum(people[pi].fte for pi in pool)
        if not pool or total == 0:
            return {}
        return {pi: total * people[pi].fte / fte - done(pi) for pi in pool}


class DutyFairness(_FairnessRule):
    name = "duty_fairness"
    description = "Duty days spread so total load (caseload plus rota) is even across FTE."

    def counts(self, problem, slot):
        return True

    def split_weights(self, ctx, pool):
        return balanced_weights(ctx.problem, ctx.by_slot, pool)


class WeekendFairness(_FairnessRule):
    name = "weekend_fairness"
    description = "Weekend duty days spread evenly, counting earlier months."
    unit = "weekend days"
    history_keys = ("weekends",)

    def counts(self, problem, slot):
        return problem.days[slot.day].weekend


class NightFairness(_FairnessRule):
    name = "night_fairness"
    description = "On-call nights spread evenly, counting earlier months."
    unit = "on-call nights"
    history_keys = ("nights",)

    def counts(self, problem, slot):
        return problem.shift_type(slot.shift).kind == "on_call"


class BankHolidayFairness(_FairnessRule):
    name = "bank_holiday_fairness"
    description = "Bank-holiday and closure duty spread evenly, counting earlier years."
    unit = "bank-holiday/closure days"
    history_keys = ("bank_holidays", "closure_days")

    def counts(self, problem, slot):
        return problem.days[slot.day].holiday_like


class IsolatedDutyDay(SoftRule):
    name = "isolated_duty_day"
    description = "Duty comes in blocks; a single duty day between days off is penalised."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        if problem.rules.max_consecutive_duty_days < 2:
            return
        for pi, blocks in duty_blocks(ctx).items():
            for (d, length), var in blocks.items():
                if length == 1 and inside_horizon(ctx, d, length):
                    ctx.penalise(
                        PenaltyTerm(
                            self.name,
                            var,
                            self.weight(problem),
                            person=problem.people[pi].id,
                            detail=f"single duty day on {problem.days[d].date.isoformat()}",
                        )
                    )


class ShortBlock(SoftRule):
    """Duty blocks shorter than the preferred length (3 by default) cost a little
    per block; single days cost more again through isolated_duty_day."""

    name = "short_block"
    description = "Duty blocks shorter than the preferred block length."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        preferred = min(problem.rules.preferred_block_days, problem.rules.max_consecutive_duty_days)
        if preferred < 2:
            return
        for pi, blocks in duty_blocks(ctx).items():
            for (d, length), var in blocks.items():
                if length < preferred and inside_horizon(ctx, d, length):
                    ctx.penalise(
                        PenaltyTerm(
                            self.name,
                            var,
                            self.weight(problem),
                            person=problem.people[pi].id,
                            detail=f"{length}-day block from {problem.days[d].date.isoformat()}"
                            f" (preferred {preferred})",
                        )
                    )


class ShadowDays(SoftRule):
    """Trainees get their shadow days each month before warranting, prorated for
    the part of the month before their warranting date."""

    name = "shadow_days"
    description = "Trainees shadow the target number of days per month before warranting."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        per_month = problem.rules.trainees.shadow_days_per_month
        by_person: dict[int, dict[tuple[int, int], list]] = {}
        for (pi, si), var in ctx.y.items():
            month = problem.month_of(problem.slots[si].day)
            by_person.setdefault(pi, {}).setdefault(month, []).append(var)
        for pi, months in by_person.items():
            person = problem.people[pi]
            for (year, month), shadow_vars in months.items():
                before = sum(
                    1
                    for i, d in enumerate(problem.days)
                    if problem.month_of(i) == (year, month) and not person.counts_on(d.date)
                )
                target = min(round(per_month * before / _days_in_month(year, month)), per_month)
                if target <= 0:
                    continue
                month_label = f"{year}-{month:02d}"
                detail = lambda v, t=target, m=month_label: f"{t - v} of {t} shadow days in {m}"  # noqa: E731
                key = f"shadow_{pi}_{year}_{month}"
                _penalise_shortfall(
                    self, ctx, key, target, sum(shadow_vars), detail, person=person.id
                )


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


class SessionalLocum(SoftRule):
    """A sessional locum costs a fixed amount per day plus their day rate, above a
    missed target but far below a gap: used only where a gap would remain, and the
    cheapest first."""

    name = "sessional_locum"
    description = "Sessional locum days, each costing the base weight plus the day rate."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for pi in ctx.by_person:
            person = problem.people[pi]
            if not person.sessional:
                continue
            rate = person.day_rate or 0.0
            days = sum(ctx.x[pi, si] for si in ctx.counted(pi))
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    days,
                    self.weight(problem) + round(rate),
                    person=person.id,
                    detail=lambda n, r=rate: f"{n} sessional days at {r:g} a day",
                )
            )


class RotaChanges(SoftRule):
    """Repairing a rota: each duty of the reference dropped, and each duty added
    beside it, is one change. Solved lexicographically after the gaps (see
    solver.solve), so a repair moves as few duties as the gaps allow."""

    name = "rota_changes"
    description = "A repaired rota changes as few duties of the published one as it can."

    def weight(self, problem: Problem) -> int:
        return super().weight(problem) if problem.reference else 0

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        kept: dict[int, list] = {}
        dropped_for_good: dict[int, int] = {}
        for duty in problem.reference:
            pi, si = problem.person_index(duty.person), problem.slot_index(duty.day, duty.shift)
            var = ctx.present.get((pi, si))
            if var is None:  # no longer possible (leave, contract, a removed slot)
                dropped_for_good[pi] = dropped_for_good.get(pi, 0) + 1
            else:
                kept.setdefault(pi, []).append(var)
        for pi in ctx.by_person:
            person = problem.people[pi]
            added = [
                ctx.present[pi, si]
                for si in ctx.by_person[pi]
                if not problem.in_reference(person.id, problem.slots[si])
            ]
            ref = kept.get(pi, [])
            changes = dropped_for_good.get(pi, 0) + len(ref) - sum(ref) + sum(added)
            if isinstance(changes, int) and changes == 0:
                continue
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    changes,
                    self.weight(problem),
                    person=person.id,
                    detail=lambda n: f"{n} duties changed",
                )
            )


class Requests(SoftRule):
    name = "requests"
    description = "Wanted and unwanted days or shifts, each with its own weight."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        for req in problem.requests:
            pi = problem.person_index(req.person)
            slots = [
                si
                for si in ctx.by_person_day.get((pi, req.day), ())
                if req.shift is None or problem.slots[si].shift == req.shift
            ]
            on = sum(ctx.present[pi, si] for si in slots)
            what = req.shift or "duty"
            when = problem.days[req.day].date.isoformat()
            expr = (1 - on) if req.want else on
            if req.want and not slots:
                expr = 1  # cannot be granted at all; still reported
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    expr,
                    req.weight * self.weight(problem),
                    person=req.person,
                    detail=f"{'wanted' if req.want else 'asked to be off'} {what} on {when}",
                )
            )


SOFT_RULES: tuple[SoftRule, ...] = (
    CoverMinimum(),
    Composition(),
    CoverTarget(),
    CoverOver(),
    DutyFairness(),
    WeekendFairness(),
    NightFairness(),
    BankHolidayFairness(),
    IsolatedDutyDay(),
    ShortBlock(),
    ShadowDays(),
    DocumentationTime(),
    SessionalLocum(),
    Requests(),
    RotaChanges(),
)
