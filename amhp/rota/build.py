"""Turn a service definition and a period into the solver's plain problem.

This is where the calendar meets the service: which cover rule applies on which
date, local shift times made into real instants, and each person's unavailable
dates with the human reason the gap explanations will quote.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import solver
from amhp.service.calendar import Period, closure_key_days, closure_window, is_bank_holiday
from amhp.service.model import (
    CALLOUT_REASON,
    LEAVE_LABELS,
    WEEKDAYS,
    CoverRule,
    Leave,
    Practitioner,
    ServiceDefinition,
    ShiftTypeDef,
)


class BuildError(ValueError):
    """The service cannot be turned into a problem for this period, each problem as
    (field path, message): fixed cells that break a hard rule (``cells``: index into
    ``fixed``, message), or a shift that cannot be placed on a date."""

    def __init__(
        self, cells: list[tuple[int, str]], others: list[tuple[str, str]] | None = None
    ) -> None:
        self.cells = cells
        self.errors = [(f"fixed[{i}]", msg) for i, msg in cells] + list(others or ())
        super().__init__("\n".join(f"{path}: {msg}" for path, msg in self.errors))


@dataclass(frozen=True)
class BuiltProblem:
    service: ServiceDefinition
    period: Period
    problem: solver.Problem


def day_of(service: ServiceDefinition, day: date, zone: ZoneInfo) -> solver.Day:
    closure = service.rules.closure
    window = closure_window(closure, day) if closure else None
    return solver.Day(
        date=day,
        weekend=day.weekday() >= 5,
        bank_holiday=is_bank_holiday(service.service, day),
        closure=window is not None,
        key_day=bool(window) and day in closure_key_days(closure, window),
        documentation=documentation_window(service, day, zone),
    )


def documentation_window(
    service: ServiceDefinition, day: date, zone: ZoneInfo
) -> tuple[datetime, datetime] | None:
    doc = service.rules.documentation
    if doc is None or is_bank_holiday(service.service, day):
        return None
    if WEEKDAYS[day.weekday()] not in doc.working_days:
        return None
    start = datetime.combine(day, doc.start, tzinfo=zone).astimezone(UTC)
    return start, start + timedelta(hours=doc.hours)


def cover_for(rules: list[CoverRule], shift: str, day: solver.Day) -> CoverRule | None:
    """The most specific cover rule: named dates, then closure, bank holiday,
    weekend (each falling back to the next), then weekday."""
    mine = [r for r in rules if r.shift == shift]
    for rule in mine:
        if rule.dates and day.date in rule.dates:
            return rule
    if day.closure:
        chain = ("closure", "bank_holiday", "weekend")
    elif day.bank_holiday:
        chain = ("bank_holiday", "weekend")
    elif day.weekend:
        chain = ("weekend",)
    else:
        chain = ("weekday",)
    for kind in chain:
        for rule in mine:
            if rule.days == kind:
                return rule
    return None


def shift_instants(shift: ShiftTypeDef, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Local wall-clock start/end on ``day`` as UTC instants (end may be next day)."""
    start = datetime.combine(day, shift.start, tzinfo=zone)
    end_day = day + timedelta(days=1) if shift.crosses_midnight else day
    end = datetime.combine(end_day, shift.end, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def unavailability(person: Practitioner, leave: list[Leave], days: list[date]) -> dict[int, str]:
    """Each date the person may not be rostered at all, with the reason: the days
    they are away from work (``leave``: theirs), and those after their approval
    lapses."""
    out = away_days(person, leave, days)
    lapse = person.approval_expires
    for i, d in enumerate(days):
        if i not in out and lapse and d >= lapse:
            out[i] = f"approval lapsed {lapse.isoformat()}"
    return out


def away_days(person: Practitioner, leave: list[Leave], days: list[date]) -> dict[int, str]:
    """Each date the person is not at work at all (``leave``: theirs, their
    contract, a day they do not work), with the reason."""
    out: dict[int, str] = {}
    contract = person.contract
    for i, d in enumerate(days):
        reason = next((LEAVE_LABELS[lv.kind] for lv in leave if lv.start <= d <= lv.end), None)
        if reason is None and contract and contract.start and d < contract.start:
            reason = f"contract starts {contract.start.isoformat()}"
        if reason is None and contract and contract.end and d > contract.end:
            reason = f"contract ended {contract.end.isoformat()}"
        if reason is None and WEEKDAYS[d.weekday()] not in person.working_days:
            reason = "not a working day"
        if reason:
            out[i] = reason
    return out


def mornings_after_callouts(
    service: ServiceDefinition, person: Practitioner, days: list[date]
) -> dict[int, str]:
    """The date after each callout the person reported: no day duty that morning."""
    index = {d: i for i, d in enumerate(days)}
    return {
        index[c.date + timedelta(days=1)]: CALLOUT_REASON.format(night=c.date.isoformat())
        for c in service.callouts
        if c.person == person.id and c.date + timedelta(days=1) in index
    }


def _person(
    service: ServiceDefinition, p: Practitioner, leave: list[Leave], days: list[date]
) -> solver.Person:
    return solver.Person(
        id=p.id,
        name=p.name,
        role=p.role,
        fte=p.fte,
        area=p.area,
        shift_types=frozenset(p.shift_types),
        warranted_from=p.warranted_from,
        unavailable=unavailability(p, leave, days),
        away=frozenset(away_days(p, leave, days)),
        no_day_duty=mornings_after_callouts(service, p, days),
        history=by_name(solver.History, p.history),
        day_rate=p.contract.day_rate if p.contract else None,
        locum_kind=p.contract.kind if p.role == "locum" and p.contract else None,
        caseload_share=caseload_share(service, p),
    )


def caseload_share(service: ServiceDefinition, p: Practitioner) -> float:
    """Fraction of a full-time post the weighted caseload takes."""
    if p.caseload is None:
        return 0.0
    return p.caseload.points / service.rules.workload.full_caseload_points


# Solver settings that a service file does not set, and why.
SOLVER_ONLY = {
    "forbidden_successions": "general rostering (Curtois benchmarks); AMHP services use rest",
    "balance_caseload": "set under rules.workload",
    "documentation_within_days": "set under rules.documentation.within_days",
}
# Service settings the builder turns into days, windows or reports instead.
SERVICE_ONLY = {
    "documentation": "the documentation window of each day (Day.documentation)",
    "workload": "the workload model's report; balance_caseload is passed on",
    "currency": "locum costs in the export",
    "start": "the closure window (Day.closure)",
    "end": "the closure window (Day.closure)",
    "key_days": "the key days of the window (Day.key_day)",
}


def by_name(cls, source, **given):
    """A solver dataclass from the same-named settings of ``source``: a setting on
    one side only is named in SOLVER_ONLY/SERVICE_ONLY (a test checks both ways)."""
    values = {
        f.name: getattr(source, f.name)
        for f in fields(cls)
        if f.name not in given and f.name not in SOLVER_ONLY
    }
    return cls(**values, **given)


def _rules(service: ServiceDefinition) -> solver.Rules:
    r = service.rules
    return by_name(
        solver.Rules,
        r,
        closure=by_name(solver.Closure, r.closure) if r.closure else None,
        trainees=by_name(solver.Trainees, r.trainees),
        weights=by_name(solver.Weights, r.weights),
        balance_caseload=r.workload.balance_caseload,
        role_levels=tuple(sorted(r.role_levels.items())),
        documentation_within_days=(
            r.documentation.within_days
            if r.documentation
            else solver.Rules.documentation_within_days
        ),
    )


def build_problem(
    service: ServiceDefinition, period: Period, prior: tuple[solver.PriorDuty, ...] = ()
) -> BuiltProblem:
    zone = ZoneInfo(service.service.timezone)
    dates = period.dates()
    days = tuple(day_of(service, d, zone) for d in dates)
    slots = []
    for di, day in enumerate(days):
        for shift in service.shift_types:
            rule = cover_for(service.cover, shift.code, day)
            if rule is None:
                continue
            slots.append(_slot(service, di, day, shift, rule, zone))
    index = {d: i for i, d in enumerate(dates)}
    leave: dict[str, list[Leave]] = {}  # each person's, looked up once (5,000 people: 2 s)
    for lv in service.leave:
        leave.setdefault(lv.person, []).append(lv)
    requests = tuple(
        solver.Request(r.person, index[r.date], r.want, r.weight, r.shift)
        for r in service.requests
        if r.date in index
    )
    fixed = tuple(
        solver.FixedCell(f.person, index[f.date], f.shift) for f in service.fixed if f.date in index
    )
    shift_types = tuple(
        solver.ShiftType(
            s.code,
            s.name,
            s.kind,
            s.area,
            s.hours or s.duration_hours,
            s.weight,
            documentation=s.earns_documentation and service.rules.documentation is not None,
        )
        for s in service.shift_types
    )
    problem = solver.Problem(
        days=days,
        shift_types=shift_types,
        slots=tuple(slots),
        people=tuple(
            _person(service, p, leave.get(p.id, []), dates) for p in service.practitioners
        ),
        rules=_rules(service),
        requests=requests,
        fixed=fixed,
        prior=prior,
    )
    _check_fixed(service, problem)
    return BuiltProblem(service, period, problem)


def _slot(
    service: ServiceDefinition,
    di: int,
    day: solver.Day,
    shift: ShiftTypeDef,
    rule: CoverRule,
    zone: ZoneInfo,
) -> solver.Slot:
    start, end = shift_instants(shift, day.date, zone)
    try:
        return solver.Slot(
            day=di,
            shift=shift.code,
            start=start,
            end=end,
            min=rule.min,
            target=rule.resolved_target,
            max=rule.resolved_max,
            requirements=tuple(
                solver.Requirement(tuple(q.roles), q.min, q.name or "") for q in rule.require
            ),
        )
    except solver.ProblemError as exc:
        index = service.shift_types.index(shift)
        reason = str(exc).split(": ", 1)[-1]
        message = f"{shift.code} on {day.date.isoformat()} ({service.service.timezone}): {reason}"
        raise BuildError([], [(f"shift_types[{index}]", message)]) from None


def _check_fixed(service: ServiceDefinition, problem: solver.Problem) -> None:
    """A fixed cell that breaks a hard rule is an error naming the cell and the rule."""
    in_period = [
        i for i, f in enumerate(service.fixed) if any(d.date == f.date for d in problem.days)
    ]
    errors = []
    names = {p.id: p.name for p in service.practitioners}
    for index, rule, reason in solver.fixed_cell_conflicts(problem):
        cell = service.fixed[in_period[index]]
        who = f"{names.get(cell.person, cell.person)} ({cell.person})"
        message = f"{who} on {cell.shift} {cell.date.isoformat()} breaks {rule}: {reason}"
        errors.append((in_period[index], message))
    if errors:
        raise BuildError(errors)
