"""The ``amhp-rota/1`` export (see shared/spec/rota-export.md) and a CSV grid.

The JSON is self-describing: everything a checker needs is inside, so it is also
what the database stores for each rota version.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from zoneinfo import ZoneInfo

import solver
from amhp.rota.build import BuiltProblem
from amhp.rota.reader import FORMAT, read_export
from amhp.rota.recovery import recovery_periods
from amhp.rota.workload import load_spread, person_loads
from amhp.service.calendar import closure_key_days, closure_window


def _number(value: float) -> float | int | None:
    if value != value:  # NaN: no rota found
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def rules_block(built: BuiltProblem) -> dict:
    r = built.service.rules
    out: dict = {
        "min_rest_hours": r.min_rest_hours,
        "max_consecutive_duty_days": r.max_consecutive_duty_days,
        "day_off_after_on_call": r.day_off_after_on_call,
    }
    closure_days = [d.date for d in built.problem.days if d.closure]
    if r.closure and closure_days:
        window = closure_window(r.closure, closure_days[0])
        out["closure"] = {
            "start": window[0].isoformat(),
            "end": window[1].isoformat(),
            "key_days": [d.isoformat() for d in closure_key_days(r.closure, window)],
            "max_days_per_person": r.closure.max_days_per_person,
            "max_key_days_per_person": r.closure.max_key_days_per_person,
        }
    return out


def away_runs(dates: list[date], unavailable: dict[int, str]) -> list[dict]:
    """Consecutive unavailable days with one reason, as ``{start, end, why}``: what the
    grid shows on hover and in its list of who is away."""
    runs: list[dict] = []
    for i in sorted(unavailable):
        why = unavailable[i]
        last = runs[-1] if runs else None
        if last and last["why"] == why and last["_end"] == i - 1:
            last["_end"], last["end"] = i, dates[i].isoformat()
        else:
            runs.append(
                {"start": dates[i].isoformat(), "end": dates[i].isoformat(), "why": why, "_end": i}
            )
    return [{k: v for k, v in r.items() if k != "_end"} for r in runs]


def to_export(built: BuiltProblem, solution: solver.Solution) -> dict:
    problem, service = built.problem, built.service
    zone = ZoneInfo(service.service.timezone)
    assigned = solution.assigned()
    dates = [d.date for d in problem.days]
    practitioners = {p.id: p for p in service.practitioners}
    locations = {loc.id: loc.name for loc in service.locations}

    def slot_ref(si: int) -> dict:
        slot = problem.slots[si]
        return {"date": dates[slot.day].isoformat(), "shift": slot.shift}

    loads = person_loads(service, problem, solution)
    shadowing = solution.shadowing()
    shadow_days = Counter(pid for pid, _slot in solution.shadows)
    people = []
    for person in problem.people:
        p = practitioners[person.id]
        load = loads[person.id]
        people.append(
            {
                "id": person.id,
                "name": person.name,
                "role": person.role,
                "fte": person.fte,
                "warranted_from": p.warranted_from.isoformat() if p.warranted_from else None,
                "unavailable": [dates[i].isoformat() for i in sorted(person.unavailable)],
                "unavailable_why": away_runs(dates, person.unavailable),
                "duty_days": load.duty_days,
                "available_days": load.available_days,
                "duty_share": round(load.duty_days / load.available_days, 4)
                if load.available_days
                else 0.0,
                "weighted_duty_days": load.weighted_duty_days,
                "caseload_points": load.caseload_points,
                "total_load": load.total_load,
                "caseload_protection": load.caseload_protection,
                "caseload_cap": load.caseload_cap,
                "shadow_days": shadow_days.get(person.id, 0),
                "area": p.area,
                "team": p.team,
                "contract": p.contract.model_dump(mode="json") if p.contract else None,
            }
        )
    recovery = [
        {
            "person": r.person,
            "kind": r.kind,
            "start": r.start.astimezone(zone).isoformat(),
            "end": r.end.astimezone(zone).isoformat(),
            "after": slot_ref(r.after),
        }
        for r in recovery_periods(problem, solution, zone)
    ]
    return {
        "format": FORMAT,
        "service": service.service.id,
        "service_name": service.service.name,
        "timezone": service.service.timezone,
        "period": {"start": built.period.start.isoformat(), "end": built.period.end.isoformat()},
        "status": solution.status,
        "gaps_proven": solution.gaps_proven,
        "composition_proven": solution.composition_proven,
        "locum_days_proven": solution.locum_days_proven,
        "objective": _number(solution.objective),
        "bound": _number(solution.bound),
        "wall_time_s": round(solution.wall_time, 3),
        "rules": rules_block(built),
        "people": people,
        "shifts": [
            {
                "code": s.code,
                "name": s.name,
                "location": s.location,
                "location_name": locations.get(s.location or "", s.location),
                "area": s.area,
                "kind": s.kind,
                "start": s.start.strftime("%H:%M"),
                "end": s.end.strftime("%H:%M"),
            }
            for s in service.shift_types
        ],
        "slots": [
            {
                **slot_ref(si),
                "start": slot.start.astimezone(zone).isoformat(),
                "end": slot.end.astimezone(zone).isoformat(),
                "min": slot.min,
                "target": slot.target,
                "max": slot.max,
                "assigned": sorted(assigned.get(si, [])),
                "shadows": sorted(shadowing.get(si, [])),
            }
            for si, slot in enumerate(problem.slots)
        ],
        "gaps": [
            {**slot_ref(g.slot), "missing": g.missing, "reasons": list(g.reasons)}
            for g in solution.gaps
        ],
        "composition_gaps": [
            {
                **slot_ref(g.slot),
                "requirement": g.requirement,
                "missing": g.missing,
                "reasons": list(g.reasons),
            }
            for g in solution.composition_gaps
        ],
        "recovery": recovery,
        "documentation_unplaced": [
            {"person": u.person, "after": slot_ref(u.after)}
            for u in solver.unplaced_documentation(problem, solution)
        ],
        "costs": locum_costs(service, problem, solution),
        "workload": {
            "model": "caseload-share + weighted-duty / full-time-days, per FTE",
            "full_time_days": solver.full_time_days(problem),
            "agreed_protection": service.rules.workload.agreed_protection,
            "full_caseload_points": service.rules.workload.full_caseload_points,
            "load_spread": load_spread(loads),
        },
        "penalties": [
            {
                "rule": p.rule,
                "person": p.person,
                **(slot_ref(p.slot) if p.slot is not None else {}),
                "cost": p.cost,
                "detail": p.detail,
            }
            for p in solution.penalties
        ],
    }


def locum_costs(service, problem: solver.Problem, solution: solver.Solution) -> dict:
    """Locum days and their cost in the period, by kind of contract."""
    by_kind: dict[str, dict] = {}
    people = {p.id: p for p in problem.people}
    for pid, _si in solution.assignments:
        person = people[pid]
        if person.role != "locum":
            continue
        entry = by_kind.setdefault(person.locum_kind or "contracted", {"days": 0, "cost": 0.0})
        entry["days"] += 1
        entry["cost"] += person.day_rate or 0.0
    return {
        "locum_days": sum(e["days"] for e in by_kind.values()),
        "locum_cost": round(sum(e["cost"] for e in by_kind.values()), 2),
        "currency": service.rules.currency,
        "by_kind": by_kind,
    }


def to_csv(export: dict) -> str:
    """People by days, each cell the shift code (``~CODE`` for a shadow day)."""
    rota = read_export(export)
    dates = sorted({s.date for s in rota.slots} | {rota.period.start, rota.period.end})
    cells: dict[tuple[str, date], str] = {}
    for slot in rota.slots:
        for pid in slot.assigned:
            cells[pid, slot.date] = slot.shift
        for pid in slot.shadows:
            cells[pid, slot.date] = "~" + slot.shift
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "name", "role", *(d.isoformat() for d in dates), "duty_days"])
    for p in rota.people:
        row = [cells.get((p.id, d), "") for d in dates]
        writer.writerow([p.id, p.name, p.role, *row, p.duty_days])
    return buf.getvalue()


def to_xlsx(export: dict) -> bytes:
    """The workbook a lead prints (``amhp.rota.workbook``)."""
    from amhp.rota.workbook import to_xlsx as workbook

    return workbook(export)
