"""The feeds of a service and their links, for the CLI and the API."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlmodel import select

from amhp.publish import tokens as feed_tokens
from amhp.store.audit import SYSTEM, Actor, AuditAction, record
from amhp.store.db import transaction
from amhp.store.repository import NotFound
from amhp.store.tables import PractitionerRow, ServiceRow, ShiftTypeRow

SUBSCRIBE_HELP = {
    "google": "Google Calendar: Other calendars > + > From URL, paste the https link.",
    "outlook": "Outlook (work account, Microsoft 365, or Outlook.com): Add calendar > "
    "Subscribe from web, paste the https link.",
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


def unreachable_warning(base: str) -> str | None:
    """Why links built on ``base`` would not work for staff (None when they would):
    a loopback address only this machine reaches, or plain http, which calendar
    services refuse or warn about."""
    host = urlsplit(base).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1") or host.startswith("127."):
        return (
            f"Calendar and email links point to {base}, which only this machine can "
            "reach. Set AMHP_PUBLIC_URL to the https address staff use."
        )
    if urlsplit(base).scheme != "https":
        return (
            f"Calendar and email links use plain http ({base}); Google and Microsoft 365 "
            "may refuse them. Set AMHP_PUBLIC_URL to the https address staff use."
        )
    return None
