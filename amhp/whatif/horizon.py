"""Solving a what-if horizon and summarising it as ``amhp-whatif/1``.

The horizon is solved month by month: each month starts from the previous month's
rota (rest, runs and closure caps across the boundary, via ``carry_in``) and from
history updated with what was worked (weekends, nights, bank holidays), so fairness
carries across months. A month with gaps is solved once more with sessional
locums offered (amhp.whatif.locums): what they would close, and at what cost.
One model over twelve months would be far larger than the
monthly one that already needs its whole time limit; month by month keeps every
solve the size the service solves in production.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import solver
from amhp.core.states import Stopped
from amhp.rota.month import solve_month
from amhp.rota.reader import read_export
from amhp.rota.search import search_params
from amhp.rota.workload import load_spread, person_loads
from amhp.service.calendar import Period, is_bank_holiday
from amhp.service.model import ServiceDefinition
from amhp.whatif.locums import locum_figure
from amhp.whatif.scenarios import ScenarioFile, apply_changes

FORMAT = "amhp-whatif/1"


@dataclass(frozen=True)
class MonthResult:
    month: str
    status: str
    gaps_proven: bool
    slot_days_below_min: int
    slot_days_below_target: int
    shortfall_person_days: int  # people missing below the minimums, summed
    locum_days_needed: int  # days a rota offered sessional locums uses (amhp.whatif.locums)
    locum_cost: float
    gaps_with_locum: int  # people still missing in that rota
    locum_days_proven: bool  # that rota's gaps and locum days proven fewest
    currency: str
    max_load: float
    load_spread: float
    duty_days: dict[str, int]
    loads: dict[str, float]
    protection: dict[str, float]

    def public(self) -> dict:
        return {
            "month": self.month,
            "status": self.status,
            "gaps_proven": self.gaps_proven,
            "slot_days_below_min": self.slot_days_below_min,
            "slot_days_below_target": self.slot_days_below_target,
            "shortfall_person_days": self.shortfall_person_days,
            "locum_days_needed": self.locum_days_needed,
            "locum_cost": round(self.locum_cost, 2),
            "gaps_with_locum": self.gaps_with_locum,
            "locum_days_proven": self.locum_days_proven,
            "currency": self.currency,
            "max_load": self.max_load,
            "load_spread": self.load_spread,
            "duty_days": self.duty_days,
            "total_load": self.loads,
            "caseload_protection": self.protection,
        }


def _with_history(definition: ServiceDefinition, export: dict) -> ServiceDefinition:
    """Add the month's weekends, nights and bank holidays worked to each history."""
    rota = read_export(export)
    extra: dict[str, dict[str, int]] = {}
    for slot in rota.slots:
        night = rota.shift_by_code[slot.shift].kind == "on_call"
        for pid in slot.assigned:
            e = extra.setdefault(pid, {"weekends": 0, "nights": 0, "bank_holidays": 0})
            e["weekends"] += slot.date.weekday() >= 5
            e["nights"] += night
            e["bank_holidays"] += is_bank_holiday(definition.service, slot.date)
    people = []
    for p in definition.practitioners:
        add = extra.get(p.id)
        if add:
            h = p.history
            p = p.model_copy(
                update={
                    "history": h.model_copy(update={k: getattr(h, k) + v for k, v in add.items()})
                }
            )
        people.append(p)
    return definition.model_copy(update={"practitioners": people})


def solve_horizon(
    definition: ServiceDefinition,
    months: list[str],
    params: solver.SolveParams,
    day_rate: float,
    on_month: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> list[MonthResult]:
    """Raises :class:`Stopped` when ``stop`` is set: a horizon cut short is not a result."""
    results = []
    previous: dict | None = None
    for month in months:
        solved = solve_month(definition, month, previous, params, stop=stop)
        if stop is not None and stop.is_set():
            raise Stopped
        built, solution, export = solved.built, solved.solution, solved.export
        loads = person_loads(definition, built.problem, solution)
        rostered = {k: v for k, v in loads.items() if v.caseload_points is not None and v.rostered}
        rota = read_export(export)
        missing = sum(g.missing for g in rota.gaps)
        locums = locum_figure(definition, month, previous, export, params, day_rate, stop)
        if stop is not None and stop.is_set():
            raise Stopped
        results.append(
            MonthResult(
                month=month,
                status=solution.status,
                gaps_proven=solution.gaps_proven,
                slot_days_below_min=len(rota.gaps),
                slot_days_below_target=sum(1 for s in rota.slots if len(s.assigned) < s.target),
                shortfall_person_days=missing,
                locum_days_needed=locums.days,
                locum_cost=locums.cost,
                gaps_with_locum=locums.gaps_left,
                locum_days_proven=locums.proven,
                currency=definition.rules.currency,
                max_load=max((v.total_load for v in rostered.values()), default=0.0),
                load_spread=load_spread(loads),
                duty_days={k: v.duty_days for k, v in loads.items()},
                loads={k: v.total_load for k, v in rostered.items()},
                protection={k: v.caseload_protection for k, v in rostered.items()},
            )
        )
        definition = _with_history(definition, export)
        previous = export
        if on_month:
            on_month(month)
    return results


def run_whatif(
    spec: ScenarioFile,
    base: ServiceDefinition,
    base_name: str,
    on_month: Callable[[str, str], None] | None = None,
    workers: int = 8,
    stop: threading.Event | None = None,
) -> dict:
    months = spec.horizon.month_labels()
    params = search_params(spec.time_limit_per_month, workers=workers)
    runs = ([("base", [])] if spec.include_base else []) + [
        (s.name, s.changes) for s in spec.scenarios
    ]
    scenarios = []
    common = apply_changes(base, spec.common_changes, spec.horizon.end)
    names: dict[str, str] = {}
    for name, changes in runs:
        service = apply_changes(common, changes, spec.horizon.end)
        names.update({p.id: p.name for p in service.practitioners})
        results = solve_horizon(
            service,
            months,
            params,
            spec.sessional_day_rate,
            on_month=(lambda m, n=name: on_month(n, m)) if on_month else None,
            stop=stop,
        )
        scenarios.append(
            {
                "name": name,
                "changes": [c.model_dump(mode="json", by_alias=True) for c in changes],
                "months": [r.public() for r in results],
            }
        )
    return {
        "format": FORMAT,
        "base": base_name,
        "common_changes": [c.model_dump(mode="json", by_alias=True) for c in spec.common_changes],
        "horizon": {
            "start": Period.month(months[0]).start.isoformat(),
            "end": spec.horizon.end.isoformat(),
        },
        "time_limit_per_month": spec.time_limit_per_month,
        "names": names,
        "scenarios": scenarios,
    }
