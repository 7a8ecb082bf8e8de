"""The states a stored thing can be in, written once."""

from __future__ import annotations

from enum import StrEnum


class RotaState(StrEnum):
    """A rota version: drafts are generated, one published version per month
    reaches calendars, publishing another supersedes it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class RunState(StrEnum):
    """A background run (rota generation job, what-if run)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in FINISHED


ACTIVE = (RunState.QUEUED, RunState.RUNNING)
FINISHED = (RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED)


class AccountRole(StrEnum):
    """What an account may do: an admin everything; a lead writes their service;
    a manager reads it and runs what-ifs; a practitioner sees published rotas and
    their own leave, requests and feed."""

    ADMIN = "admin"
    LEAD = "lead"
    MANAGER = "manager"
    PRACTITIONER = "practitioner"
