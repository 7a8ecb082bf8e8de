"""The feeds of a service and their links, for the CLI and the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from amhp.publish import tokens as feed_tokens
from amhp.store.audit import SYSTEM, Actor, AuditAction, record
from amhp.store.db import transaction
from amhp.store.repository import NotFound
from amhp.store.tables import PractitionerRow, ServiceRow, ShiftTypeRow

SUBSCRIBE_HELP = {
    "google": "Google Calendar: Other calendars > + > From URL, paste the https link.",
    "outlook": "Outlook: Add calendar > Subscribe from web, paste the https link.",
    "apple": "Apple Calendar: open the webcal link (or File > New Calendar Subscription).",
}


@dataclass(frozen=True)
class FeedLine:
    kind: str
    subject: str
    token: str

    @property
    def path(self) -> str:
        return f"/feeds/{self.token}.ics"

    def https(self, base: str) -> str:
        return base.rstrip("/") + self.path

    def webcal(self, base: str) -> str:
        return "webcal://" + self.https(base).split("://", 1)[-1]


def feed_lines(
    service_id: str,
    reissue: str | None = None,
    revoke: str | None = None,
    actor: Actor = SYSTEM,
) -> list[FeedLine]:
    """The service's feed links; ``reissue`` or ``revoke`` one person's link first
    (written to the audit log)."""
    with transaction() as session:
        if session.get(ServiceRow, service_id) is None:
            raise NotFound(f"no service {service_id!r}")
        people = session.exec(
            select(PractitionerRow.person_id)
            .where(PractitionerRow.service_id == service_id)
            .order_by(PractitionerRow.position)
        ).all()
        changes = (
            (reissue, feed_tokens.reissue, AuditAction.FEED_REISSUED),
            (revoke, feed_tokens.revoke, AuditAction.FEED_REVOKED),
        )
        for who, change, logged in changes:
            if who is not None:
                if who not in people:
                    raise NotFound(f"no practitioner {who!r} in {service_id}")
                change(session, service_id, "person", who)
                record(session, actor, logged, service_id, f"feed of {who}", who)
        shifts = session.exec(
            select(ShiftTypeRow.code)
            .where(ShiftTypeRow.service_id == service_id)
            .order_by(ShiftTypeRow.position)
        ).all()
        wanted = [("service", service_id)] + [("shift", c) for c in shifts]
        wanted += [("person", p) for p in people if p != revoke]
        return [
            FeedLine(kind, subject, feed_tokens.ensure_token(session, service_id, kind, subject))
            for kind, subject in wanted
        ]
