"""The service definition: what a lead practitioner writes in a service file and
what the database stores. Pydantic models, validated on construction, so that every
mistake is reported with its field path before anything is written or solved."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import solver
from amhp.service.clock_changes import skipped_on
from amhp.service.fields import (
    MAX_WEIGHT,
    Clock,
    Day,
    Id,
    LongText,
    MonthDay,
    Ref,
    Text,
)

# Rule defaults are the solver's (DOMAIN.md's numbers), written once there.
_RULES = solver.Rules()
_WEIGHTS = solver.Weights()
_TRAINEES = solver.Trainees()
_CLOSURE = solver.Closure()


def sets(*rules: str) -> dict:
    """Marks a field as a setting of the named scheduling rules: docs/rules.md lists
    it under each (``amhp.rota.rules_doc``), and the JSON schema carries the names."""
    return {"x-rules": list(rules)}


# Cover levels beyond any AMHP service's size are typos (and would build huge models).
MAX_COVER = 10_000
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Role = Literal["amhp", "lead", "manager", "locum", "trainee"]
DayKind = Literal["weekday", "weekend", "bank_holiday", "closure"]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt rule must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ServiceInfo(Strict):
    id: Id
    name: Text
    timezone: Text = "Europe/London"
    holiday_country: Text = "GB"
    holiday_subdivision: Text | None = "ENG"
    rota_mailbox: Text | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class Location(Strict):
    id: Id
    name: Text
    address: LongText | None = None


class ShiftTypeDef(Strict):
    code: Id
    name: Text
    location: Ref | None = None
    area: Ref | None = None
    start: Clock
    end: Clock  # an end at or before the start means the next day
    kind: Literal["day", "on_call"] = "day"
    hours: float | None = Field(default=None, gt=0, le=24)
    weight: float = Field(default=1.0, ge=0, le=100)
    # Documentation time follows the last day of a block of this shift
    # (default: day shifts yes, on-calls no; on-calls earn a rest day instead).
    documentation_after: bool | None = Field(
        default=None, json_schema_extra=sets("documentation_time")
    )

    @property
    def earns_documentation(self) -> bool:
        if self.documentation_after is None:
            return self.kind == "day"
        return self.documentation_after

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def duration_hours(self) -> float:
        mins = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        return (mins % (24 * 60) or 24 * 60) / 60


class RequirementDef(Strict):
    roles: list[Role] = Field(min_length=1)
    min: int = Field(default=1, ge=1, le=MAX_COVER)
    name: Text | None = None


class CoverRule(Strict):
    """Cover for one shift type on a kind of day, or on named dates (which win)."""

    shift: Ref
    days: DayKind | None = None
    dates: list[Day] | None = Field(default=None, min_length=1)
    min: int = Field(ge=0, le=MAX_COVER, json_schema_extra=sets("cover_minimum"))
    target: int | None = Field(
        default=None, ge=0, le=MAX_COVER, json_schema_extra=sets("cover_target")
    )
    max: int | None = Field(default=None, ge=0, le=MAX_COVER, json_schema_extra=sets("max_cover"))
    require: list[RequirementDef] = Field(
        default_factory=list, json_schema_extra=sets("composition")
    )

    @model_validator(mode="after")
    def _levels(self) -> CoverRule:
        if (self.days is None) == (self.dates is None):
            raise ValueError("give exactly one of 'days' or 'dates'")
        target = self.target if self.target is not None else self.min
        top = self.max if self.max is not None else target
        if not self.min <= target <= top:
            raise ValueError(f"need min <= target <= max, got {self.min}/{target}/{top}")
        return self

    @property
    def resolved_target(self) -> int:
        return self.target if self.target is not None else self.min

    @property
    def resolved_max(self) -> int:
        return self.max if self.max is not None else self.resolved_target


def _weight(rule: str):
    """A soft rule's weight: the solver's default, 0 (off) to MAX_WEIGHT, named for
    the rule it sets."""
    return Field(default=getattr(_WEIGHTS, rule), ge=0, le=MAX_WEIGHT, json_schema_extra=sets(rule))


class WeightSettings(Strict):
    """Cost per unit of each soft rule (the solver's ``Weights``, by name)."""

    cover_minimum: int = _weight("cover_minimum")
    composition: int = _weight("composition")
    documentation_time: int = _weight("documentation_time")
    cover_target: int = _weight("cover_target")
    duty_fairness: int = _weight("duty_fairness")
    weekend_fairness: int = _weight("weekend_fairness")
    night_fairness: int = _weight("night_fairness")
    isolated_duty_day: int = _weight("isolated_duty_day")
    short_block: int = _weight("short_block")
    bank_holiday_fairness: int = _weight("bank_holiday_fairness")
    shadow_days: int = _weight("shadow_days")
    sessional_locum: int = _weight("sessional_locum")
    requests: int = _weight("requests")
    cover_over: int = _weight("cover_over")
    rota_changes: int = _weight("rota_changes")


class ClosureSettings(Strict):
    """The Christmas closure window, as month-days so it recurs every year."""

    start: MonthDay = Field(default="12-24", json_schema_extra=sets("closure_days"))
    end: MonthDay = Field(default="01-01", json_schema_extra=sets("closure_days"))
    key_days: list[MonthDay] = Field(
        default_factory=lambda: ["12-25", "12-26", "01-01"],
        json_schema_extra=sets("christmas_key_days"),
    )
    max_days_per_person: int = Field(
        default=_CLOSURE.max_days_per_person, ge=0, le=366, json_schema_extra=sets("closure_days")
    )
    max_key_days_per_person: int = Field(
        default=_CLOSURE.max_key_days_per_person,
        ge=0,
        le=366,
        json_schema_extra=sets("christmas_key_days"),
    )


class TraineeSettings(Strict):
    shadow_days_per_month: int = Field(
        default=_TRAINEES.shadow_days_per_month, ge=0, le=31, json_schema_extra=sets("shadow_days")
    )
    mentor_min_months: int = Field(
        default=_TRAINEES.mentor_min_months,
        ge=0,
        le=600,
        json_schema_extra=sets("shadow_beside_experienced"),
    )
    newly_warranted_weeks: int = Field(
        default=_TRAINEES.newly_warranted_weeks,
        ge=0,
        le=520,
        json_schema_extra=sets("newly_warranted_support"),
    )
    max_shadows_per_slot: int = Field(
        default=_TRAINEES.max_shadows_per_slot,
        ge=0,
        le=20,
        json_schema_extra=sets("shadow_beside_experienced"),
    )


class DocumentationSettings(Strict):
    """Documentation time on the next working morning after a block."""

    hours: float = Field(default=2.5, gt=0, le=8, json_schema_extra=sets("documentation_time"))
    start: Clock = Field(default=time(9, 0), json_schema_extra=sets("documentation_time"))
    working_days: list[Weekday] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
        description="The service's working mornings (never a bank holiday).",
        json_schema_extra=sets("documentation_time"),
    )
    within_days: int = Field(
        default=_RULES.documentation_within_days,
        ge=1,
        le=14,
        description="Days after a block's end within which documentation time is placed.",
        json_schema_extra=sets("documentation_time"),
    )


class WorkloadSettings(Strict):
    """The protected-caseload workload model (docs/workload-model.md)."""

    full_caseload_points: float = Field(
        default=30.0, gt=0, le=100_000, json_schema_extra=sets("duty_fairness")
    )
    agreed_protection: float = Field(default=0.25, ge=0, lt=1)
    balance_caseload: bool = Field(
        default=_RULES.balance_caseload, json_schema_extra=sets("duty_fairness")
    )


class RuleSettings(Strict):
    min_rest_hours: float = Field(
        default=_RULES.min_rest_hours, ge=0, le=48, json_schema_extra=sets("min_rest_hours")
    )
    max_consecutive_duty_days: int = Field(
        default=_RULES.max_consecutive_duty_days,
        ge=1,
        le=14,
        json_schema_extra=sets("max_consecutive_duty_days"),
    )
    day_off_after_on_call: bool = Field(
        default=_RULES.day_off_after_on_call, json_schema_extra=sets("day_off_after_on_call")
    )
    established_on_every_shift: bool = Field(
        default=_RULES.established_on_every_shift,
        json_schema_extra=sets("established_on_every_shift"),
    )
    closure: ClosureSettings | None = Field(default_factory=ClosureSettings)
    max_on_calls_per_month: int | None = Field(
        default=_RULES.max_on_calls_per_month,
        ge=0,
        le=31,
        json_schema_extra=sets("max_on_calls_per_month"),
    )
    max_weekend_days_per_month: int | None = Field(
        default=_RULES.max_weekend_days_per_month,
        ge=0,
        le=31,
        json_schema_extra=sets("max_weekend_days_per_month"),
    )
    preferred_block_days: int = Field(
        default=_RULES.preferred_block_days, ge=1, le=14, json_schema_extra=sets("short_block")
    )
    fte_limit_extra_days: int | None = Field(
        default=_RULES.fte_limit_extra_days,
        ge=0,
        le=31,
        description="Days above the ceiling of a person's FTE share of the month's duty.",
        json_schema_extra=sets("fte_duty_limit"),
    )
    role_levels: dict[Role, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: dict(_RULES.role_levels),
        description="A role's duty level as a fraction of its FTE share (managers: 0.5).",
        json_schema_extra=sets("fte_duty_limit", "duty_fairness"),
    )
    documentation: DocumentationSettings | None = Field(default_factory=DocumentationSettings)
    trainees: TraineeSettings = Field(default_factory=TraineeSettings)
    workload: WorkloadSettings = Field(default_factory=WorkloadSettings)
    currency: str = Field(default="GBP", pattern=r"^[A-Z]{3}$")
    weights: WeightSettings = Field(default_factory=WeightSettings)


class Caseload(Strict):
    cases: int = Field(ge=0, le=10_000)
    complexity_weight: float = Field(default=1.0, ge=0, le=100)

    @property
    def points(self) -> float:
        return self.cases * self.complexity_weight


class Contract(Strict):
    kind: Literal["contracted", "sessional"] = "contracted"
    start: Day | None = None
    end: Day | None = None
    day_rate: float | None = Field(
        default=None, ge=0, le=100_000, json_schema_extra=sets("sessional_locum")
    )


class History(Strict):
    """Counts from earlier periods that fairness carries forward."""

    weekends: int = Field(default=0, ge=0, le=10_000, json_schema_extra=sets("weekend_fairness"))
    bank_holidays: int = Field(
        default=0, ge=0, le=10_000, json_schema_extra=sets("bank_holiday_fairness")
    )
    nights: int = Field(default=0, ge=0, le=10_000, json_schema_extra=sets("night_fairness"))
    closure_days: int = Field(
        default=0, ge=0, le=10_000, json_schema_extra=sets("bank_holiday_fairness")
    )
    key_days: list[Day] = Field(default_factory=list, json_schema_extra=sets("christmas_key_days"))


class Practitioner(Strict):
    id: Id
    name: Text
    role: Role
    fte: float = Field(default=1.0, gt=0, le=1)
    working_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    area: Ref | None = None
    team: Text | None = None
    shift_types: list[Ref] = Field(min_length=1)
    warranted_from: Day | None = None
    approval_expires: Day | None = None
    contract: Contract | None = None
    caseload: Caseload | None = Field(default=None, json_schema_extra=sets("duty_fairness"))
    history: History = Field(default_factory=History)
    email: Text | None = Field(
        default=None,
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="Where emails about their duties, swaps and leave go (else their login's).",
    )

    @model_validator(mode="after")
    def _dates(self) -> Practitioner:
        if self.role == "trainee" and self.warranted_from is None:
            raise ValueError("a trainee needs 'warranted_from' (the expected warranting date)")
        if self.role == "locum" and self.contract is None:
            raise ValueError("a locum needs a 'contract' with its end date")
        wf, exp = self.warranted_from, self.approval_expires
        if wf and exp and exp <= wf:
            raise ValueError("'approval_expires' must be after 'warranted_from'")
        c = self.contract
        if c and c.start and c.end and c.end < c.start:
            raise ValueError("contract 'end' is before its 'start'")
        return self


# How each kind of leave is named where a person's absence is explained (gap reasons,
# the export). Personal: shown only to the lead, manager and admin of the service.
LEAVE_LABELS = {
    "annual": "annual leave",
    "sickness": "sickness",
    "training": "training",
    "team": "team commitment",
    "other": "unavailable",
}
CALLOUT_REASON = "called out on the night of {night}"


class Leave(Strict):
    person: Ref
    kind: Literal["annual", "sickness", "training", "team", "other"] = "annual"
    start: Day
    end: Day

    @model_validator(mode="after")
    def _order(self) -> Leave:
        if self.end < self.start:
            raise ValueError("'end' is before 'start'")
        return self


class Callout(Strict):
    """A callout reported for the night of ``date``: the person is not required to
    work the following morning, so no day duty is rostered for them that date."""

    person: Ref
    date: Day


class RequestDef(Strict):
    person: Ref
    date: Day
    shift: Ref | None = None
    want: bool = False
    weight: int = Field(default=50, ge=1, le=10_000, json_schema_extra=sets("requests"))


class FixedAssignment(Strict):
    person: Ref
    date: Day
    shift: Ref


EXAMPLE_SERVICE = {
    "service": {"id": "mini", "name": "Mini AMHP Service"},
    "shift_types": [
        {"code": "HUB", "name": "Hub", "start": "09:00", "end": "17:00"},
        {"code": "ON", "name": "On call", "start": "17:00", "end": "23:00", "kind": "on_call"},
    ],
    "cover": [
        {
            "shift": "HUB",
            "days": "weekday",
            "min": 2,
            "target": 2,
            "max": 3,
            "require": [{"roles": ["lead"], "min": 1}],
        },
        {"shift": "ON", "days": "weekday", "min": 1},
    ],
    "practitioners": [
        {"id": "a1", "name": "Ann", "role": "lead", "shift_types": ["HUB", "ON"]},
        {"id": "a2", "name": "Bob", "role": "amhp", "fte": 0.8, "shift_types": ["HUB", "ON"]},
        {"id": "a3", "name": "Cat", "role": "amhp", "shift_types": ["HUB"]},
    ],
    "leave": [{"person": "a2", "kind": "annual", "start": "2026-11-09", "end": "2026-11-13"}],
}


class ServiceDefinition(Strict):
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_extra={"examples": [EXAMPLE_SERVICE]}
    )

    service: ServiceInfo
    areas: list[Text] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    shift_types: list[ShiftTypeDef] = Field(min_length=1)
    cover: list[CoverRule] = Field(min_length=1)
    rules: RuleSettings = Field(default_factory=RuleSettings)
    practitioners: list[Practitioner] = Field(min_length=1)
    leave: list[Leave] = Field(default_factory=list)
    requests: list[RequestDef] = Field(default_factory=list)
    callouts: list[Callout] = Field(default_factory=list)
    fixed: list[FixedAssignment] = Field(
        default_factory=list, json_schema_extra=sets("fixed_cells")
    )

    @model_validator(mode="after")
    def _references(self) -> ServiceDefinition:
        """Cross-references, reported at the field that holds the bad reference."""
        errors: list[tuple[tuple, str]] = []
        codes = _unique(errors, "shift_types", [s.code for s in self.shift_types], "code")
        ids = _unique(errors, "practitioners", [p.id for p in self.practitioners], "id")
        locs = _unique(errors, "locations", [loc.id for loc in self.locations], "id")
        areas = _unique(errors, "areas", list(self.areas), "")
        for i, s in enumerate(self.shift_types):
            if s.location and locs and s.location not in locs:
                errors.append((("shift_types", i, "location"), f"unknown location {s.location!r}"))
            if s.area and areas and s.area not in areas:
                errors.append((("shift_types", i, "area"), f"unknown area {s.area!r}"))
            errors.extend(_clock_change_problems(self.service.timezone, i, s))
        for i, c in enumerate(self.cover):
            if c.shift not in codes:
                errors.append((("cover", i, "shift"), f"unknown shift type {c.shift!r}"))
        errors.extend(_overlapping_cover(self.cover))
        errors.extend(_calendar_problems(self.service))
        for i, p in enumerate(self.practitioners):
            for j, code in enumerate(p.shift_types):
                if code not in codes:
                    errors.append(
                        (("practitioners", i, "shift_types", j), f"unknown shift type {code!r}")
                    )
            if p.area and areas and p.area not in areas:
                errors.append((("practitioners", i, "area"), f"unknown area {p.area!r}"))
        for section in ("leave", "requests", "callouts", "fixed"):
            for i, item in enumerate(getattr(self, section)):
                if item.person not in ids:
                    errors.append(((section, i, "person"), f"unknown practitioner {item.person!r}"))
                shift = getattr(item, "shift", None)
                if shift is not None and shift not in codes:
                    errors.append(((section, i, "shift"), f"unknown shift type {shift!r}"))
        if errors:
            raise ReferenceErrors(errors)
        return self

    def practitioner(self, pid: str) -> Practitioner:
        return next(p for p in self.practitioners if p.id == pid)


def _unique(errors: list, section: str, keys: list[str], field: str) -> set[str]:
    """The keys as a set; each repeat reported at its place (``field`` "" for a
    list of plain names)."""
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in seen:
            where = (section, i, field) if field else (section, i)
            what = f"{field} " if field else ""
            errors.append((where, f"duplicate {what}{key!r} (also {section}[{seen[key]}])"))
        else:
            seen[key] = i
    return set(seen)


def _calendar_problems(info: ServiceInfo) -> list[tuple[tuple, str]]:
    """The bank-holiday calendar must be one the ``holidays`` library knows."""
    supported = holidays.list_supported_countries()
    if info.holiday_country not in supported:
        message = f"unknown country {info.holiday_country!r} (an ISO 3166 code such as 'GB')"
        return [(("service", "holiday_country"), message)]
    try:
        holidays.country_holidays(info.holiday_country, subdiv=info.holiday_subdivision, years=2026)
    except NotImplementedError:
        known = ", ".join(supported[info.holiday_country]) or "none"
        message = (
            f"{info.holiday_subdivision!r} is not a part of {info.holiday_country} (known: {known})"
        )
        return [(("service", "holiday_subdivision"), message)]
    return []


def _overlapping_cover(cover: list[CoverRule]) -> list[tuple[tuple, str]]:
    """One rule per shift and kind of day, and per shift and named date: with two,
    which one holds would depend on their order in the file."""
    errors = []
    seen: dict[tuple, int] = {}
    for i, rule in enumerate(cover):
        keys = [(rule.shift, rule.days)] if rule.days else [(rule.shift, d) for d in rule.dates]
        for key in keys:
            if key in seen:
                on = key[1] if isinstance(key[1], str) else key[1].isoformat()
                errors.append(
                    (
                        ("cover", i),
                        f"a second rule for {rule.shift} on {on} (first: cover[{seen[key]}])",
                    )
                )
                break
            seen[key] = i
    return errors


def _clock_change_problems(zone: str, index: int, shift: ShiftTypeDef) -> list[tuple[tuple, str]]:
    errors = []
    for field in ("start", "end"):
        clock = getattr(shift, field)
        day = skipped_on(zone, clock)
        if day is not None:
            errors.append(
                (
                    ("shift_types", index, field),
                    f"{clock:%H:%M} does not exist on {day.isoformat()} when the clocks go "
                    f"forward in {zone}, so {shift.code} would have no {field} that day; "
                    "move it out of the skipped hour",
                )
            )
    return errors


class ReferenceErrors(ValueError):
    """Several cross-reference problems, each with its own field path."""

    def __init__(self, errors: list[tuple[tuple, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in errors))
