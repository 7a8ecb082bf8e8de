"""Why a rota is as it is, for one person and/or date: the gaps with their causes,
the soft-rule costs, and the person's load and recovery. The CLI's ``explain`` and
the API's ``/rotas/{id}/explain`` both filter here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from amhp.rota.causes import names_person
from amhp.rota.reader import (
    ExportCompositionGap,
    ExportGap,
    ExportPenalty,
    ExportPerson,
    ExportRecovery,
    RotaExport,
)


@dataclass(frozen=True)
class Explanation:
    gaps: list[ExportGap]
    penalties: list[ExportPenalty]
    person: ExportPerson | None
    recovery: list[ExportRecovery]
    composition_gaps: list[ExportCompositionGap]

    def reasons(self, gap: ExportGap | ExportCompositionGap) -> list[str]:
        """The gap's causes, only the person's own when one was asked for."""
        if self.person is None:
            return gap.reasons
        return [r for r in gap.reasons if names_person(r, self.person.id)]


def explain(doc: RotaExport, person: str | None = None, day: date | None = None) -> Explanation:
    """``KeyError`` when ``person`` is not in the rota."""
    who = doc.person(person) if person else None
    if person and who is None:
        raise KeyError(f"no person {person!r} in this rota")

    def wanted(g: ExportGap | ExportCompositionGap) -> bool:
        return (day is None or g.date == day) and (
            person is None or any(names_person(r, person) for r in g.reasons)
        )

    gaps = [g for g in doc.gaps if wanted(g)]
    composition = [g for g in doc.composition_gaps if wanted(g)]
    penalties = [
        p
        for p in doc.penalties
        if (person is None or p.person == person) and (day is None or p.date == day)
    ]
    recovery = (
        [r for r in doc.recovery_of(person) if day is None or r.start.date() == day]
        if person
        else []
    )
    return Explanation(gaps, penalties, who, recovery, composition)
