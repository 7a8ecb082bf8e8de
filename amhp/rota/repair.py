"""Repairing a published month after something changed (sickness, leave, a contract
or approval ended, a cover rule): the same month solved again against the published
version, with every duty before the freeze date held and as few changes after it
as the gaps allow (``frozen_days`` and ``rota_changes`` in the solver). The export
says which version it repairs and lists every duty added or removed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import solver
from amhp.rota.build import BuiltProblem, build_problem
from amhp.rota.carry_in import prior_duties
from amhp.rota.export import to_export
from amhp.rota.month import SolvedMonth, within_limit
from amhp.rota.reader import RotaExport, read_export
from amhp.service.calendar import Period
from amhp.service.model import ServiceDefinition


@dataclass(frozen=True)
class Change:
    person: str
    date: date
    shift: str
    change: str  # "added" or "removed"

    def as_json(self) -> dict:
        return {
            "person": self.person,
            "date": self.date.isoformat(),
            "shift": self.shift,
            "change": self.change,
        }


def reference_duties(problem: solver.Problem, base: RotaExport) -> tuple[solver.ReferenceDuty, ...]:
    """The published duties that still name a person, shift and date of the problem
    (the others cannot be kept and show up as removed)."""
    index = {d.date: i for i, d in enumerate(problem.days)}
    people = {p.id for p in problem.people}
    slots = {(s.day, s.shift) for s in problem.slots}
    out = []
    for slot in base.slots:
        day = index.get(slot.date)
        if day is None or (day, slot.shift) not in slots:
            continue
        for pid in slot.assigned + slot.shadows:
            if pid in people:
                out.append(solver.ReferenceDuty(pid, day, slot.shift, pid not in slot.assigned))
    return tuple(out)


def first_conflict(problem: solver.Problem, reference) -> int | None:
    """The first day on which a published duty no longer fits the service (leave or
    sickness added, a contract or approval ended, the shift no longer a person's)."""
    people = {p.id: p for p in problem.people}
    slot_of = {(s.day, s.shift): s for s in problem.slots}
    days = [
        d.day
        for d in reference
        if not solver.does_shift(people[d.person], slot_of[d.day, d.shift])
        or solver.exclusion_reason(
            problem, people[d.person], slot_of[d.day, d.shift], solver.HARD_RULES, d.shadow
        )
    ]
    return min(days, default=None)


def freeze_day(problem: solver.Problem, reference, today: date, freeze_before: date | None) -> int:
    """Index of the first day that may change: ``freeze_before`` when given, else
    today or the first day the published rota no longer fits, whichever is later."""
    start = problem.days[0].date
    if freeze_before is None:
        conflict = first_conflict(problem, reference)
        freeze_before = max(today, problem.date_of(conflict) if conflict is not None else today)
    return min(max((freeze_before - start).days, 0), len(problem.days))


def changes_between(base: RotaExport, new: RotaExport) -> list[Change]:
    def duties(doc: RotaExport) -> set[tuple[str, date, str]]:
        return {(p, s.date, s.shift) for s in doc.slots for p in (*s.assigned, *s.shadows)}

    before, after = duties(base), duties(new)
    removed = [Change(p, d, s, "removed") for p, d, s in before - after]
    added = [Change(p, d, s, "added") for p, d, s in after - before]
    return sorted(removed + added, key=lambda c: (c.date, c.shift, c.person, c.change))


def repair_month(
    definition: ServiceDefinition,
    month: str,
    base_export: dict,
    base_version: int | None,
    today: date,
    freeze_before: date | None = None,
    previous_export: dict | None = None,
    params: solver.SolveParams | None = None,
    on_progress: Callable[[solver.Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> SolvedMonth:
    started = time.monotonic()
    period = Period.month(month)
    base = read_export(base_export)
    built = build_problem(
        definition, period, prior_duties(definition, period.start, previous_export)
    )
    reference = reference_duties(built.problem, base)
    frozen = freeze_day(built.problem, reference, today, freeze_before)
    problem = replace(built.problem, reference=reference, freeze_before=frozen)
    built = BuiltProblem(built.service, built.period, problem)
    solution = solver.solve(problem, within_limit(params, started), on_progress, stop)
    export = to_export(built, solution)
    changes = changes_between(base, read_export(export))
    export.update(
        base_version=base_version,
        freeze_before=problem.date_of(frozen).isoformat(),
        changes=[c.as_json() for c in changes],
    )
    return SolvedMonth(built, solution, export)
