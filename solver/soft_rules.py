"""Soft rules: each adds named, weighted penalty terms that the solution reports one
by one. Cover minimum is soft with a dominant weight so that a rota always exists
and a shortfall becomes a reported gap instead of an infeasible model.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from solver.context import ModelContext, PenaltyTerm
from solver.problem import Problem, Slot


class SoftRule:
    name: str = ""
    description: str = ""

    def weight(self, problem: Problem) -> int:
        return getattr(problem.rules.weights, self.name)

    def post(self, ctx: ModelContext) -> None:
        raise NotImplementedError


def _assigned(ctx: ModelContext, si: int, keep: Callable[[int], bool] = lambda pi: True):
    return sum(ctx.x[pi, si] for pi in ctx.by_slot.get(si, ()) if keep(pi))


def _shortfall(ctx: ModelContext, name: str, need: int, have) -> object:
    """max(0, need - have) as a variable (the classic soft lower bound)."""
    short = ctx.model.new_int_var(0, need, name)
    ctx.model.add(short >= need - have)
    return short


def _slot_label(problem: Problem, slot: Slot) -> str:
    return f"{slot.shift} on {problem.days[slot.day].date.isoformat()}"


class CoverMinimum(SoftRule):
    name = "cover_minimum"
    description = "Each slot staffed to its minimum; every missing person is a gap."

    def post(self, ctx: ModelContext) -> None:
        for si, slot in enumerate(ctx.problem.slots):
            if slot.min == 0:
                continue
            short = _shortfall(ctx, f"min_{si}", slot.min, _assigned(ctx, si))
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    short,
                    self.weight(ctx.problem),
                    slot=si,
                    detail=lambda v, s=slot: f"{v} below minimum {s.min}",
                )
            )


class CoverTarget(SoftRule):
    name = "cover_target"
    description = "Each slot staffed to its target (planned) level where people allow."

    def post(self, ctx: ModelContext) -> None:
        for si, slot in enumerate(ctx.problem.slots):
            if slot.target == 0:
                continue
            short = _shortfall(ctx, f"target_{si}", slot.target, _assigned(ctx, si))
            ctx.penalise(
                PenaltyTerm(
                    self.name,
                    short,
                    self.weight(ctx.problem),
                    slot=si,
                    detail=lambda v, s=slot: f"{v} below target {s.target}",
                )
            )


class Composition(SoftRule):
    name = "composition"
    description = "Role requirements on a slot, such as a lead practitioner in the hub."

    def post(self, ctx: ModelContext) -> None:
        people = ctx.problem.people
        for si, slot in enumerate(ctx.problem.slots):
            for ri, req in enumerate(slot.requirements):
                have = _assigned(ctx, si, lambda pi, r=req: people[pi].role in r.roles)
                short = _shortfall(ctx, f"comp_{si}_{ri}", req.min, have)
                ctx.penalise(
                    PenaltyTerm(
                        self.name,
                        short,
                        self.weight(ctx.problem),
                        slot=si,
                        detail=lambda v, r=req: f"{v} short of {r.label}",
                    )
                )


def fair_shares(ctx: ModelContext, counts: Callable[[Slot], bool]) -> dict[int, float]:
    """Each person's fair share of the counted slots' target cover.

    Every slot's target is split among the people who could take it in proportion to
    FTE times duty factor, then summed per person; so leave, part-time patterns and
    separate pools (hub vs crisis) all lower or raise expectations where they should.
    """
    people = ctx.problem.people
    share: dict[int, float] = dict.fromkeys(ctx.by_person, 0.0)
    for si, pis in ctx.by_slot.items():
        slot = ctx.problem.slots[si]
        if not counts(slot) or not pis:
            continue
        total = sum(people[pi].fte * people[pi].duty_factor for pi in pis)
        for pi in pis:
            share[pi] += slot.target * people[pi].fte * people[pi].duty_factor / total
    return share


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
    """Spread a kind of duty evenly, relative to FTE, availability and history."""

    unit = "duty days"
    history_key = ""

    def counts(self, problem: Problem, slot: Slot) -> bool:
        raise NotImplementedError

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        shares = fair_shares(ctx, lambda s: self.counts(problem, s))
        catch_up = self._history_catch_up(ctx, shares)
        for pi, share in shares.items():
            counted = [si for si in ctx.by_person[pi] if self.counts(problem, problem.slots[si])]
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
        """Earlier months' imbalance: who did more than their share does less now."""
        if not self.history_key:
            return {}
        people = ctx.problem.people
        pool = [pi for pi, s in shares.items() if s > 0]
        total_hist = sum(people[pi].history.get(self.history_key, 0.0) for pi in pool)
        weight = sum(people[pi].fte * people[pi].duty_factor for pi in pool)
        if not pool or total_hist == 0 or weight == 0:
            return {}
        return {
            pi: total_hist * people[pi].fte * people[pi].duty_factor / weight
            - people[pi].history.get(self.history_key, 0.0)
            for pi in pool
        }


class DutyFairness(_FairnessRule):
    name = "duty_fairness"
    description = "Duty days spread by FTE, availability and caseload weighting."

    def counts(self, problem, slot):
        return True


class WeekendFairness(_FairnessRule):
    name = "weekend_fairness"
    description = "Weekend duty days spread evenly, counting earlier months."
    unit = "weekend days"
    history_key = "weekends"

    def counts(self, problem, slot):
        return problem.days[slot.day].weekend


class NightFairness(_FairnessRule):
    name = "night_fairness"
    description = "On-call nights spread evenly, counting earlier months."
    unit = "on-call nights"
    history_key = "nights"

    def counts(self, problem, slot):
        return problem.shift_type(slot.shift).kind == "on_call"


class IsolatedDutyDay(SoftRule):
    name = "isolated_duty_day"
    description = "Duty comes in blocks; a single duty day between days off is penalised."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        if problem.rules.max_consecutive_duty_days < 2:
            return
        n = len(problem.days)
        for pi in ctx.by_person:
            days = sorted({problem.slots[si].day for si in ctx.by_person[pi]})
            for d in days:
                iso = ctx.model.new_bool_var(f"iso_{pi}_{d}")
                before = ctx.duty(pi, d - 1) if d > 0 else 0
                after = ctx.duty(pi, d + 1) if d < n - 1 else 0
                ctx.model.add(iso >= ctx.duty(pi, d) - before - after)
                ctx.penalise(
                    PenaltyTerm(
                        self.name,
                        iso,
                        self.weight(problem),
                        person=problem.people[pi].id,
                        detail=f"single duty day on {problem.days[d].date.isoformat()}",
                    )
                )


class Requests(SoftRule):
    name = "requests"
    description = "Wanted and unwanted days or shifts, each with its own weight."

    def post(self, ctx: ModelContext) -> None:
        problem = ctx.problem
        index = {p.id: i for i, p in enumerate(problem.people)}
        for req in problem.requests:
            pi = index[req.person]
            slots = [
                si
                for si in ctx.by_person_day.get((pi, req.day), ())
                if req.shift is None or problem.slots[si].shift == req.shift
            ]
            on = sum(ctx.x[pi, si] for si in slots)
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
    DutyFairness(),
    WeekendFairness(),
    NightFairness(),
    IsolatedDutyDay(),
    Requests(),
)
