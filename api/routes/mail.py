"""Email: the outbox of a service for its lead (what was sent, what waits, what
failed and why, who could not be told), and a practitioner's own preference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException

from amhp.notify import outbox
from amhp.notify.addresses import set_wants_email, wants_email
from amhp.store.audit import AuditAction, record
from amhp.store.tables import User
from api.deps import LEAD, PRACTITIONER, SessionDep, actor, current_user, service_access
from api.schemas import MailOut, MailPreferenceIn

router = APIRouter(tags=["mail"])
Leads = Annotated[User, service_access(current_user, LEAD)]
Member = Annotated[User, service_access(current_user)]


@router.get("/services/{service_id}/mail", responses={401: {}, 403: {}, 404: {}})
def mail(service_id: str, session: SessionDep, _user: Leads) -> dict:
    """The newest emails, and for the newest publication who was not notified."""
    rows = outbox.mails(session, service_id)
    told = outbox.last_publication(session, service_id)
    return {
        "mails": [
            MailOut.model_validate(r, from_attributes=True).model_dump(mode="json") for r in rows
        ],
        "last_publication": {
            "rota_id": told.get("rota_id"),
            "queued": told.get("queued", []),
            "no_address": told.get("no_address", []),
            "emails_off": told.get("emails_off", []),
        },
    }


@router.get("/services/{service_id}/mail/preference", responses={401: {}, 403: {}, 404: {}})
def my_preference(service_id: str, session: SessionDep, user: Member) -> dict:
    if user.role != PRACTITIONER:
        raise HTTPException(403, "only a practitioner's account has an email preference")
    return {"emails": wants_email(session, service_id, user.person_id)}


@router.put("/services/{service_id}/mail/preference", responses={401: {}, 403: {}, 404: {}})
def set_preference(
    service_id: str, body: MailPreferenceIn, session: SessionDep, user: Member
) -> dict:
    if user.role != PRACTITIONER:
        raise HTTPException(403, "only a practitioner's account has an email preference")
    set_wants_email(session, service_id, user.person_id, body.emails)
    record(
        session,
        actor(user),
        AuditAction.MAIL_PREFERENCE,
        service_id,
        "email preference",
        user.person_id,
        {"emails": body.emails},
    )
    return {"emails": body.emails}
