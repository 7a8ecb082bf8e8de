"""The audit log: every change to a service, a rota version, a feed link or an
account, with who made it, when, through which interface, and what changed.
Append-only: entries are added here and never changed, and the database refuses
anything else (triggers made by the migrations, SQLite and PostgreSQL alike)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from amhp.store.tables import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts, and through what: ``cli``, ``api``, ``page`` or ``job``."""

    who: str
    via: str


SYSTEM = Actor("system", "app")


class AuditAction(StrEnum):
    SERVICE_CREATED = "service.created"
    SERVICE_CHANGED = "service.changed"
    ROTA_GENERATED = "rota.generated"
    ROTA_REPAIRED = "rota.repaired"
    ROTA_COVERED = "rota.covered"
    ROTA_SWAPPED = "rota.swapped"
    ROTA_PUBLISHED = "rota.published"
    JOB_STARTED = "job.started"
    FEED_REISSUED = "feed.reissued"
    FEED_REVOKED = "feed.revoked"
    ACCOUNT_CREATED = "account.created"
    LOGIN_LOCKED = "login.locked"
    ACCOUNT_DISABLED = "account.disabled"
    ACCOUNT_ENABLED = "account.enabled"
    PASSWORD_CHANGED = "account.password_changed"
    SWAP_PROPOSED = "swap.proposed"
    SWAP_ACCEPTED = "swap.accepted"
    SWAP_DECLINED = "swap.declined"
    SWAP_APPROVED = "swap.approved"
    SWAP_REFUSED = "swap.refused"
    SWAP_WITHDRAWN = "swap.withdrawn"
    LEAVE_REQUESTED = "leave.requested"
    LEAVE_APPROVED = "leave.approved"
    LEAVE_DECLINED = "leave.declined"
    LEAVE_WITHDRAWN = "leave.withdrawn"
    MAIL_QUEUED = "mail.queued"
    MAIL_SENT = "mail.sent"
    MAIL_FAILED = "mail.failed"
    MAIL_PREFERENCE = "mail.preference"


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    service_id: str | None,
    subject: str = "",
    person: str | None = None,
    detail: dict | None = None,
) -> None:
    session.add(
        AuditEntry(
            service_id=service_id,
            actor=actor.who,
            via=actor.via,
            action=action,
            subject=subject,
            person=person,
            detail=detail or {},
        )
    )


def section_changes(before: dict | None, after: dict) -> dict:
    """Per section of a service definition (as JSON): list items added and removed,
    or the block before and after."""
    before = before or {}
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            old, new = old or [], new or []
            added = [x for x in new if x not in old]
            removed = [x for x in old if x not in new]
            out[key] = {"added": added, "removed": removed}
        else:
            out[key] = {"before": old, "after": new}
    return out


def person_of(changes: dict) -> str | None:
    """The one person every changed item is about, if there is one."""
    people = set()
    for change in changes.values():
        for item in (*change.get("added", ()), *change.get("removed", ())):
            if not isinstance(item, dict):
                return None
            people.add(item.get("person") or item.get("id"))
    return people.pop() if len(people) == 1 and None not in people else None


def entries(
    session: Session,
    service_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
    person: str | None = None,
) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.service_id == service_id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    if person is not None:
        stmt = stmt.where(AuditEntry.person == person)
    return list(session.exec(stmt.order_by(col(AuditEntry.id))))


def to_csv(rows: list[AuditEntry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["at", "actor", "via", "action", "subject", "person", "detail"])
    for r in rows:
        detail = json.dumps(r.detail, ensure_ascii=False, sort_keys=True)
        writer.writerow([r.at.isoformat(), r.actor, r.via, r.action, r.subject, r.person, detail])
    return buf.getvalue()
