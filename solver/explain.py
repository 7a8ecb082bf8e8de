"""Why a slot stayed below its minimum: for each person who does that shift type,
that they are already on it, or else the first static reason (leave, contract,
approval, working pattern) or the first hard rule that adding them would break."""

from __future__ import annotations

from solver.context import does_shift, may_shadow, static_unavailability
from solver.problem import Person, Problem, Requirement
from solver.rules.hard import HARD_RULES
from solver.solution import CompositionGap, Gap

Duties = tuple[tuple[str, int], ...]  # (person id, slot index)


def reason_line(person: Person, why: str) -> str:
    """One cause as the reports print it: the person by name and id, then why."""
    return f"{person.name} ({person.id}): {why}"


AVAILABILITY = "availability"  # the rule name of a static reason (leave, contract, approval)


def blocking_rule(
    problem: Problem, mine: set[int], pi: int, si: int, occupants: list[str]
) -> tuple[str, str] | None:
    """(rule name, why) person ``pi``, holding ``mine``, could not also take slot
    ``si``: the first static reason (named ``availability``) or hard rule; None when
    nothing stands in the way."""
    person, slot = problem.people[pi], problem.slots[si]
    if not does_shift(person, slot):
        return "eligibility", f"not on the rota for {slot.shift}"
    if why := static_unavailability(problem, person, slot):
        return AVAILABILITY, why
    for rule in HARD_RULES:
        if why := rule.excludes(problem, person, slot):
            return rule.name, why
    for rule in HARD_RULES:
        if rule.applies(problem) and (why := rule.blocks(problem, mine, pi, si, occupants)):
            return rule.name, why
    return None


def blocking_reason(
    problem: Problem, mine: set[int], pi: int, si: int, occupants: list[str]
) -> str | None:
    """Why person ``pi``, holding ``mine``, could not also take slot ``si``: the first
    static reason or hard rule; None when nothing stands in the way."""
    found = blocking_rule(problem, mine, pi, si, occupants)
    return found[1] if found else None


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
    reasons = _person_reasons(
        problem, held, si, occupants, lambda p: True, _free_reason(proven_optimal, cover_proven)
    )
    return reasons or [f"nobody on the rota does {slot.shift}"]


def composition_reasons(
    problem: Problem,
    held: dict[str, set[int]],
    si: int,
    occupants: list[str],
    requirement: Requirement,
    proven_optimal: bool,
    composition_proven: bool = False,
) -> list[str]:
    """Why each person who holds a role the requirement asks for, and does the
    slot's shift, is not on it (or that they are, when more are needed than hold it)."""
    slot = problem.slots[si]
    free = (
        "available, but only by moving duties that open a gap or leave another shift "
        "without its required role"
        if composition_proven
        else _free_reason(proven_optimal, False)
    )
    reasons = _person_reasons(
        problem, held, si, occupants, lambda p: p.role in requirement.roles, free
    )
    roles = "/".join(requirement.roles)
    return reasons or [f"nobody on the rota for {slot.shift} is a {roles}"]


def explained_gaps(
    problem: Problem,
    assignments: Duties,
    shadows: Duties,
    optimal: bool,
    cover_proven: bool,
    composition_proven: bool,
) -> tuple[tuple[Gap, ...], tuple[CompositionGap, ...]]:
    """The rota's slots below their minimum and those short of a required role,
    each with one cause per person who does the shift (or holds the role)."""
    held: dict[str, set[int]] = {}
    for person, si in assignments + shadows:
        held.setdefault(person, set()).add(si)
    on_slot: dict[int, list[str]] = {}
    for person, si in assignments:
        on_slot.setdefault(si, []).append(person)
    gaps = tuple(
        Gap(
            si,
            slot.min - len(on_slot.get(si, ())),
            tuple(gap_reasons(problem, held, si, on_slot.get(si, []), optimal, cover_proven)),
        )
        for si, slot in enumerate(problem.slots)
        if len(on_slot.get(si, ())) < slot.min
    )
    roles = {p.id: p.role for p in problem.people}
    composition = []
    for si, slot in enumerate(problem.slots):
        occupants = on_slot.get(si, [])
        for req in slot.requirements:
            have = sum(1 for pid in occupants if roles[pid] in req.roles)
            if have >= req.min:
                continue
            why = composition_reasons(
                problem, held, si, occupants, req, optimal, composition_proven
            )
            composition.append(CompositionGap(si, req.label, req.min - have, tuple(why)))
    return gaps, tuple(composition)


def _free_reason(proven_optimal: bool, cover_proven: bool) -> str:
    if cover_proven:
        return "available, but only by moving duties that open a gap elsewhere"
    if proven_optimal:
        return "available, but every way to add them costs more elsewhere"
    return "available, but not placed before the time limit"


def _person_reasons(problem, held, si, occupants, keep, free: str) -> list[str]:
    slot = problem.slots[si]
    reasons: list[str] = []
    for pi, person in enumerate(problem.people):
        if not does_shift(person, slot) or not keep(person):
            continue
        mine = held.get(person.id, set())
        if si in mine:
            reasons.append(reason_line(person, "already on this shift"))
            continue
        reason = blocking_reason(problem, mine, pi, si, occupants)
        reasons.append(reason_line(person, reason or free))
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
