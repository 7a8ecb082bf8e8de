"""The service definition: what a lead practitioner writes in a service file and
what the database stores. Pydantic models, validated on construction, so that every
mistake is reported with its field path before anything is written or solved."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import solver

# Rule defaults are the solver's (DOMAIN.md's numbers), written once there.
_RULES = solver.Rules()
_WEIGHTS = solver.Weights()
_TRAINEES = solver.Trainees()
_CLOSURE = solver.Closure()


def sets(*rules: str) -> dict:
    """Marks a field as a setting of the named scheduling rules: docs/rules.md lists
    it under each (``amhp.rota.rules_doc``), and the JSON schema carries the names."""
    return {"x-rules": list(rules)}


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Role = Literal["amhp", "lead", "manager", "locum", "trainee"]
DayKind = Literal["weekday", "weekend", "bank_holiday", "closure"]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt rule must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceInfo(Strict):
    id: Id
    name: str = Field(min_length=1)
    timezone: str = "Europe/London"
    holiday_country: str = "GB"
    holiday_subdivision: str | None = "ENG"
    rota_mailbox: str | None = None

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
    name: str
    address: str | None = None


def _parse_clock(value: object) -> object:
    if isinstance(value, int):  # YAML 1.1 reads 09:00 as sexagesimal 540
        return time(value // 60 % 24, value % 60)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value):
        h, m = map(int, value.split(":"))
        if h == 24 and m == 0:
            return time(0, 0)
        return time(h, m)
    return value


class ShiftTypeDef(Strict):
    code: Id
    name: str
    location: str | None = None
    area: str | None = None
    start: time
    end: time  # an end at or before the start means the next day
    kind: Literal["day", "on_call"] = "day"
    hours: float | None = Field(default=None, gt=0, le=24)
    weight: float = Field(default=1.0, ge=0)
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

    _clock = field_validator("start", "end", mode="before")(_parse_clock)

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def duration_hours(self) -> float:
        mins = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        return (mins % (24 * 60) or 24 * 60) / 60


class RequirementDef(Strict):
    roles: list[Role] = Field(min_length=1)
    min: int = Field(default=1, ge=1)
    name: str = ""


class CoverRule(Strict):
    """Cover for one shift type on a kind of day, or on named dates (which win)."""

    shift: str
    days: DayKind | None = None
    dates: list[date] | None = None
    min: int = Field(ge=0, json_schema_extra=sets("cover_minimum"))
    target: int | None = Field(default=None, ge=0, json_schema_extra=sets("cover_target"))
    max: int | None = Field(default=None, ge=0, json_schema_extra=sets("max_cover"))
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


class WeightSettings(Strict):
    """Cost per unit of each soft rule (the solver's ``Weights``, by name)."""

    cover_minimum: int = Field(
        default=_WEIGHTS.cover_minimum, ge=0, json_schema_extra=sets("cover_minimum")
    )
    composition: int = Field(
        default=_WEIGHTS.composition, ge=0, json_schema_extra=sets("composition")
    )
    cover_target: int = Field(
        default=_WEIGHTS.cover_target, ge=0, json_schema_extra=sets("cover_target")
    )
    duty_fairness: int = Field(
        default=_WEIGHTS.duty_fairness, ge=0, json_schema_extra=sets("duty_fairness")
    )
    weekend_fairness: int = Field(
        default=_WEIGHTS.weekend_fairness, ge=0, json_schema_extra=sets("weekend_fairness")
    )
    night_fairness: int = Field(
        default=_WEIGHTS.night_fairness, ge=0, json_schema_extra=sets("night_fairness")
    )
    isolated_duty_day: int = Field(
        default=_WEIGHTS.isolated_duty_day, ge=0, json_schema_extra=sets("isolated_duty_day")
    )
    short_block: int = Field(
        default=_WEIGHTS.short_block, ge=0, json_schema_extra=sets("short_block")
    )
    bank_holiday_fairness: int = Field(
        default=_WEIGHTS.bank_holiday_fairness,
        ge=0,
        json_schema_extra=sets("bank_holiday_fairness"),
    )
    shadow_days: int = Field(
        default=_WEIGHTS.shadow_days, ge=0, json_schema_extra=sets("shadow_days")
    )
    sessional_locum: int = Field(
        default=_WEIGHTS.sessional_locum, ge=0, json_schema_extra=sets("sessional_locum")
    )
    requests: int = Field(default=_WEIGHTS.requests, ge=0, json_schema_extra=sets("requests"))
    cover_over: int = Field(default=_WEIGHTS.cover_over, ge=0, json_schema_extra=sets("cover_over"))
    rota_changes: int = Field(
        default=_WEIGHTS.rota_changes, ge=0, json_schema_extra=sets("rota_changes")
    )


MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class ClosureSettings(Strict):
    """The Christmas closure window, as month-days so it recurs every year."""

    start: MonthDay = Field(default="12-24", json_schema_extra=sets("closure_days"))
    end: MonthDay = Field(default="01-01", json_schema_extra=sets("closure_days"))
    key_days: list[MonthDay] = Field(
        default_factory=lambda: ["12-25", "12-26", "01-01"],
        json_schema_extra=sets("christmas_key_days"),
    )
    max_days_per_person: int = Field(
        default=_CLOSURE.max_days_per_person, ge=0, json_schema_extra=sets("closure_days")
    )
    max_key_days_per_person: int = Field(
        default=_CLOSURE.max_key_days_per_person, ge=0, json_schema_extra=sets("christmas_key_days")
    )


class TraineeSettings(Strict):
    shadow_days_per_month: int = Field(
        default=_TRAINEES.shadow_days_per_month, ge=0, le=31, json_schema_extra=sets("shadow_days")
    )
    mentor_min_months: int = Field(
        default=_TRAINEES.mentor_min_months,
        ge=0,
        json_schema_extra=sets("shadow_beside_experienced"),
    )
    newly_warranted_weeks: int = Field(
        default=_TRAINEES.newly_warranted_weeks,
        ge=0,
        json_schema_extra=sets("newly_warranted_support"),
    )
    max_shadows_per_slot: int = Field(
        default=_TRAINEES.max_shadows_per_slot,
        ge=0,
        json_schema_extra=sets("shadow_beside_experienced"),
    )


class DocumentationSettings(Strict):
    """Documentation time on the next working morning after a block."""

    hours: float = Field(default=2.5, gt=0, le=8, json_schema_extra=sets("documentation_time"))
    start: time = Field(default=time(9, 0), json_schema_extra=sets("documentation_time"))

    _clock = field_validator("start", mode="before")(_parse_clock)


class WorkloadSettings(Strict):
    """The protected-caseload workload model (docs/workload-model.md)."""

    full_caseload_points: float = Field(default=30.0, gt=0, json_schema_extra=sets("duty_fairness"))
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
    closure: ClosureSettings | None = Field(default_factory=ClosureSettings)
    max_on_calls_per_month: int | None = Field(
        default=_RULES.max_on_calls_per_month,
        ge=0,
        json_schema_extra=sets("max_on_calls_per_month"),
    )
    max_weekend_days_per_month: int | None = Field(
        default=_RULES.max_weekend_days_per_month,
        ge=0,
        json_schema_extra=sets("max_weekend_days_per_month"),
    )
    preferred_block_days: int = Field(
        default=_RULES.preferred_block_days, ge=1, le=14, json_schema_extra=sets("short_block")
    )
    documentation: DocumentationSettings | None = Field(default_factory=DocumentationSettings)
    trainees: TraineeSettings = Field(default_factory=TraineeSettings)
    workload: WorkloadSettings = Field(default_factory=WorkloadSettings)
    currency: str = "GBP"
    weights: WeightSettings = Field(default_factory=WeightSettings)


class Caseload(Strict):
    cases: int = Field(ge=0)
    complexity_weight: float = Field(default=1.0, ge=0)

    @property
    def points(self) -> float:
        return self.cases * self.complexity_weight


class Contract(Strict):
    kind: Literal["contracted", "sessional"] = "contracted"
    start: date | None = None
    end: date | None = None
    day_rate: float | None = Field(default=None, ge=0, json_schema_extra=sets("sessional_locum"))


class History(Strict):
    """Counts from earlier periods that fairness carries forward."""

    weekends: int = Field(default=0, ge=0, json_schema_extra=sets("weekend_fairness"))
    bank_holidays: int = Field(default=0, ge=0, json_schema_extra=sets("bank_holiday_fairness"))
    nights: int = Field(default=0, ge=0, json_schema_extra=sets("night_fairness"))
    closure_days: int = Field(default=0, ge=0, json_schema_extra=sets("bank_holiday_fairness"))
    key_days: list[date] = Field(default_factory=list, json_schema_extra=sets("christmas_key_days"))


class Practitioner(Strict):
    id: Id
    name: str = Field(min_length=1)
    role: Role
    fte: float = Field(default=1.0, gt=0, le=1)
    working_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    area: str | None = None
    team: str | None = None
    shift_types: list[str] = Field(min_length=1)
    warranted_from: date | None = None
    approval_expires: date | None = None
    contract: Contract | None = None
    caseload: Caseload | None = Field(default=None, json_schema_extra=sets("duty_fairness"))
    history: History = Field(default_factory=History)

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
    person: str
    kind: Literal["annual", "sickness", "training", "team", "other"] = "annual"
    start: date
    end: date

    @model_validator(mode="after")
    def _order(self) -> Leave:
        if self.end < self.start:
            raise ValueError("'end' is before 'start'")
        return self


class Callout(Strict):
    """A callout reported for the night of ``date``: the person is not required to
    work the following morning, so no day duty is rostered for them that date."""

    person: str
    date: date


class RequestDef(Strict):
    person: str
    date: date
    shift: str | None = None
    want: bool = False
    weight: int = Field(default=50, ge=1, le=10_000, json_schema_extra=sets("requests"))


class FixedAssignment(Strict):
    person: str
    date: date
    shift: str


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
    areas: list[str] = Field(default_factory=list)
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
        locs = {loc.id for loc in self.locations}
        areas = set(self.areas)
        for i, s in enumerate(self.shift_types):
            if s.location and locs and s.location not in locs:
                errors.append((("shift_types", i, "location"), f"unknown location {s.location!r}"))
            if s.area and areas and s.area not in areas:
                errors.append((("shift_types", i, "area"), f"unknown area {s.area!r}"))
        for i, c in enumerate(self.cover):
            if c.shift not in codes:
                errors.append((("cover", i, "shift"), f"unknown shift type {c.shift!r}"))
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
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            errors.append(((section, i, field), f"duplicate {field} {key!r}"))
        seen.add(key)
    return seen


class ReferenceErrors(ValueError):
    """Several cross-reference problems, each with its own field path."""

    def __init__(self, errors: list[tuple[tuple, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in errors))
