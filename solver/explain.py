"""Why a slot stayed below its minimum: for each person who does that shift type and
is not on it, the first static reason (leave, contract, approval, working pattern)
or the first hard rule that adding them would break."""

from __future__ import annotations

from solver.context import does_shift, exclusion_reason
from solver.hard_rules import HARD_RULES
from solver.problem import Problem


def gap_reasons(
    problem: Problem,
    held: dict[str, set[int]],
    si: int,
    occupants: list[str],
    proven_optimal: bool,
) -> list[str]:
    slot = problem.slots[si]
    reasons: list[str] = []
    for pi, person in enumerate(problem.people):
        mine = held.get(person.id, set())
        if si in mine or not does_shift(person, slot):
            continue
        reason = exclusion_reason(problem, person, slot, HARD_RULES) or next(
            (
                r
                for rule in HARD_RULES
                if rule.applies(problem)
                for r in [rule.blocks(problem, mine, pi, si, occupants)]
                if r
            ),
            None,
        )
        if reason is None:
            reason = (
                "available, but every way to add them costs more elsewhere"
                if proven_optimal
                else "available, but not placed before the time limit"
            )
        reasons.append(f"{person.id}: {reason}")
    if not reasons:
        reasons.append(f"nobody on the rota does {slot.shift}")
    return reasons
