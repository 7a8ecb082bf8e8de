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


class Stopped(Exception):
    """A run was asked to stop (cancelled, its process shutting down, or its row
    given to another worker): what it had done so far is not a result."""


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


class SwapState(StrEnum):
    """A swap or give-away: proposed by an AMHP, accepted or declined by the
    colleague, approved or refused by the lead (approval publishes it); withdrawn by
    the proposer while undecided; expired once a duty's date has passed undecided."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def open(self) -> bool:
        return self in (SwapState.PROPOSED, SwapState.ACCEPTED)


class LeaveRequestState(StrEnum):
    """An AMHP's request for leave: approved (it becomes the service's leave) or
    declined by the lead, or withdrawn by the AMHP while pending."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class MailState(StrEnum):
    """An email in the outbox: sent after the transaction that queued it commits,
    retried with back-off, failed after the last attempt."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
