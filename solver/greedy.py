"""A first rota in one pass, for services with many people (thousands): slot by
slot in time order, each filled up to its target with the people who could take
it, least loaded first (duty days over FTE), each checked against every hard rule
on the duties already placed (the rules' own ``blocks``, as gap explanations use).

Why: the construction (solver.construct) solves a model per group of eight, and
at 5,000 people its 625 groups alone took longer than the time asked (measured:
no rota within 60 s, benchmarks/RESULTS.md); one pass places each duty in a
fraction of a millisecond. Its rota is only a start: the whole model's search
improves it, and it is checked like any hint (solve.settle) before it could be
the answer. Rules whose breach only shows once a run is complete (minimum run
lengths, total minutes) are not checked here, which is why small services with
such patterns (Curtois) keep the construction.
"""

from __future__ import annotations

import time
from collections import defaultdict

from solver.context import ModelContext
from solver.problem import Problem, WorkLimits
from solver.rules.hard import HARD_RULES
from solver.workload import balanced_weights, split_targets

# Services with more people than this start from the greedy rota (rather than
# from nothing, or from the construction's groups). Measured with 30 s repeatable
# searches (benchmarks/RESULTS.md): 300 people 144,960 against 868,290 without
# it, 100 people 12,740 against 20,680; at 30 people and on the fixtures within
# the seeds' spread, so left to the search there.
GREEDY_ABOVE_PEOPLE = 60


def suits(problem: Problem) -> bool:
    """Many people, no working-pattern limits (which one pass cannot keep), and
    not a repair (which starts from the rota being repaired)."""
    return (
        len(problem.people) > GREEDY_ABOVE_PEOPLE
        and not problem.reference
        and not problem.rules.forbidden_successions
        and all(p.limits == WorkLimits() for p in problem.people)
    )


def fair_shares(ctx: ModelContext) -> dict[str, dict[int, float]]:
    """Each person's fair share of duty days, weekend days and on-call nights (the
    fairness rules' splits: caseloads weighed for duty days; sessional locums none)."""
    problem = ctx.problem
    pool = [pi for pi in ctx.by_person if not problem.people[pi].sessional]
    flat = {pi: problem.rules.duty_level(problem.people[pi]) for pi in pool}
    return {
        "duty": split_targets(problem, ctx.by_slot, balanced_weights(problem, ctx.by_slot, pool)),
        "weekend": split_targets(problem, ctx.by_slot, flat, lambda s: _kinds(problem, s)[1]),
        "night": split_targets(problem, ctx.by_slot, flat, lambda s: _kinds(problem, s)[2]),
    }


def _kinds(problem: Problem, slot) -> tuple[bool, bool, bool]:
    """Which fair shares a slot counts towards: duty, weekend, night."""
    weekend = problem.days[slot.day].weekend
    return True, weekend, problem.shift_type(slot.shift).kind == "on_call"


class _Rota:
    def __init__(self, ctx: ModelContext) -> None:
        self.ctx = ctx
        self.problem = ctx.problem
        self.rules = [r for r in HARD_RULES if r.applies(ctx.problem)]
        self.held: dict[int, set[int]] = defaultdict(set)
        self.on: dict[int, list[int]] = defaultdict(list)

    def fits(self, pi: int, si: int) -> bool:
        if (pi, si) not in self.ctx.x:
            return False
        occupants = [self.problem.people[o].id for o in self.on[si]]
        held = self.held[pi]
        return not any(r.blocks(self.problem, held, pi, si, occupants) for r in self.rules)

    def place(self, pi: int, si: int) -> None:
        self.held[pi].add(si)
        self.on[si].append(pi)


def greedy_rota(ctx: ModelContext, deadline: float | None = None) -> dict[tuple[int, int], int]:
    """Assignment (person index, slot index) -> 1 for the duties placed: fixed
    cells and a repair's frozen duties first, then each slot up to its target.
    Past ``deadline`` (monotonic) it stops placing: what it has is still a rota
    that keeps every hard rule, with the later slots short."""
    problem = ctx.problem
    rota = _Rota(ctx)
    index = {p.id: pi for pi, p in enumerate(problem.people)}
    frozen = [
        (d.person, d.day, d.shift)
        for d in problem.reference
        if d.day < problem.freeze_before and not d.shadow
    ]
    for pid, day, shift in [(c.person, c.day, c.shift) for c in problem.fixed] + frozen:
        si = problem.slot_index(day, shift)
        if si is not None and (index[pid], si) in ctx.x:
            rota.place(index[pid], si)
    people = problem.people
    shares = fair_shares(ctx)
    share = shares["duty"]
    done = {kind: defaultdict(int) for kind in shares}
    run: dict[int, tuple[int, int]] = {}  # person -> (last duty day, run length)
    block = problem.rules.preferred_block_days

    def continues(pi: int, day: int) -> bool:
        """Yesterday's duty began a run shorter than the preferred block, and the
        person is still under their share: carrying on avoids a single day."""
        last, length = run.get(pi, (-2, 0))
        return last == day - 1 and length < block and done["duty"][pi] < share.get(pi, 0.0)

    def behind(pi: int, kinds: list[str]) -> float:
        """How far the person is through their shares of the slot's kinds, taking it."""
        return sum((done[k][pi] + 1) / max(shares[k].get(pi, 0.0), 0.1) for k in kinds)

    for si in sorted(range(len(problem.slots)), key=lambda s: problem.slots[s].start):
        if deadline is not None and time.monotonic() > deadline:
            break
        slot = problem.slots[si]
        need = slot.target - len(rota.on[si])
        if need <= 0:
            continue
        kinds = [k for k, on in zip(shares, _kinds(problem, slot), strict=True) if on]
        order = sorted(
            ctx.by_slot.get(si, ()),
            key=lambda pi: (
                people[pi].sessional,
                not continues(pi, slot.day),
                behind(pi, kinds),
                pi,
            ),
        )
        # The required roles first (a lead in the hub), then anyone, in that order.
        wanted = [
            ([pi for pi in order if people[pi].role in req.roles], req.min)
            for req in slot.requirements
        ]
        for candidates, places in [*wanted, (order, need)]:
            for pi in candidates:
                if places <= 0 or need <= 0:
                    break
                if si not in rota.held[pi] and rota.fits(pi, si):
                    rota.place(pi, si)
                    last, length = run.get(pi, (-2, 0))
                    run[pi] = (slot.day, length + 1 if last == slot.day - 1 else 1)
                    for k in kinds:
                        done[k][pi] += 1
                    need, places = need - 1, places - 1
    return {(pi, si): 1 for si, pis in rota.on.items() for pi in pis}
