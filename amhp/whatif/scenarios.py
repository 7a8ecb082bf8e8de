"""What-if scenario files: a base service, a horizon, and named lists of changes.

Each change is applied to a copy of the service definition, and the result is
validated again exactly like a service file, so a scenario can never produce a
service the solver would not accept. Errors name the scenario, the change and the
field: ``scenarios[1].changes[0].person: unknown practitioner 'ap99'``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import product
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from amhp.core.months import Month, months_from
from amhp.service.calendar import Period
from amhp.service.file import (
    FieldError,
    ServiceFileError,
    format_path,
    load_service,
    read_text,
    validation_problems,
)
from amhp.service.model import DayKind, Practitioner, ServiceDefinition
from amhp.service.safe_yaml import read_yaml


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Vacancy(_Change):
    """A person leaves: their last day is the day before ``from``."""

    kind: Literal["vacancy"]
    person: str
    from_: date = Field(alias="from")


class NewStarter(_Change):
    kind: Literal["new_starter"]
    practitioner: Practitioner
    from_: date = Field(alias="from")


class LocumContract(_Change):
    """A locum contract ends on ``end`` (earlier or later than planned)."""

    kind: Literal["locum_contract"]
    person: str
    end: date


class Warranting(_Change):
    kind: Literal["warranting"]
    person: str
    date: date


class Sickness(_Change):
    kind: Literal["sickness"]
    person: str
    start: date
    end: date


class CoverChange(_Change):
    """New levels for the cover rules of a shift (on one kind of day, or all)."""

    kind: Literal["cover"]
    shift: str
    days: DayKind | None = None
    min: int | None = Field(default=None, ge=0)
    target: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)


class Consolidate(_Change):
    """Merge rotas: whoever did ``shifts`` now does ``into``; their cover adds up."""

    kind: Literal["consolidate"]
    shifts: list[str] = Field(min_length=1)
    into: str


class LeaveRate(_Change):
    """Expected unplanned leave: each person loses about ``rate`` of their weekdays,
    in whole weeks placed deterministically from ``seed``."""

    kind: Literal["leave_rate"]
    rate: float = Field(gt=0, lt=1)
    seed: int = 0


Change = Annotated[
    Vacancy
    | NewStarter
    | LocumContract
    | Warranting
    | Sickness
    | CoverChange
    | Consolidate
    | LeaveRate,
    Field(discriminator="kind"),
]


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    changes: list[Change] = Field(default_factory=list)


class Horizon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    start: Month
    months: int = Field(ge=1, le=12)

    def month_labels(self) -> list[str]:
        return months_from(self.start, self.months)

    @property
    def end(self) -> date:
        return Period.month(self.month_labels()[-1]).end


class _Plan(BaseModel):
    """What scenario files and sweep files share: the base, the horizon, the limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    base: str  # service file, relative to the scenario file
    horizon: Horizon
    time_limit_per_month: float = Field(default=8.0, gt=0, le=600)
    sessional_day_rate: float = Field(default=450.0, ge=0)
    # Applied to every run, the base included: e.g. an expected leave rate.
    common_changes: list[Change] = Field(default_factory=list)


class ScenarioFile(_Plan):
    include_base: bool = True
    scenarios: list[Scenario] = Field(min_length=1)


class SweepOption(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str = Field(min_length=1)
    changes: list[Change] = Field(default_factory=list)


class SweepAxis(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    options: list[SweepOption] = Field(min_length=1)

    @model_validator(mode="after")
    def _labels_unique(self) -> SweepAxis:
        labels = [o.label for o in self.options]
        if len(set(labels)) != len(labels):
            raise ValueError(f"option labels repeat on axis {self.name!r}")
        return self


class SweepFile(_Plan):
    """A grid: every combination of one option per axis is one run (at most two axes,
    so the summary is a table a manager can read)."""

    axes: list[SweepAxis] = Field(min_length=1, max_length=2)

    def combinations(self) -> list[tuple[tuple[str, ...], list]]:
        """(labels, changes) per cell, the first axis varying slowest."""
        out = []
        for options in product(*(a.options for a in self.axes)):
            labels = tuple(o.label for o in options)
            out.append((labels, [c for o in options for c in o.changes]))
        return out


class ChangeError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _validate(text: str, model: type[_Plan], source: str, base_name: str | None = None):
    doc = read_yaml(text, source)
    data = doc.data
    if base_name is not None and isinstance(data, dict):
        data = {"base": base_name, **data}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(format_path(loc), msg, doc.line_for(loc))
            for loc, msg in validation_problems(exc)
        ]
        raise ServiceFileError(source, errors) from None


def _read(path: Path, model: type[_Plan]) -> tuple:
    spec = _validate(read_text(path), model, str(path))
    base = load_service(path.parent / spec.base)
    return spec, base, _common(spec, base, str(path))


def _common(spec: _Plan, base: ServiceDefinition, source: str) -> ServiceDefinition:
    try:
        return apply_changes(base, spec.common_changes, spec.horizon.end)
    except ChangeError as exc:
        field = exc.field.replace("changes", "common_changes", 1)
        raise ServiceFileError(source, [FieldError(field, str(exc))]) from None


def _check_scenarios(spec: ScenarioFile, common: ServiceDefinition, source: str) -> None:
    errors = []
    for i, scenario in enumerate(spec.scenarios):
        try:
            apply_changes(common, scenario.changes, spec.horizon.end)
        except ChangeError as exc:
            errors.append(FieldError(f"scenarios[{i}].{exc.field}", str(exc)))
    if errors:
        raise ServiceFileError(source, errors)


def load_scenarios(path: str | Path) -> tuple[ScenarioFile, ServiceDefinition]:
    path = Path(path)
    spec, base, common = _read(path, ScenarioFile)
    _check_scenarios(spec, common, str(path))
    return spec, base


def parse_scenarios(text: str, base: ServiceDefinition, source: str = "scenarios") -> ScenarioFile:
    """A scenario file for a stored service (uploaded, or made from a form): ``base``
    may be left out, the service is the base whatever it names."""
    spec = _validate(text, ScenarioFile, source, base_name=base.service.id)
    _check_scenarios(spec, _common(spec, base, source), source)
    return spec


def load_sweep(path: str | Path) -> tuple[SweepFile, ServiceDefinition]:
    """Each option is checked alone (so an error names its axis and option), then
    each combination (options that clash, e.g. two new starters with one id)."""
    path = Path(path)
    spec, base, common = _read(path, SweepFile)
    errors = []
    for a, axis in enumerate(spec.axes):
        for o, option in enumerate(axis.options):
            try:
                apply_changes(common, option.changes, spec.horizon.end)
            except ChangeError as exc:
                errors.append(FieldError(f"axes[{a}].options[{o}].{exc.field}", str(exc)))
    if not errors:
        for labels, changes in spec.combinations():
            try:
                apply_changes(common, changes, spec.horizon.end)
            except ChangeError as exc:
                errors.append(FieldError("axes", f"combination {' × '.join(labels)}: {exc}"))
    if errors:
        raise ServiceFileError(str(path), errors)
    return spec, base


def apply_changes(base: ServiceDefinition, changes: list, horizon_end: date) -> ServiceDefinition:
    """The base service with the changes applied in order, validated again."""
    data = base.model_dump(mode="json", by_alias=True)
    for i, change in enumerate(changes):
        _apply(data, change, f"changes[{i}]", horizon_end)
    try:
        return ServiceDefinition.model_validate(data)
    except ValidationError as exc:
        loc, msg = validation_problems(exc)[0]
        raise ChangeError(
            "changes", f"the changed service is invalid at {format_path(loc)}: {msg}"
        ) from None


def _person(data: dict, pid: str, where: str) -> dict:
    for p in data["practitioners"]:
        if p["id"] == pid:
            return p
    raise ChangeError(f"{where}.person", f"unknown practitioner {pid!r}")


def _apply(data: dict, change, where: str, horizon_end: date) -> None:
    if isinstance(change, Vacancy):
        p = _person(data, change.person, where)
        p["contract"] = {
            **(p.get("contract") or {}),
            "end": (change.from_ - timedelta(days=1)).isoformat(),
        }
    elif isinstance(change, NewStarter):
        if any(p["id"] == change.practitioner.id for p in data["practitioners"]):
            raise ChangeError(
                f"{where}.practitioner.id", f"{change.practitioner.id!r} exists already"
            )
        new = change.practitioner.model_dump(mode="json")
        new["contract"] = {**(new.get("contract") or {}), "start": change.from_.isoformat()}
        data["practitioners"].append(new)
    elif isinstance(change, LocumContract):
        p = _person(data, change.person, where)
        if p["role"] != "locum":
            raise ChangeError(f"{where}.person", f"{change.person!r} is not a locum")
        p["contract"] = {**p["contract"], "end": change.end.isoformat()}
    elif isinstance(change, Warranting):
        p = _person(data, change.person, where)
        p["warranted_from"] = change.date.isoformat()
        expires = p.get("approval_expires")
        if expires and expires <= change.date.isoformat():
            p["approval_expires"] = change.date.replace(year=change.date.year + 5).isoformat()
    elif isinstance(change, Sickness):
        _person(data, change.person, where)
        data["leave"].append(
            {
                "person": change.person,
                "kind": "sickness",
                "start": change.start.isoformat(),
                "end": change.end.isoformat(),
            }
        )
    elif isinstance(change, CoverChange):
        _change_cover(data, change, where)
    elif isinstance(change, Consolidate):
        _consolidate(data, change, where)
    elif isinstance(change, LeaveRate):
        _leave_rate(data, change, horizon_end)


def _change_cover(data: dict, change: CoverChange, where: str) -> None:
    rules = [
        c
        for c in data["cover"]
        if c["shift"] == change.shift and (change.days is None or c.get("days") == change.days)
    ]
    if not rules:
        raise ChangeError(
            f"{where}.shift",
            f"no cover rule for {change.shift!r}" + (f" on {change.days}" if change.days else ""),
        )
    for c in rules:
        for level in ("min", "target", "max"):
            if getattr(change, level) is not None:
                c[level] = getattr(change, level)
        target = c.get("target") if c.get("target") is not None else c["min"]
        c["target"] = max(target, c["min"])
        c["max"] = max(c.get("max") if c.get("max") is not None else c["target"], c["target"])


def _consolidate(data: dict, change: Consolidate, where: str) -> None:
    codes = {s["code"] for s in data["shift_types"]}
    for code in [*change.shifts, change.into]:
        if code not in codes:
            raise ChangeError(f"{where}.shifts", f"unknown shift type {code!r}")
    merged = [s for s in change.shifts if s != change.into]
    target_rules = {c.get("days"): c for c in data["cover"] if c["shift"] == change.into}
    for c in [c for c in data["cover"] if c["shift"] in merged]:
        into = target_rules.get(c.get("days"))
        if into is None:
            data["cover"].append({**c, "shift": change.into})
            continue
        for level in ("min", "target", "max"):
            base = into.get(level) if into.get(level) is not None else into["min"]
            add = c.get(level) if c.get(level) is not None else c["min"]
            into[level] = base + add
    data["cover"] = [c for c in data["cover"] if c["shift"] not in merged]
    for p in data["practitioners"]:
        if any(s in merged for s in p["shift_types"]):
            kept = [s for s in p["shift_types"] if s not in merged]
            p["shift_types"] = kept + ([change.into] if change.into not in kept else [])
    data["fixed"] = [f for f in data["fixed"] if f["shift"] not in merged]
    data["requests"] = [r for r in data["requests"] if r.get("shift") not in merged]


def _leave_rate(data: dict, change: LeaveRate, horizon_end: date) -> None:
    rng = random.Random(change.seed)
    start = horizon_end - timedelta(days=365)
    weeks = 52
    for p in data["practitioners"]:
        for week in rng.sample(range(weeks), k=round(weeks * change.rate)):
            monday = start + timedelta(days=7 * week - start.weekday())
            data["leave"].append(
                {
                    "person": p["id"],
                    "kind": "other",
                    "start": monday.isoformat(),
                    "end": (monday + timedelta(days=4)).isoformat(),
                }
            )
