"""Leave requests: ``/services/{id}/leave-requests``. A practitioner asks for leave
(annual, training, other; sickness is the lead's to report) and sees their own
requests; the lead sees every request, its cover impact, and approves (it becomes
the service's leave, with a repair offered for each published month it touches) or
declines with a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, HTTPException

from amhp.staff import leave_requests as leave
from amhp.store.edits import EditRejected
from amhp.store.tables import LeaveRequestRow, User
from api.deps import (
    ADMIN,
    LEAD,
    MANAGER,
    PRACTITIONER,
    RowId,
    SessionDep,
    actor,
    current_user,
    service_access,
)
from api.schemas import (
    DecisionIn,
    DutyImpactOut,
    LeaveDecisionOut,
    LeaveImpactOut,
    LeaveRequestIn,
    LeaveRequestOut,
    RepairOffer,
)

router = APIRouter(tags=["leave requests"])
Member = Annotated[User, service_access(current_user)]
RESPONSES = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


def request_out(row: LeaveRequestRow) -> LeaveRequestOut:
    return LeaveRequestOut(
        id=row.id,
        service_id=row.service_id,
        person=row.person_id,
        kind=row.kind,
        start=row.start,
        end=row.end,
        note=row.note,
        state=row.state,
        decision_note=row.decision_note,
        decided_by=row.decided_by,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


@contextmanager
def leave_errors() -> Iterator[None]:
    try:
        yield
    except leave.LeaveRequestRefused as exc:
        detail = [{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]
        raise HTTPException(422, detail) from None
    except EditRejected as exc:
        detail = [
            {"loc": ["body", *loc], "msg": msg, "type": "value_error", "path": path}
            for loc, path, msg in exc.problems
        ]
        raise HTTPException(422, detail) from None
    except leave.LeaveNotAllowed as exc:
        raise HTTPException(409, str(exc)) from None


def _request(session, user: User, service_id: str, request_id: int) -> LeaveRequestRow:
    row = session.get(LeaveRequestRow, request_id)
    own = row is not None and row.person_id == user.person_id
    if row is None or row.service_id != service_id or (user.role == PRACTITIONER and not own):
        raise HTTPException(404, f"no leave request {request_id}")
    return row


def _lead(user: User) -> None:
    if user.role not in (LEAD, ADMIN):
        raise HTTPException(403, f"a {user.role} may not decide leave")


@router.post(
    "/services/{service_id}/leave-requests",
    status_code=201,
    response_model=LeaveRequestOut,
    responses=RESPONSES,
)
def ask(service_id: str, body: LeaveRequestIn, session: SessionDep, user: Member):
    if user.role == PRACTITIONER:
        if body.person not in (None, user.person_id):
            raise HTTPException(403, "a practitioner may request only their own leave")
        person = user.person_id
    elif user.role in (LEAD, ADMIN) and body.person:
        person = body.person
    else:
        raise HTTPException(403, f"a {user.role} may not request leave here")
    with leave_errors():
        row = leave.request_leave(
            session,
            service_id,
            person,
            body.kind,
            body.start,
            body.end,
            body.note,
            dt.date.today(),
            actor(user),
        )
    return request_out(row)


@router.get(
    "/services/{service_id}/leave-requests",
    response_model=list[LeaveRequestOut],
    responses=RESPONSES,
)
def list_requests(service_id: str, session: SessionDep, user: Member):
    if user.role not in (PRACTITIONER, LEAD, MANAGER, ADMIN):
        raise HTTPException(403, f"a {user.role} may not see leave requests")
    mine = user.person_id if user.role == PRACTITIONER else None
    return [request_out(r) for r in leave.requests_for(session, service_id, mine)]


@router.get(
    "/services/{service_id}/leave-requests/{request_id}/impact",
    response_model=LeaveImpactOut,
    responses=RESPONSES,
)
def impact(service_id: str, request_id: RowId, session: SessionDep, user: Member):
    """The requester's published duties in those dates and who could take each."""
    _lead(user)
    row = _request(session, user, service_id, request_id)
    found = leave.impact(session, row)
    duties = [
        DutyImpactOut(
            date=d.date, shift=d.shift, month=d.month, could_take=list(d.could_take), gap=d.gap
        )
        for d in found.duties
    ]
    return LeaveImpactOut(
        request=request_out(row), duties=duties, gaps=found.gaps, months=found.months
    )


def _decide(service_id, request_id, session, user, approve: bool, body: DecisionIn | None):
    _lead(user)
    row = _request(session, user, service_id, request_id)
    with leave_errors():
        decided = leave.decide(session, row, approve, body.note if body else "", actor(user))
    offers = [
        RepairOffer(month=m, how=f'POST /services/{service_id}/repairs {{"month": "{m}"}}')
        for m in decided.repair_months
    ]
    return LeaveDecisionOut(request=request_out(row), repair_offers=offers)


@router.post(
    "/services/{service_id}/leave-requests/{request_id}/approve",
    response_model=LeaveDecisionOut,
    responses=RESPONSES,
)
def approve(
    service_id: str,
    request_id: RowId,
    session: SessionDep,
    user: Member,
    body: DecisionIn | None = None,
):
    return _decide(service_id, request_id, session, user, True, body)


@router.post(
    "/services/{service_id}/leave-requests/{request_id}/decline",
    response_model=LeaveDecisionOut,
    responses=RESPONSES,
)
def decline(
    service_id: str,
    request_id: RowId,
    session: SessionDep,
    user: Member,
    body: DecisionIn | None = None,
):
    return _decide(service_id, request_id, session, user, False, body)


@router.post(
    "/services/{service_id}/leave-requests/{request_id}/withdraw",
    response_model=LeaveRequestOut,
    responses=RESPONSES,
)
def withdraw(service_id: str, request_id: RowId, session: SessionDep, user: Member):
    row = _request(session, user, service_id, request_id)
    if row.person_id != user.person_id:
        raise HTTPException(403, "only the person who asked may withdraw it")
    with leave_errors():
        leave.withdraw(session, row, user.person_id, actor(user))
    return request_out(row)
