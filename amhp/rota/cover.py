"""Who could take a shift on a stored rota version: the month's problem rebuilt
for the service as it is now, the version's duties as the rota, and for each
person doing that shift either what taking it would cost or why they cannot.
Taking one makes a new draft with that single change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import solver
from amhp.core.months import month_label
from amhp.rota.build import BuiltProblem
from amhp.rota.export import to_export
from amhp.rota.month import month_problem
from amhp.rota.reader import RotaExport, read_export
from amhp.rota.repair import Change, changes_between
from amhp.service.model import ServiceDefinition


class NoSuchSlot(ValueError):
    """The date and shift name no slot of the month (field, message)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class CoverOption:
    person: str
    name: str
    can_take: bool
    reason: str | None
    cost: int | None
    by_rule: dict[str, int]


@dataclass(frozen=True)
class RotaAsItStands:
    built: BuiltProblem
    assignments: tuple[tuple[str, int], ...]
    shadows: tuple[tuple[str, int], ...]

    def slot_index(self, day: date, shift: str) -> int:
        problem = self.built.problem
        if not problem.days[0].date <= day <= problem.days[-1].date:
            raise NoSuchSlot("date", f"{day.isoformat()} is not in {self.built.period.label}")
        for si, slot in enumerate(problem.slots):
            if slot.shift == shift and problem.days[slot.day].date == day:
                return si
        raise NoSuchSlot("shift", f"no {shift} shift on {day.isoformat()} (no cover rule)")


def rota_as_it_stands(
    definition: ServiceDefinition, export: dict, previous_export: dict | None
) -> RotaAsItStands:
    doc = read_export(export)
    built = month_problem(definition, month_label(doc.period.start), previous_export)
    problem = built.problem
    index = {(problem.days[s.day].date, s.shift): si for si, s in enumerate(problem.slots)}
    people = {p.id for p in problem.people}

    def duties(kind: str) -> tuple[tuple[str, int], ...]:
        return tuple(
            (pid, index[slot.date, slot.shift])
            for slot in doc.slots
            if (slot.date, slot.shift) in index
            for pid in getattr(slot, kind)
            if pid in people
        )

    return RotaAsItStands(built, duties("assigned"), duties("shadows"))


def cover_options(rota: RotaAsItStands, day: date, shift: str) -> list[CoverOption]:
    si = rota.slot_index(day, shift)
    names = {p.id: p.name for p in rota.built.problem.people}
    found = solver.cover_candidates(rota.built.problem, rota.assignments, rota.shadows, si)
    return [
        CoverOption(c.person, names[c.person], c.reason is None, c.reason, c.cost, dict(c.by_rule))
        for c in found
    ]


def with_cover(
    rota: RotaAsItStands, base: RotaExport, base_version: int, person: str, day: date, shift: str
) -> tuple[dict, list[Change]]:
    """The version with ``person`` added on the slot: a new export that lists that
    one change (``ValueError`` when it breaks a hard rule)."""
    si = rota.slot_index(day, shift)
    if person not in {p.id for p in rota.built.problem.people}:
        raise NoSuchSlot("person", f"no practitioner {person!r} in this service")
    assignments = (*rota.assignments, (person, si))
    scored = solver.evaluate(rota.built.problem, assignments, rota.shadows)
    if not scored.status.found:
        raise ValueError(f"{person} cannot take {shift} on {day.isoformat()}: breaks a hard rule")
    scored = replace(scored, gaps_proven=False)
    export = to_export(rota.built, scored)
    changes = changes_between(base, read_export(export))
    export.update(base_version=base_version, changes=[c.as_json() for c in changes])
    return export, changes
