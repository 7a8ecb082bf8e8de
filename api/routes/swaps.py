"""Swaps and give-aways: ``/services/{id}/swaps``. A practitioner proposes from
their own duties and answers offers made to them; the lead approves or refuses
(approval publishes the swapped version). Practitioners see only the swaps they
are in. A swap that breaks a rule is 422 naming the rule and the person; one that
no longer fits the published rota is refused on approval (409), never applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from amhp.rota.swap import DutyRef, SwapRefused
from amhp.staff import swaps
from amhp.store.tables import SwapRow, User
from api.deps import (
    ADMIN,
    LEAD,
    PRACTITIONER,
    RowId,
    SessionDep,
    actor,
    current_user,
    service_access,
)
from api.schemas import DecisionIn, DutyIn, SwapIn, SwapOut

router = APIRouter(tags=["swaps"])
Member = Annotated[User, service_access(current_user)]
Decision = DecisionIn | None
RESPONSES = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


def swap_out(row: SwapRow) -> SwapOut:
    take = DutyIn(date=row.take_date, shift=row.take_shift) if row.take_date else None
    return SwapOut(
        id=row.id,
        service_id=row.service_id,
        month=row.month,
        rota_id=row.rota_id,
        proposer=row.proposer,
        colleague=row.colleague,
        give=DutyIn(date=row.give_date, shift=row.give_shift),
        take=take,
        note=row.note,
        state=row.state,
        cost=row.cost or {},
        decision_note=row.decision_note,
        result_rota_id=row.result_rota_id,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


@contextmanager
def swap_errors() -> Iterator[None]:
    """A broken rule: 422 naming the rule and the person; a step out of turn: 409."""
    try:
        yield
    except SwapRefused as exc:
        loc = ["body", exc.field] if exc.field else ["body"]
        detail = [
            {
                "loc": loc,
                "msg": str(exc),
                "type": "swap_refused",
                "rule": exc.rule,
                "person": exc.person,
            }
        ]
        raise HTTPException(422, detail) from None
    except swaps.SwapNotAllowed as exc:
        raise HTTPException(409, str(exc)) from None


def _swap(session, user: User, service_id: str, swap_id: int) -> SwapRow:
    """The swap, if the caller may see it (its parties, or the service's staff who
    are not practitioners); else 404."""
    row = session.get(SwapRow, swap_id)
    party = row is not None and user.person_id in (row.proposer, row.colleague)
    if row is None or row.service_id != service_id or (user.role == PRACTITIONER and not party):
        raise HTTPException(404, f"no swap {swap_id}")
    return row


def _person(user: User, given: str | None) -> str:
    """Who acts as a party: a practitioner is themselves; a lead names someone."""
    if user.role == PRACTITIONER:
        if given not in (None, user.person_id):
            raise HTTPException(403, "a practitioner may propose only their own duties")
        return user.person_id
    if user.role not in (LEAD, ADMIN):
        raise HTTPException(403, f"a {user.role} may not do this")
    if given is None:
        raise HTTPException(
            422, [{"loc": ["body", "proposer"], "msg": "name the proposer", "type": "missing"}]
        )
    return given


@router.post(
    "/services/{service_id}/swaps", status_code=201, response_model=SwapOut, responses=RESPONSES
)
def propose(service_id: str, body: SwapIn, session: SessionDep, user: Member) -> SwapOut:
    proposer = _person(user, body.proposer)
    take = DutyRef(body.take.date, body.take.shift) if body.take else None
    proposal = swaps.Proposal(
        proposer, body.colleague, DutyRef(body.give.date, body.give.shift), take, body.note
    )
    with swap_errors():
        row = swaps.propose(session, service_id, proposal, dt.date.today(), actor(user))
    return swap_out(row)


@router.get("/services/{service_id}/swaps", response_model=list[SwapOut], responses=RESPONSES)
def list_swaps(service_id: str, session: SessionDep, user: Member) -> list[SwapOut]:
    swaps.expire_past(session, service_id, dt.date.today())
    mine = user.person_id if user.role == PRACTITIONER else None
    return [swap_out(r) for r in swaps.swaps_for(session, service_id, mine)]


@router.get("/services/{service_id}/swaps/{swap_id}", response_model=SwapOut, responses=RESPONSES)
def get_swap(service_id: str, swap_id: RowId, session: SessionDep, user: Member) -> SwapOut:
    swaps.expire_past(session, service_id, dt.date.today())
    return swap_out(_swap(session, user, service_id, swap_id))


def _answer(service_id, swap_id, session, user, accept: bool) -> SwapOut:
    swaps.expire_past(session, service_id, dt.date.today())
    row = _swap(session, user, service_id, swap_id)
    if user.person_id != row.colleague:
        raise HTTPException(403, "only the colleague it was offered to may answer")
    with swap_errors():
        swaps.respond(session, row, user.person_id, accept, actor(user))
    return swap_out(row)


@router.post(
    "/services/{service_id}/swaps/{swap_id}/accept", response_model=SwapOut, responses=RESPONSES
)
def accept(service_id: str, swap_id: RowId, session: SessionDep, user: Member) -> SwapOut:
    return _answer(service_id, swap_id, session, user, True)


@router.post(
    "/services/{service_id}/swaps/{swap_id}/decline", response_model=SwapOut, responses=RESPONSES
)
def decline(service_id: str, swap_id: RowId, session: SessionDep, user: Member) -> SwapOut:
    return _answer(service_id, swap_id, session, user, False)


def _decide(service_id, swap_id, session, user, approve: bool, body: DecisionIn | None):
    if user.role not in (LEAD, ADMIN):
        raise HTTPException(403, f"a {user.role} may not approve swaps")
    swaps.expire_past(session, service_id, dt.date.today())
    row = _swap(session, user, service_id, swap_id)
    with swap_errors():
        decision = swaps.decide(session, row, approve, body.note if body else "", actor(user))
    if decision.stale is not None:
        # The refusal is kept (committed with this answer), so 409 is returned, not raised.
        content = {"detail": decision.stale, "swap": swap_out(row).model_dump(mode="json")}
        return JSONResponse(status_code=409, content=content)
    return swap_out(row)


@router.post(
    "/services/{service_id}/swaps/{swap_id}/approve", response_model=SwapOut, responses=RESPONSES
)
def approve(
    service_id: str,
    swap_id: RowId,
    session: SessionDep,
    user: Member,
    body: DecisionIn | None = None,
):
    return _decide(service_id, swap_id, session, user, True, body)


@router.post(
    "/services/{service_id}/swaps/{swap_id}/refuse", response_model=SwapOut, responses=RESPONSES
)
def refuse(
    service_id: str,
    swap_id: RowId,
    session: SessionDep,
    user: Member,
    body: DecisionIn | None = None,
):
    return _decide(service_id, swap_id, session, user, False, body)


@router.post(
    "/services/{service_id}/swaps/{swap_id}/withdraw", response_model=SwapOut, responses=RESPONSES
)
def withdraw(service_id: str, swap_id: RowId, session: SessionDep, user: Member) -> SwapOut:
    row = _swap(session, user, service_id, swap_id)
    if user.person_id != row.proposer:
        raise HTTPException(403, "only the person who proposed it may withdraw it")
    with swap_errors():
        swaps.withdraw(session, row, user.person_id, actor(user))
    return swap_out(row)
