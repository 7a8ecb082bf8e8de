"""Public request and response shapes of the HTTP API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from amhp.core.months import Month


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "lead@warwickshire.example", "password": "correct horse"}]
        }
    )
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class UserOut(BaseModel):
    email: str
    role: str
    service_id: str | None
    person_id: str | None


class ServiceSummary(BaseModel):
    id: str
    name: str
    revision: int


class JobRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"month": "2026-12", "time_limit": 60}]}
    )
    month: Month
    time_limit: float = Field(default=60.0, gt=0, le=3600)


class RepairIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"month": "2026-12", "time_limit": 60}]}
    )
    month: Month
    time_limit: float = Field(default=60.0, gt=0, le=3600)
    freeze_before: date | None = Field(
        default=None,
        description="duties before it stay as published (default: today, or the first "
        "date the published rota no longer fits, if later)",
    )


class JobOut(BaseModel):
    id: int
    kind: Literal["generate", "repair"] = "generate"
    service_id: str
    month: str
    state: str
    progress: dict
    rota_id: int | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    worker: str | None = Field(None, description="host:pid of the process running it")
    attempts: int = Field(0, description="times started (a job whose worker died restarts)")
    cancel_requested: bool = False


class RotaVersionOut(BaseModel):
    id: int
    service_id: str
    month: str
    state: str
    solve_status: str
    objective: float | None
    bound: float | None
    created_at: datetime
    published_at: datetime | None
    gaps: int
    number: int | None = None  # the month's version as people count it: 1, 2, …


class FeedLinkOut(BaseModel):
    kind: str
    subject: str
    path: str


class WhatIfRequest(BaseModel):
    """A scenario file (YAML or JSON text) for the service; ``base`` may be left
    out: the stored service is the base."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "hub minimum 4",
                    "spec": "horizon: {start: '2027-01', months: 3}\n"
                    "scenarios:\n  - name: hub 4\n    changes:\n"
                    "      - {kind: cover, shift: HUB, days: weekday, min: 4}\n",
                }
            ]
        }
    )
    name: str = Field(min_length=1, max_length=200)
    spec: str = Field(min_length=1, max_length=256 * 1024)


class WhatIfOut(BaseModel):
    id: int
    service_id: str
    name: str
    state: str
    progress: dict
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    result: dict | None = None


class CoverOptionOut(BaseModel):
    person: str
    name: str
    can_take: bool
    reason: str | None
    cost: int | None = Field(description="objective change if they take it (lower is better)")
    by_rule: dict[str, int]


class CoverOut(BaseModel):
    rota_id: int
    date: date
    shift: str
    options: list[CoverOptionOut]


class CoverIn(BaseModel):
    person: str = Field(min_length=1, max_length=64)
    date: date
    shift: str = Field(min_length=1, max_length=64)


class AuditOut(BaseModel):
    at: datetime
    actor: str
    via: str
    action: str
    subject: str
    person: str | None
    detail: dict


class DutyIn(BaseModel):
    date: date
    shift: str = Field(min_length=1, max_length=64)


class SwapIn(BaseModel):
    """A practitioner offers ``give`` (one of their duties) to ``colleague``, for
    ``take`` (one of the colleague's) or for nothing (a give-away). A lead may
    propose on someone's behalf with ``proposer``."""

    model_config = ConfigDict(extra="forbid")
    colleague: str = Field(min_length=1, max_length=64)
    give: DutyIn
    take: DutyIn | None = None
    note: str = Field(default="", max_length=500)
    proposer: str | None = Field(default=None, min_length=1, max_length=64)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=500)


class SwapOut(BaseModel):
    id: int
    service_id: str
    month: str
    rota_id: int
    proposer: str
    colleague: str
    give: DutyIn
    take: DutyIn | None
    note: str
    state: str
    cost: dict
    decision_note: str
    result_rota_id: int | None
    created_at: datetime
    decided_at: datetime | None


class LeaveRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["annual", "training", "other"] = "annual"
    start: date
    end: date
    note: str = Field(default="", max_length=500)
    person: str | None = Field(default=None, min_length=1, max_length=64)


class LeaveRequestOut(BaseModel):
    id: int
    service_id: str
    person: str
    kind: str
    start: date
    end: date
    note: str
    state: str
    decision_note: str
    decided_by: str | None
    created_at: datetime
    decided_at: datetime | None


class DutyImpactOut(BaseModel):
    date: date
    shift: str
    month: str
    could_take: list[str]
    gap: bool


class LeaveImpactOut(BaseModel):
    request: LeaveRequestOut
    duties: list[DutyImpactOut]
    gaps: int
    months: list[str]


class RepairOffer(BaseModel):
    month: str
    how: str  # the request that starts the repair


class LeaveDecisionOut(BaseModel):
    request: LeaveRequestOut
    repair_offers: list[RepairOffer]


class MailOut(BaseModel):
    id: int
    person_id: str | None
    to_address: str
    subject: str
    topic: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class MailPreferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    emails: bool
