"""Recovery time in a finished rota, asked of the rules that keep it free
(``documentation_time``, ``day_off_after_on_call``): a rule that is off, or that
does not apply to a duty, gives none."""

from __future__ import annotations

from solver.problem import Problem
from solver.rules.documentation import DocumentationTime, Placement, unplaced
from solver.rules.hard import HARD_RULES
from solver.rules.soft import SOFT_RULES
from solver.solution import Recovery, Solution


def recovery_periods(problem: Problem, solution: Solution) -> list[Recovery]:
    """Per person (in rota order), by the start of the duty each follows."""
    held: dict[str, list[int]] = {}
    for pid, si in solution.assignments + solution.shadows:
        held.setdefault(pid, []).append(si)
    rules = [rule for rule in (*HARD_RULES, *SOFT_RULES) if rule.applies(problem)]
    out: list[Recovery] = []
    for pid, slots in held.items():
        mine = [
            r for rule in rules for r in rule.recovery(problem, problem.person_index(pid), slots)
        ]
        out.extend(sorted(mine, key=lambda r: problem.slots[r.after].start))
    return out


def unplaced_documentation(problem: Problem, solution: Solution) -> list[Placement]:
    """Block ends whose documentation time found no free working morning within
    ``documentation_within_days`` (none while the rule is off)."""
    if not DocumentationTime().applies(problem):
        return []
    held: dict[str, list[int]] = {}
    for pid, si in solution.assignments + solution.shadows:
        held.setdefault(pid, []).append(si)
    return [
        p
        for pid, slots in held.items()
        for p in unplaced(problem, problem.person_index(pid), slots)
    ]
