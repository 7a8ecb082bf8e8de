"""Where a person's emails go, and whether they want them."""

from __future__ import annotations

from sqlmodel import Session, select

from amhp.service.model import ServiceDefinition
from amhp.store.tables import MailPreference, User


def address_of(session: Session, definition: ServiceDefinition, person: str) -> str | None:
    """The practitioner's own email in the service, else the email of the login
    linked to them; None when they have neither."""
    found = next((p for p in definition.practitioners if p.id == person), None)
    if found is not None and found.email:
        return found.email
    login = session.exec(
        select(User).where(User.service_id == definition.service.id, User.person_id == person)
    ).first()
    return login.email if login else None


def wants_email(session: Session, service_id: str, person: str) -> bool:
    pref = session.get(MailPreference, (service_id, person))
    return pref is None or pref.emails


def set_wants_email(session: Session, service_id: str, person: str, emails: bool) -> None:
    pref = session.get(MailPreference, (service_id, person)) or MailPreference(
        service_id=service_id, person_id=person
    )
    pref.emails = emails
    session.add(pref)
