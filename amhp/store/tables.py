"""Database tables (SQLModel). Services own their shift types, cover rules,
practitioners, leave, requests and fixed cells; rota versions own their assignments.

Nested settings that are always read and written whole (rules, contract, caseload,
history) are JSON columns; anything a later query filters on is a real column.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from amhp.core.states import LeaveRequestState, MailState, RotaState, RunState, SwapState


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json(default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(JSON, nullable=True))


class ServiceRow(SQLModel, table=True):
    __tablename__ = "service"
    id: str = Field(primary_key=True)
    name: str
    timezone: str
    holiday_country: str
    holiday_subdivision: str | None = None
    rota_mailbox: str | None = None
    areas: list = _json([])
    locations: list = _json([])
    rules: dict = _json({})
    revision: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class ShiftTypeRow(SQLModel, table=True):
    __tablename__ = "shift_type"
    __table_args__ = (UniqueConstraint("service_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    position: int
    code: str
    data: dict = _json({})


class CoverRuleRow(SQLModel, table=True):
    __tablename__ = "cover_rule"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    position: int
    shift: str
    data: dict = _json({})


class PractitionerRow(SQLModel, table=True):
    __tablename__ = "practitioner"
    __table_args__ = (UniqueConstraint("service_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    person_id: str
    position: int
    name: str
    role: str
    data: dict = _json({})


class LeaveRow(SQLModel, table=True):
    __tablename__ = "leave"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    person_id: str
    kind: str
    start: date
    end: date


class CalloutRow(SQLModel, table=True):
    __tablename__ = "callout"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    person_id: str
    date: date


class RequestRow(SQLModel, table=True):
    __tablename__ = "request"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    person_id: str
    date: date
    shift: str | None = None
    want: bool = False
    weight: int = 50


class FixedCellRow(SQLModel, table=True):
    __tablename__ = "fixed_cell"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    person_id: str
    date: date
    shift: str


class RotaVersion(SQLModel, table=True):
    """One generated rota for a period: a draft until published."""

    __tablename__ = "rota_version"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    month: str = Field(index=True)  # YYYY-MM
    state: str = RotaState.DRAFT  # a RotaState
    solve_status: str
    objective: float | None = None
    bound: float | None = None
    created_at: datetime = Field(default_factory=utcnow)
    published_at: datetime | None = None
    export: dict = _json({})  # the full amhp-rota/1 document


class AssignmentRow(SQLModel, table=True):
    __tablename__ = "assignment"
    id: int | None = Field(default=None, primary_key=True)
    rota_id: int = Field(foreign_key="rota_version.id", index=True)
    person_id: str = Field(index=True)
    date: date
    shift: str
    kind: str = "assigned"  # assigned | shadow


class FeedToken(SQLModel, table=True):
    """A calendar feed link. Only the token's SHA-256 is stored; the token itself is
    an HMAC of (service, kind, subject, version) under the server's secret key, so
    `amhp feeds` can show links again without ever storing them."""

    __tablename__ = "feed_token"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    kind: str  # person | service | shift
    subject: str  # person id, service id or shift code
    version: int = 1
    token_hash: str = Field(index=True, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class User(SQLModel, table=True):
    """Someone who logs in: admin, lead (writes their service), manager (reads,
    runs scenarios) or practitioner (reads the published rota, own feed)."""

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True)
    password_hash: str
    role: str  # an AccountRole
    service_id: str | None = Field(default=None, foreign_key="service.id")
    person_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class AuthToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_token"
    token_hash: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    expires_at: datetime


class RunLiveness(SQLModel):
    """What any process needs to know of a background run it is not running: who
    runs it and when it last showed signs of life (a run whose heartbeat stopped
    belongs to a process that died), and whether anyone asked it to stop."""

    worker: str | None = None  # "host:pid" of the process running it
    heartbeat_at: datetime | None = None
    attempts: int = 0  # times it was started (a dead worker's run is started again)
    cancel_requested: bool = False  # a cancel from any process: its runner stops it


class Job(RunLiveness, table=True):
    """A rota generation request, run in the background (in the server's pool or
    by a queue worker). Its state lives here, so every process sees the same."""

    __tablename__ = "job"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    month: str
    time_limit: float = 60.0
    state: str = RunState.QUEUED  # a RunState
    progress: dict = _json({})
    rota_id: int | None = Field(default=None, foreign_key="rota_version.id")
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class RepairRequest(SQLModel, table=True):
    """A job that repairs the month's published version instead of generating it
    afresh (its own table, so databases made before repairs existed need nothing)."""

    __tablename__ = "repair_request"
    job_id: int = Field(foreign_key="job.id", primary_key=True)
    freeze_before: date | None = None


class WhatIfRun(RunLiveness, table=True):
    """A manager's what-if: the scenario file as submitted, its progress and, once
    done, the ``amhp-whatif/1`` result. Run in the background like a rota job."""

    __tablename__ = "whatif_run"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    name: str
    spec: str  # the scenario YAML, base taken from the stored service
    state: str = RunState.QUEUED  # a RunState
    progress: dict = _json({})  # {"done", "total", "now"}
    result: dict | None = _json(None)
    error: str | None = None
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class SweepCell(RunLiveness, table=True):
    """One cell of a sweep solved by a queue worker: its service as changed by the
    cell's options (a service file's JSON), the months, and once done the months'
    results. A sweep is its cells with one ``sweep`` key; the caller assembles it."""

    __tablename__ = "sweep_cell"
    id: int | None = Field(default=None, primary_key=True)
    sweep: str = Field(index=True)  # the sweep's key, shared by its cells
    position: int  # the cell's place in the grid
    service_id: str  # the base service's id (the cell's service is not stored)
    definition: dict = _json({})  # the cell's service, as a service file's JSON
    months: list = _json([])
    time_limit: float = 60.0
    day_rate: float = 0.0
    state: str = RunState.QUEUED  # a RunState
    progress: dict = _json({})  # {"done", "total"}
    result: list | None = _json(None)  # the months' public results
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who changed what, when and through which interface. Append-only: nothing in
    the app updates or deletes a row, and the database refuses it (amhp.store.db)."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str | None = Field(default=None, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    via: str  # cli | api | page | job
    action: str  # an AuditAction
    subject: str = ""
    person: str | None = Field(default=None, index=True)  # the one person it concerns
    detail: dict = _json({})


class LoginAttempt(SQLModel, table=True):
    """Failed logins counted per account and per client address, and the lockout
    they lead to (written in their own transaction, so a refused login still counts)."""

    __tablename__ = "login_attempt"
    key: str = Field(primary_key=True)  # "account:<email>" or "client:<address>"
    failures: int = 0
    window_start: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None


class DisabledAccount(SQLModel, table=True):
    """An account that may not log in or use its tokens (its own table, so databases
    made before it need nothing)."""

    __tablename__ = "disabled_account"
    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    at: datetime = Field(default_factory=utcnow)


class SwapRow(SQLModel, table=True):
    """A duty offered by one AMHP to a colleague, for one of theirs or for nothing
    (a give-away), on the published version it was proposed against."""

    __tablename__ = "swap"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    month: str
    rota_id: int = Field(foreign_key="rota_version.id")  # the version proposed on
    proposer: str  # person id
    colleague: str  # person id
    give_date: date
    give_shift: str
    take_date: date | None = None  # the colleague's duty in return; None: a give-away
    take_shift: str | None = None
    note: str = ""
    state: str = SwapState.PROPOSED  # a SwapState
    cost: dict = _json({})  # {"total", "by_rule"} when last checked
    decision_note: str = ""
    result_rota_id: int | None = Field(default=None, foreign_key="rota_version.id")
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None


class LeaveRequestRow(SQLModel, table=True):
    """Leave an AMHP asks for; approved, it is added to the service's leave."""

    __tablename__ = "leave_request"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str = Field(foreign_key="service.id", index=True)
    person_id: str = Field(index=True)
    kind: str  # annual | training | other
    start: date
    end: date
    note: str = ""
    state: str = LeaveRequestState.PENDING  # a LeaveRequestState
    decision_note: str = ""
    decided_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None


class MailRow(SQLModel, table=True):
    """The outbox: one email, queued in the transaction that made its news and sent
    by the background sender once that transaction has committed."""

    __tablename__ = "mail_outbox"
    id: int | None = Field(default=None, primary_key=True)
    service_id: str | None = Field(default=None, index=True)
    person_id: str | None = None
    to_address: str
    subject: str
    body: str
    topic: str  # duties | swap | leave
    state: str = Field(default=MailState.QUEUED, index=True)  # a MailState
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class MailPreference(SQLModel, table=True):
    """A person who switched change emails off (no row: emails on)."""

    __tablename__ = "mail_preference"
    service_id: str = Field(foreign_key="service.id", primary_key=True)
    person_id: str = Field(primary_key=True)
    emails: bool = True
