"""Duties moved between people in a rota as it stands (a swap, a give-away): each
move checked against every hard rule for the person who takes the duty, in the rota
as it would be after all the moves, and the rota scored before and after so the
cost of the change is known by rule.

The FTE limits are those of the rota before the moves (``part_time.holding``): a
duty given to someone already at their limit is refused, not allowed by the limit
rising to meet it."""

from __future__ import annotations

from dataclasses import dataclass

from solver.cover import Duties, _Held, _totals
from solver.explain import blocking_rule
from solver.problem import Problem
from solver.rules.part_time import holding
from solver.solution import Solution


@dataclass(frozen=True)
class Move:
    """Slot ``slot`` moves from ``giver`` to ``taker``."""

    slot: int
    giver: str
    taker: str


@dataclass(frozen=True)
class Refusal:
    # The hard rule's name, "availability", "eligibility", "duties" (not held as
    # said), or "rota_as_it_stands" (the rota breaks a rule before any move).
    rule: str
    person: str  # whom it breaks for
    reason: str


@dataclass(frozen=True)
class Exchange:
    refusal: Refusal | None
    assignments: Duties = ()  # the rota after the moves
    before: Solution | None = None
    after: Solution | None = None

    @property
    def by_rule(self) -> tuple[tuple[str, int], ...]:
        """The change of each soft rule's cost (non-zero only)."""
        if self.before is None or self.after is None:
            return ()
        was, now = _totals(self.before), _totals(self.after)
        return tuple(
            (rule, now.get(rule, 0) - was.get(rule, 0))
            for rule in sorted(set(was) | set(now))
            if now.get(rule, 0) != was.get(rule, 0)
        )

    @property
    def cost(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after.objective - self.before.objective)


def exchange(problem: Problem, assignments: Duties, shadows: Duties, moves: list[Move]) -> Exchange:
    """The rota with ``moves`` applied, or the first rule one of them breaks."""
    held = set(assignments)
    for m in moves:
        if (m.giver, m.slot) not in held:
            return Exchange(Refusal("duties", m.giver, "does not hold that duty in this rota"))
        if (m.taker, m.slot) in held:
            return Exchange(Refusal("duties", m.taker, "is already on that shift"))
    after = held - {(m.giver, m.slot) for m in moves} | {(m.taker, m.slot) for m in moves}
    limited = holding(problem, assignments)
    mine: dict[str, set[int]] = {}
    for pid, si in (*after, *shadows):
        mine.setdefault(pid, set()).add(si)
    for m in moves:
        occupants = [pid for pid, si in after if si == m.slot and pid != m.taker]
        pi = limited.person_index(m.taker)
        others = mine[m.taker] - {m.slot}
        if found := blocking_rule(limited, others, pi, m.slot, occupants):
            return Exchange(Refusal(found[0], m.taker, found[1]))
    rota = _Held(limited)
    new = tuple(sorted(after))
    before = rota.solve(assignments, shadows)
    if before is None:
        why = "already breaks a hard rule (leave or sickness added since?): repair it first"
        return Exchange(Refusal("rota_as_it_stands", moves[0].giver, why), new)
    scored = rota.solve(new, shadows)
    if scored is None:
        who = moves[0].taker
        why = "breaks a hard rule together with the rest of the rota"
        return Exchange(Refusal("hard_rules", who, why), new)
    return Exchange(None, new, before, scored)
