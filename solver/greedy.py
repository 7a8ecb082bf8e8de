"""A first rota in one pass, for services of many people: slot by slot in time
order, each filled up to its target with the people who could take it (the
required roles first, then whoever is least far through their fair shares,
carrying a run on towards the preferred block), each placement checked against
every hard rule on the duties already placed (the rules' own ``blocks``, as gap
explanations use).

Why: the construction (solver.construct) solves a model per group of eight, and
at 5,000 people its 625 groups alone took longer than the time asked (measured:
no rota within 60 s, benchmarks/RESULTS.md); one pass places each duty in a
fraction of a millisecond. Its rota is only a start: the whole model's search
improves it, and it is read back with every duty held (solve.settle) before it
could be the answer. Rules whose breach only shows once a run is complete
(minimum run lengths, total minutes) are not checked here, which is why services
with such working patterns (Curtois) keep the construction.
"""

from __future__ import annotations

import time
from collections import defaultdict

from solver.context import ModelContext
from solver.problem import Problem, WorkLimits
from solver.rules.hard import HARD_RULES
from solver.rules.soft import SOFT_RULES, DutyFairness, NightFairness, WeekendFairness

# Services with more people than this start from the greedy rota (rather than
# from nothing, or from the construction's groups). Measured with 30 s repeatable
# searches (benchmarks/RESULTS.md): 300 people 144,960 against 868,290 without
# it, 100 people 12,740 against 20,680; at 30 people and on the fixtures within
# the seeds' spread, so left to the search there.
GREEDY_ABOVE_PEOPLE = 60


def suits(problem: Problem, any_size: bool = False) -> bool:
    """Many people (or ``any_size``), no working-pattern limits (which one pass
    cannot keep), and not a repair (which starts from the rota being repaired)."""
    return (
        (any_size or len(problem.people) > GREEDY_ABOVE_PEOPLE)
        and not problem.reference
        and not problem.rules.forbidden_successions
        and all(p.limits == WorkLimits() for p in problem.people)
    )


# The fairness rules whose shares the greedy rota follows.
FOLLOWED = tuple(
    r for r in SOFT_RULES if r.name in (DutyFairness.name, WeekendFairness.name, NightFairness.name)
)


class _Greedy:
    """The rota as it grows: who holds what, each person's count of each kind of
    fair share, and the run each is on."""

    def __init__(self, ctx: ModelContext) -> None:
        self.ctx = ctx
        self.problem = ctx.problem
        self.rules = [r for r in HARD_RULES if r.applies(ctx.problem)]
        self.shares = {rule.name: rule.shares(ctx) for rule in FOLLOWED}
        self.held: dict[int, set[int]] = defaultdict(set)
        self.on: dict[int, list[int]] = defaultdict(list)
        self.done = {kind: defaultdict(int) for kind in self.shares}
        self.run: dict[int, tuple[int, int]] = {}  # person -> (last duty day, run length)
        self.pinned: set[tuple[int, int]] = set()  # fixed cells, frozen duties: never moved

    def fits(self, pi: int, si: int) -> bool:
        if (pi, si) not in self.ctx.x or si in self.held[pi]:
            return False
        occupants = [self.problem.people[o].id for o in self.on[si]]
        held = self.held[pi]
        return not any(r.blocks(self.problem, held, pi, si, occupants) for r in self.rules)

    def place(self, pi: int, si: int) -> None:
        slot = self.problem.slots[si]
        self.held[pi].add(si)
        self.on[si].append(pi)
        last, length = self.run.get(pi, (-2, 0))
        self.run[pi] = (slot.day, length + 1 if last == slot.day - 1 else 1)
        for kind in self.kinds(si):
            self.done[kind][pi] += 1

    def kinds(self, si: int) -> list[str]:
        """The followed fairness rules that count the slot."""
        slot = self.problem.slots[si]
        return [rule.name for rule in FOLLOWED if rule.counts(self.problem, slot)]

    def continues(self, pi: int, day: int) -> bool:
        """Yesterday's duty began a run shorter than the preferred block, and the
        person is still under their share: carrying on avoids a single day."""
        last, length = self.run.get(pi, (-2, 0))
        duty = DutyFairness.name
        under = self.done[duty][pi] < self.shares[duty].get(pi, 0.0)
        return last == day - 1 and length < self.problem.rules.preferred_block_days and under

    def behind(self, pi: int, kinds: list[str]) -> float:
        """How far the person would be through their shares of these kinds."""
        return sum((self.done[k][pi] + 1) / max(self.shares[k].get(pi, 0.0), 0.1) for k in kinds)

    def order(self, si: int) -> list[int]:
        """Who to try on the slot, first to last: not sessional locums (they cost
        by the day), then those carrying a run on, then the least far through
        their shares."""
        people, day, kinds = self.problem.people, self.problem.slots[si].day, self.kinds(si)
        return sorted(
            self.ctx.by_slot.get(si, ()),
            key=lambda pi: (
                people[pi].sessional,
                not self.continues(pi, day),
                self.behind(pi, kinds),
                pi,
            ),
        )

    def fill(self, si: int) -> None:
        """The slot up to its target: the required roles first, then anyone."""
        slot, people = self.problem.slots[si], self.problem.people
        need = slot.target - len(self.on[si])
        if need <= 0:
            return
        order = self.order(si)
        wanted = [
            ([pi for pi in order if people[pi].role in r.roles], r.min) for r in slot.requirements
        ]
        for candidates, places in [*wanted, (order, need)]:
            for pi in candidates:
                if places <= 0 or need <= 0:
                    break
                if self.fits(pi, si):
                    self.place(pi, si)
                    need, places = need - 1, places - 1

    def mend(self, si: int) -> None:
        """A slot the pass left below its minimum: each person who could take it
        but holds a duty in the way is moved off that duty onto this slot, if the
        duty they leave keeps its cover and required roles, as it is or with
        someone else put on it. Which duty first: the one with the most people
        beyond its target."""
        slot, slots = self.problem.slots[si], self.problem.slots
        for pi in self.order(si):
            if len(self.on[si]) >= slot.min:
                return
            if si in self.held[pi]:
                continue
            if self.fits(pi, si):
                self.place(pi, si)
                continue
            held = [sj for sj in self.held[pi] if (pi, sj) not in self.pinned]
            for sj in sorted(held, key=lambda s: (slots[s].target - len(self.on[s]), s)):
                if self.move(pi, sj, si):
                    break

    def move(self, pi: int, sj: int, si: int) -> bool:
        """``pi`` off slot ``sj`` and onto ``si``, with someone else onto ``sj`` if
        it would otherwise fall short; nothing changes unless every hard rule of
        everyone on both holds. Returns whether it moved."""
        before = self.cover(sj)
        self.remove(pi, sj)
        if self.fits(pi, si) and self.others_keep(sj):
            self.place(pi, si)
            if self.kept(sj, before) or self.refill(sj, before):
                return True
            self.remove(pi, si)
        self.place(pi, sj)
        return False

    def cover(self, si: int) -> tuple[int, ...]:
        """The people on the slot, then the holders of each required role."""
        people = self.problem.people
        roles = [
            sum(1 for o in self.on[si] if people[o].role in req.roles)
            for req in self.problem.slots[si].requirements
        ]
        return (len(self.on[si]), *roles)

    def kept(self, si: int, before: tuple[int, ...]) -> bool:
        """The slot is no shorter of its minimum or of any required role than it
        was (``before``: its cover then)."""
        slot = self.problem.slots[si]
        mins = (slot.min, *(req.min for req in slot.requirements))
        return all(n >= min(b, m) for n, b, m in zip(self.cover(si), before, mins, strict=True))

    def refill(self, si: int, before: tuple[int, ...]) -> bool:
        """Someone else onto the slot, so that it is kept (``kept``)."""
        for q in self.order(si):
            if si not in self.held[q] and self.fits(q, si):
                self.place(q, si)
                if self.kept(si, before):
                    return True
                self.remove(q, si)
        return False

    def others_keep(self, si: int) -> bool:
        """Everyone on the slot still keeps every hard rule (a locum is not left
        alone on it)."""
        people = self.problem.people
        for o in self.on[si]:
            occupants = [people[q].id for q in self.on[si] if q != o]
            if any(
                r.blocks(self.problem, self.held[o] - {si}, o, si, occupants) for r in self.rules
            ):
                return False
        return True

    def remove(self, pi: int, si: int) -> None:
        """Undo a placement (its fair-share counts too; the run is left as it was:
        it only orders who is tried next)."""
        self.held[pi].discard(si)
        self.on[si].remove(pi)
        for kind in self.kinds(si):
            self.done[kind][pi] -= 1


def greedy_rota(ctx: ModelContext, deadline: float | None = None) -> dict[tuple[int, int], int]:
    """Assignment (person index, slot index) -> 1 for the duties placed: fixed
    cells and a repair's frozen duties first, then each slot up to its target.
    Then each slot left below its minimum is mended (``_Greedy.mend``). Past
    ``deadline`` (monotonic) it stops placing: what it has is still a rota that
    keeps every hard rule, with the later slots short."""
    problem = ctx.problem
    rota = _Greedy(ctx)
    held = [(c.person, c.day, c.shift) for c in problem.fixed] + [
        (d.person, d.day, d.shift)
        for d in problem.reference
        if d.day < problem.freeze_before and not d.shadow
    ]
    for pid, day, shift in held:
        si = problem.slot_index(day, shift)
        pi = problem.person_index(pid)
        if si is not None and (pi, si) in ctx.x and si not in rota.held[pi]:
            rota.place(pi, si)
            rota.pinned.add((pi, si))
    for si in sorted(range(len(problem.slots)), key=lambda s: problem.slots[s].start):
        if deadline is not None and time.monotonic() > deadline:
            break
        rota.fill(si)
    for si in range(len(problem.slots)):
        if deadline is not None and time.monotonic() > deadline:
            break
        if len(rota.on[si]) < problem.slots[si].min:
            rota.mend(si)
    return {(pi, si): 1 for si, pis in rota.on.items() for pi in pis}
