"""Why a slot stayed below its minimum: for each person who does that shift type,
that they are already on it, or else the first static reason (leave, contract,
approval, working pattern) or the first hard rule that adding them would break."""

from __future__ import annotations

from solver.context import does_shift, exclusion_reason, may_shadow, static_unavailability
from solver.problem import Problem
from solver.rules.hard import HARD_RULES


def blocking_reason(
    problem: Problem, mine: set[int], pi: int, si: int, occupants: list[str]
) -> str | None:
    """Why person ``pi``, holding ``mine``, could not also take slot ``si``: the first
    static reason or hard rule; None when nothing stands in the way."""
    person, slot = problem.people[pi], problem.slots[si]
    return exclusion_reason(problem, person, slot, HARD_RULES) or next(
        (
            r
            for rule in HARD_RULES
            if rule.applies(problem)
            for r in [rule.blocks(problem, mine, pi, si, occupants)]
            if r
        ),
        None,
    )


def gap_reasons(
    problem: Problem,
    held: dict[str, set[int]],
    si: int,
    occupants: list[str],
    proven_optimal: bool,
    cover_proven: bool = False,
) -> list[str]:
    """Why each person who does the slot's shift is not (or is already) on it: with
    more needed than do the shift, everyone may be on it. ``cover_proven``: the
    number of missing people is proven minimal (cover-first phase), so a free
    person could only be placed here by opening a gap somewhere else."""
    slot = problem.slots[si]
    reasons: list[str] = []
    for pi, person in enumerate(problem.people):
        mine = held.get(person.id, set())
        if not does_shift(person, slot):
            continue
        if si in mine:
            reasons.append(f"{person.id}: already on this shift")
            continue
        reason = blocking_reason(problem, mine, pi, si, occupants)
        if reason is None:
            if cover_proven:
                reason = "available, but only by moving duties that open a gap elsewhere"
            elif proven_optimal:
                reason = "available, but every way to add them costs more elsewhere"
            else:
                reason = "available, but not placed before the time limit"
        reasons.append(f"{person.id}: {reason}")
    if not reasons:
        reasons.append(f"nobody on the rota does {slot.shift}")
    return reasons


def fixed_cell_conflicts(problem: Problem) -> list[tuple[int, str, str]]:
    """(fixed cell index, rule name, reason) for every fixed cell that a hard rule
    forbids, alone or together with the person's other fixed cells."""
    held: dict[str, set[int]] = {}
    for cell in problem.fixed:
        if (si := problem.slot_index(cell.day, cell.shift)) is not None:
            held.setdefault(cell.person, set()).add(si)
    out = []
    for i, cell in enumerate(problem.fixed):
        si = problem.slot_index(cell.day, cell.shift)
        if si is None:
            out.append((i, "cover", f"no {cell.shift} slot on that date"))
            continue
        person, slot = problem.people[problem.person_index(cell.person)], problem.slots[si]
        if not does_shift(person, slot):
            out.append((i, "eligibility", f"{person.id} is not on the rota for {slot.shift}"))
            continue
        reason = static_unavailability(
            problem, person, slot, as_shadow=may_shadow(problem, person, slot)
        )
        if reason:
            out.append((i, "eligibility", reason))
            continue
        others = held[cell.person] - {si}
        for rule in HARD_RULES:
            if not rule.applies(problem):
                continue
            why = rule.excludes(problem, person, slot) or rule.blocks(
                problem, others, problem.person_index(cell.person), si, []
            )
            if why:
                out.append((i, rule.name, why))
                break
    return out
