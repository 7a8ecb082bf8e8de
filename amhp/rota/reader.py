"""The one typed reader of a stored ``amhp-rota/1`` export (the JSON that
``amhp.rota.export`` writes and the database keeps per rota version). Feeds,
pages, explanations, carry-in and reports read rotas through these models rather
than by string keys, so a renamed field fails in one place.

Read-only and lenient about additions: producers may add fields (the spec says so),
older stored exports may lack the later ones (defaults below)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT = "amhp-rota/1"


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Period(_Read):
    start: dt.date
    end: dt.date


class AwayRun(_Read):
    """Consecutive days a person may not be rostered, for one reason."""

    start: dt.date
    end: dt.date
    why: str

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def span(self) -> str:
        """``Mon 7 Dec`` or ``Mon 7 Dec to Fri 11 Dec``."""
        if self.start == self.end:
            return f"{self.start:%a %-d %b}"
        return f"{self.start:%a %-d %b} to {self.end:%a %-d %b}"


class ExportPerson(_Read):
    id: str
    name: str
    role: str
    fte: float = 1.0
    warranted_from: dt.date | None = None
    unavailable: list[dt.date] = Field(default_factory=list)
    unavailable_why: list[AwayRun] = Field(default_factory=list)
    duty_days: int = 0
    available_days: int = 0
    weighted_duty_days: float = 0.0
    caseload_points: float | None = None
    total_load: float = 0.0
    caseload_protection: float = 0.0
    caseload_cap: float | None = None
    shadow_days: int = 0
    area: str | None = None
    team: str | None = None


class ExportShift(_Read):
    code: str
    name: str
    kind: str = "day"
    location: str | None = None
    location_name: str | None = None
    area: str | None = None
    start: str | None = None  # local HH:MM
    end: str | None = None

    @property
    def place(self) -> str | None:
        return self.location_name or self.location


class SlotRef(_Read):
    date: dt.date
    shift: str


class ExportSlot(_Read):
    date: dt.date
    shift: str
    start: dt.datetime
    end: dt.datetime
    min: int
    target: int
    max: int
    assigned: list[str] = Field(default_factory=list)
    shadows: list[str] = Field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(self.min - len(self.assigned), 0)

    def holds(self, person: str) -> bool:
        return person in self.assigned or person in self.shadows


class ExportGap(_Read):
    date: dt.date
    shift: str
    missing: int
    reasons: list[str] = Field(default_factory=list)


class ExportCompositionGap(_Read):
    """A shift short of a role its cover rule requires (a lead in the hub)."""

    date: dt.date
    shift: str
    requirement: str
    missing: int
    reasons: list[str] = Field(default_factory=list)


class ExportRecovery(_Read):
    person: str
    kind: Literal["documentation", "rest_day"]
    start: dt.datetime
    end: dt.datetime
    after: SlotRef


class ExportUnplaced(_Read):
    """A hub block end whose documentation time found no free working morning."""

    person: str
    after: SlotRef


class ExportPenalty(_Read):
    rule: str
    cost: int
    detail: str = ""
    person: str | None = None
    date: dt.date | None = None
    shift: str | None = None


class ExportCosts(_Read):
    locum_days: int = 0
    locum_cost: float = 0.0
    currency: str = "GBP"
    by_kind: dict[str, dict[str, float]] = Field(default_factory=dict)


class ExportChange(_Read):
    """A duty a repair added or removed against the version it repairs."""

    person: str
    date: dt.date
    shift: str
    change: Literal["added", "removed"]


class RotaExport(_Read):
    format: Literal["amhp-rota/1"]
    service: str
    service_name: str | None = None
    timezone: str = "Europe/London"
    period: Period
    status: str
    gaps_proven: bool = False
    composition_proven: bool = False
    locum_days_proven: bool = False
    objective: int | float | None = None
    bound: int | float | None = None
    wall_time_s: float | None = None
    rules: dict[str, Any] = Field(default_factory=dict)
    people: list[ExportPerson] = Field(default_factory=list)
    shifts: list[ExportShift] = Field(default_factory=list)
    slots: list[ExportSlot] = Field(default_factory=list)
    gaps: list[ExportGap] = Field(default_factory=list)
    composition_gaps: list[ExportCompositionGap] = Field(default_factory=list)
    recovery: list[ExportRecovery] = Field(default_factory=list)
    documentation_unplaced: list[ExportUnplaced] = Field(default_factory=list)
    costs: ExportCosts = Field(default_factory=ExportCosts)
    penalties: list[ExportPenalty] = Field(default_factory=list)
    # A repair: the version it repairs, the first date it could change, what changed.
    base_version: int | None = None
    freeze_before: dt.date | None = None
    changes: list[ExportChange] = Field(default_factory=list)

    @property
    def title(self) -> str:
        return self.service_name or self.service

    @cached_property
    def names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.people}

    @cached_property
    def roles(self) -> dict[str, str]:
        return {p.id: p.role for p in self.people}

    @cached_property
    def shift_by_code(self) -> dict[str, ExportShift]:
        return {s.code: s for s in self.shifts}

    def person(self, person_id: str) -> ExportPerson | None:
        return next((p for p in self.people if p.id == person_id), None)

    def duties_of(self, person: str) -> list[tuple[ExportSlot, bool]]:
        """The walk of one person's duties: (slot, shadow) in slot order."""
        return [(slot, person not in slot.assigned) for slot in self.slots if slot.holds(person)]

    def recovery_of(self, person: str) -> list[ExportRecovery]:
        return [r for r in self.recovery if r.person == person]


def read_export(doc: dict) -> RotaExport:
    """A stored or exported rota as typed data (``pydantic.ValidationError`` when it
    is not an ``amhp-rota/1`` document)."""
    return RotaExport.model_validate(doc)
