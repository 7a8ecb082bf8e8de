"""The workload model's reporting half (docs/workload-model.md): per person the
rota's weighted duty, total load, the caseload protection the rota implies and the
caseload cap that honours the agreed protection."""

from __future__ import annotations

from dataclasses import dataclass

import solver
from amhp.service.model import ServiceDefinition


@dataclass(frozen=True)
class PersonLoad:
    person: str
    duty_days: int
    weighted_duty_days: float
    available_days: int
    caseload_points: float | None
    total_load: float
    caseload_protection: float
    caseload_cap: float | None
    rostered: bool  # counts towards cover by the end of the period (trainees may not)


def person_loads(
    service: ServiceDefinition, problem: solver.Problem, solution: solver.Solution
) -> dict[str, PersonLoad]:
    ft_days = solver.full_time_days(problem)
    settings = service.rules.workload
    weighted: dict[str, float] = {}
    dates: dict[str, set[int]] = {}
    for pid, si in solution.assignments:
        slot = problem.slots[si]
        weighted[pid] = weighted.get(pid, 0.0) + problem.shift_type(slot.shift).weight
        dates.setdefault(pid, set()).add(slot.day)
    out = {}
    for person in problem.people:
        p = service.practitioner(person.id)
        w = weighted.get(person.id, 0.0)
        protection = w / (ft_days * person.fte)
        cap = None
        if p.caseload is not None:
            keep = 1 - max(settings.agreed_protection, protection)
            cap = round(max(0.0, settings.full_caseload_points * person.fte * keep), 2)
        out[person.id] = PersonLoad(
            person=person.id,
            duty_days=len(dates.get(person.id, ())),
            weighted_duty_days=round(w, 3),
            available_days=len(problem.days) - len(person.unavailable),
            caseload_points=p.caseload.points if p.caseload else None,
            total_load=round(solver.total_load(person, w, ft_days), 4),
            caseload_protection=round(protection, 4),
            caseload_cap=cap,
            rostered=person.counts_on(problem.days[-1].date),
        )
    return out


def load_spread(loads: dict[str, PersonLoad]) -> float:
    """max - min total load among rostered practitioners who carry a caseload."""
    values = [x.total_load for x in loads.values() if x.caseload_points is not None and x.rostered]
    return round(max(values) - min(values), 4) if values else 0.0
