"""The outbox: an email is a row written in the same transaction as the change it
reports, so it exists exactly when that change committed, and is never sent from
inside a request. The sender claims due rows, one process at a time per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from amhp.core.states import MailState
from amhp.notify.addresses import address_of, wants_email
from amhp.service.model import ServiceDefinition
from amhp.store.audit import AuditAction
from amhp.store.tables import AuditEntry, MailRow


@dataclass
class Recipients:
    """Who an announcement reached the outbox for, and who it could not reach."""

    queued: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    emails_off: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "queued": self.queued,
            "no_address": self.no_address,
            "emails_off": self.emails_off,
        }


def queue_for(
    session: Session,
    definition: ServiceDefinition,
    person: str,
    subject: str,
    body: str,
    topic: str,
    recipients: Recipients | None = None,
) -> MailRow | None:
    """Queue one email to ``person``, unless they switched emails off or have no
    address (then ``recipients`` says so)."""
    recipients = recipients if recipients is not None else Recipients()
    service_id = definition.service.id
    if not wants_email(session, service_id, person):
        recipients.emails_off.append(person)
        return None
    to = address_of(session, definition, person)
    if to is None:
        recipients.no_address.append(person)
        return None
    row = MailRow(
        service_id=service_id,
        person_id=person,
        to_address=to,
        subject=subject,
        body=body,
        topic=topic,
    )
    session.add(row)
    recipients.queued.append(person)
    return row


def due(session: Session, now: datetime, limit: int = 20) -> list[int]:
    stmt = (
        select(MailRow.id)
        .where(MailRow.state == MailState.QUEUED, col(MailRow.next_attempt_at) <= now)
        .order_by(MailRow.id)
        .limit(limit)
    )
    return list(session.exec(stmt))


def claim(session: Session, mail_id: int, now: datetime, lease: timedelta) -> bool:
    """Take a due email for ``lease`` (another process then skips it); True when
    this caller got it."""
    result = session.exec(
        update(MailRow)
        .where(
            col(MailRow.id) == mail_id,
            col(MailRow.state) == MailState.QUEUED,
            col(MailRow.next_attempt_at) <= now,
        )
        .values(next_attempt_at=now + lease)
    )
    return result.rowcount == 1


def mails(session: Session, service_id: str, limit: int = 200) -> list[MailRow]:
    stmt = select(MailRow).where(MailRow.service_id == service_id)
    return list(session.exec(stmt.order_by(col(MailRow.id).desc()).limit(limit)))


def last_publication(session: Session, service_id: str) -> dict:
    """Who the newest publication's emails were queued for, and who not (no
    address, emails off): the audit entry ``publish_and_tell`` wrote."""
    entry = session.exec(
        select(AuditEntry)
        .where(AuditEntry.service_id == service_id, AuditEntry.action == AuditAction.MAIL_QUEUED)
        .order_by(col(AuditEntry.id).desc())
    ).first()
    return entry.detail if entry else {}
