"""The lead's approvals: swaps both AMHPs agreed (with what each costs under the
soft rules), and leave requests (with each published duty they touch and who could
take it). Approving leave on a published month offers that month's repair."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from amhp.core.states import LeaveRequestState, MailState, SwapState
from amhp.notify import outbox
from amhp.rota.swap import SwapRefused
from amhp.staff import leave_requests, swaps
from amhp.store.tables import LeaveRequestRow, SwapRow, User
from api.deps import LEAD, RowId, SessionDep, actor, load_definition, service_access
from api.pages.common import page_user, render
from api.pages.my_requests import leave_text, swap_lines

router = APIRouter(prefix="/app/services/{service_id}/approvals", include_in_schema=False)
Editor = Annotated[User, service_access(page_user, LEAD)]
DONE = {
    "swap-approved": "Swap approved and published; the two AMHPs are emailed their changes.",
    "swap-refused": "Swap refused.",
    "leave-declined": "Leave request declined.",
    "leave-approved": "Leave approved and added to the service's leave.",
}


def _page(
    request: Request,
    session: Session,
    user: User,
    service_id: str,
    message=None,
    repair: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    definition = load_definition(session, service_id)
    swaps.expire_past(session, service_id, dt.date.today())
    waiting = [r for r in swaps.swaps_for(session, service_id) if r.state == SwapState.ACCEPTED]
    pending = [
        (r, leave_requests.impact(session, r))
        for r in leave_requests.requests_for(session, service_id)
        if r.state == LeaveRequestState.PENDING
    ]
    names = {p.id: p.name for p in definition.practitioners}
    told = outbox.last_publication(session, service_id)
    failed = [m for m in outbox.mails(session, service_id) if m.state == MailState.FAILED]
    return render(
        request,
        "approvals.html",
        user,
        status_code=status_code,
        service=definition,
        swaps=swap_lines(definition, waiting, ""),
        pending=pending,
        names=names,
        leave_text=leave_text,
        message=message,
        repair=repair or [],
        told=told,
        failed_mail=failed,
    )


@router.get("", response_class=HTMLResponse)
def approvals(request: Request, service_id: str, session: SessionDep, user: Editor):
    done = request.query_params.get("done", "")
    repair = [m for m in request.query_params.getlist("repair") if len(m) == 7]
    return _page(request, session, user, service_id, DONE.get(done), repair)


def _swap(session: Session, service_id: str, swap_id: int) -> SwapRow:
    row = session.get(SwapRow, swap_id)
    if row is None or row.service_id != service_id:
        raise HTTPException(404, f"no swap {swap_id}")
    return row


@router.post("/swaps/{swap_id}", response_class=HTMLResponse)
def decide_swap(
    request: Request,
    service_id: str,
    swap_id: RowId,
    session: SessionDep,
    user: Editor,
    decision: Annotated[str, Form(pattern="^(approve|refuse)$")],
    note: Annotated[str, Form(max_length=500)] = "",
):
    row = _swap(session, service_id, swap_id)
    try:
        result = swaps.decide(session, row, decision == "approve", note, actor(user, "page"))
    except (SwapRefused, swaps.SwapNotAllowed) as exc:
        session.rollback()
        return _page(request, session, user, service_id, f"Not possible: {exc}", status_code=409)
    if result.stale is not None:
        # The refusal is kept: a page, not an error, so the transaction commits.
        return _page(request, session, user, service_id, f"Refused: the swap {result.stale}")
    done = "swap-approved" if decision == "approve" else "swap-refused"
    return RedirectResponse(f"/app/services/{service_id}/approvals?done={done}", status_code=303)


@router.post("/leave/{request_id}", response_class=HTMLResponse)
def decide_leave(
    request: Request,
    service_id: str,
    request_id: RowId,
    session: SessionDep,
    user: Editor,
    decision: Annotated[str, Form(pattern="^(approve|decline)$")],
    note: Annotated[str, Form(max_length=500)] = "",
):
    row = session.get(LeaveRequestRow, request_id)
    if row is None or row.service_id != service_id:
        raise HTTPException(404, f"no leave request {request_id}")
    try:
        decided = leave_requests.decide(
            session, row, decision == "approve", note, actor(user, "page")
        )
    except leave_requests.LeaveNotAllowed as exc:
        session.rollback()
        return _page(request, session, user, service_id, f"Not possible: {exc}", status_code=409)
    if decision == "decline":
        url = f"/app/services/{service_id}/approvals?done=leave-declined"
    else:
        months = "".join(f"&repair={m}" for m in decided.repair_months)
        url = f"/app/services/{service_id}/approvals?done=leave-approved{months}"
    return RedirectResponse(url, status_code=303)
