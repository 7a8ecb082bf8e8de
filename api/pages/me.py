"""An AMHP's own page: their published duties for the coming months, their
calendar subscription (Google, Outlook, Apple; https and webcal links with a copy
button) and their wanted / unwanted day requests. Laid out for a phone first."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import col, select

from amhp.core.states import RotaState
from amhp.notify.addresses import set_wants_email
from amhp.publish import tokens as feed_tokens
from amhp.publish.links import SUBSCRIBE_HELP, FeedLine
from amhp.rota.reader import read_export
from amhp.rota.swap import DutyRef, SwapRefused
from amhp.staff import leave_requests, swaps
from amhp.store.audit import AuditAction, record
from amhp.store.edits import EditRejected, add_item, item_key
from amhp.store.tables import LeaveRequestRow, RotaVersion, SwapRow
from api.deps import RowId, SessionDep, actor, load_definition
from api.pages.common import PageUser, field_errors, public_base, render
from api.pages.lead import months_from_today
from api.pages.my_requests import leave_text, staff_context
from api.pages.removal import Removal, RemovalForm, remove_from_page, revision_of

router = APIRouter(prefix="/app/me", include_in_schema=False)
DONE = {
    "saved": "Request saved.",
    "removed": "Request removed.",
    "swap-offered": "Swap offered: your colleague is asked to accept it, then the lead.",
    "swap-accepted": "Accepted: the swap now waits for the lead's approval.",
    "swap-declined": "Offer declined.",
    "swap-withdrawn": "Offer withdrawn.",
    "leave-requested": "Leave requested: the lead will approve or decline it.",
    "leave-withdrawn": "Leave request withdrawn.",
    "emails": "Email preference saved.",
}


def subscribe_links(line: FeedLine, base: str, name: str) -> dict[str, str]:
    https, webcal = line.https(base), line.webcal(base)
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        # Council staff use work accounts (Microsoft 365); outlook.com is personal.
        "outlook": "https://outlook.office.com/calendar/0/addfromweb?url="
        + quote(https, safe="")
        + "&name="
        + quote(name, safe=""),
        "outlook_com": "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(https, safe="")
        + "&name="
        + quote(name, safe=""),
        "apple": webcal,
    }


def my_duties(session, service_id: str, person: str, months: list[str]) -> list[dict]:
    out = []
    for rota in _published(session, service_id, months):
        doc = read_export(rota.export)
        for slot, shadow in doc.duties_of(person):
            out.append(
                {
                    "date": slot.date,
                    "shift": doc.shift_by_code[slot.shift].name,
                    "place": doc.shift_by_code[slot.shift].place,
                    "code": slot.shift,
                    "start": slot.start,
                    "end": slot.end,
                    "shadow": shadow,
                    "with": [doc.names[p] for p in slot.assigned if p != person],
                }
            )
    return sorted(out, key=lambda d: d["start"])


def colleagues_duties(session, service_id: str, person: str, months: list[str], today) -> list:
    """Colleagues' published duties still to come: what may be asked for in return."""
    out = []
    for rota in _published(session, service_id, months):
        doc = read_export(rota.export)
        for slot in doc.slots:
            if slot.date < today or person in slot.assigned:
                continue
            for other in slot.assigned:
                out.append(
                    {
                        "person": other,
                        "name": doc.names.get(other, other),
                        "date": slot.date,
                        "code": slot.shift,
                        "shift": doc.shift_by_code[slot.shift].name,
                    }
                )
    return sorted(out, key=lambda d: (d["name"], d["date"]))


def _published(session, service_id: str, months: list[str]) -> list[RotaVersion]:
    return session.exec(
        select(RotaVersion)
        .where(
            RotaVersion.service_id == service_id,
            RotaVersion.state == RotaState.PUBLISHED,
            col(RotaVersion.month).in_(months),
        )
        .order_by(RotaVersion.month)
    ).all()


def _practitioner(user) -> None:
    """Only a practitioner's account has this page (an admin or lead has none)."""
    if user.service_id is None or user.person_id is None:
        raise HTTPException(
            403, "this page is a practitioner's own; this account is not linked to one"
        )


def _page(request, session, user, status_code=200, errors=None, form=None, done=None):
    _practitioner(user)
    definition = load_definition(session, user.service_id)
    person = next((p for p in definition.practitioners if p.id == user.person_id), None)
    if person is None:
        raise HTTPException(404, f"no practitioner {user.person_id!r}")
    token = feed_tokens.ensure_token(session, user.service_id, "person", person.id)
    name = f"AMHP rota: {person.name}"
    line = FeedLine("person", person.id, token)
    requests = [
        (item_key("requests", r), r) for r in definition.requests if r.person == user.person_id
    ]
    months, today = months_from_today(3), date.today()
    duties = my_duties(session, user.service_id, person.id, months)
    others = colleagues_duties(session, user.service_id, person.id, months, today)
    return render(
        request,
        "me.html",
        user,
        status_code=status_code,
        person=person,
        service=definition,
        duties=duties,
        leave_text=leave_text,
        **staff_context(session, definition, person.id, duties, others, today),
        links=subscribe_links(line, public_base(request), name),
        help=SUBSCRIBE_HELP,
        requests=requests,
        revision=revision_of(session, user.service_id),
        errors=errors or {},
        form=form or {},
        message=DONE.get(done or ""),
    )


@router.get("", response_class=HTMLResponse)
def me(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return _page(request, session, user, done=request.query_params.get("done"))


@router.post("/requests", response_class=HTMLResponse)
def add_request(
    request: Request,
    session: SessionDep,
    user: PageUser,
    day: Annotated[str, Form()] = "",
    want: Annotated[str, Form()] = "false",
    shift: Annotated[str, Form()] = "",
):
    _practitioner(user)
    item: dict = {"person": user.person_id, "date": day, "want": want == "true"}
    if shift:
        item["shift"] = shift
    try:
        add_item(session, user.service_id, "requests", item, actor(user, "page"))
    except EditRejected as exc:
        session.rollback()
        errors = field_errors(exc.problems)
        return _page(request, session, user, 422, errors, {"day": day, "want": want})
    return RedirectResponse("/app/me?done=saved", status_code=303)


@router.post("/requests/remove", response_class=HTMLResponse)
def remove_request(
    request: Request,
    session: SessionDep,
    user: PageUser,
    form: RemovalForm,
):
    _practitioner(user)
    removal = Removal(
        user.service_id,
        "requests",
        action="/app/me/requests/remove",
        back="/app/me",
        describe=lambda r: f"your request for {r.date:%a %-d %b %Y}",
        mine=lambda r: r.person == user.person_id,
    )
    return remove_from_page(request, session, user, removal, form)


def _form_error(request, session, user, field: str, message: str, form: dict):
    session.rollback()
    return _page(request, session, user, 422, {field: message}, form)


@router.post("/swaps", response_class=HTMLResponse)
def offer_swap(
    request: Request,
    session: SessionDep,
    user: PageUser,
    give: Annotated[str, Form()] = "",
    colleague: Annotated[str, Form()] = "",
    take: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=500)] = "",
):
    """Offer one of my duties (``date|shift``) to a colleague, for one of theirs
    (``person|date|shift``) or for nothing."""
    _practitioner(user)
    form = {"give": give, "colleague": colleague, "take": take, "note": note}
    mine = _duty_ref(give)
    if mine is None:
        return _form_error(request, session, user, "give", "Choose one of your duties.", form)
    theirs = None
    if take:
        person, _, rest = take.partition("|")
        theirs = _duty_ref(rest)
        if theirs is None or person != colleague:
            message = "Choose a duty of the colleague you chose, or give the duty away."
            return _form_error(request, session, user, "take", message, form)
    proposal = swaps.Proposal(user.person_id, colleague, mine, theirs, note)
    try:
        swaps.propose(session, user.service_id, proposal, date.today(), actor(user, "page"))
    except SwapRefused as exc:
        field = exc.field if exc.field in ("give", "take", "colleague") else "give"
        return _form_error(request, session, user, field, f"Not possible: {exc}", form)
    return RedirectResponse("/app/me?done=swap-offered#swaps-h", status_code=303)


def _duty_ref(value: str) -> DutyRef | None:
    day, _, shift = value.partition("|")
    try:
        return DutyRef(date.fromisoformat(day), shift) if shift else None
    except ValueError:
        return None


@router.post("/swaps/{swap_id}/{step}", response_class=HTMLResponse)
def swap_step(request: Request, swap_id: RowId, step: str, session: SessionDep, user: PageUser):
    """accept / decline (the colleague), withdraw (the proposer)."""
    _practitioner(user)
    row = session.get(SwapRow, swap_id)
    if (
        row is None
        or row.service_id != user.service_id
        or user.person_id
        not in (
            row.proposer,
            row.colleague,
        )
    ):
        raise HTTPException(404, f"no swap {swap_id}")
    who = actor(user, "page")
    try:
        if step in ("accept", "decline"):
            swaps.respond(session, row, user.person_id, step == "accept", who)
        elif step == "withdraw":
            swaps.withdraw(session, row, user.person_id, who)
        else:
            raise HTTPException(404, f"no step {step!r}")
    except (SwapRefused, swaps.SwapNotAllowed) as exc:
        return _form_error(request, session, user, f"swap-{swap_id}", f"Not possible: {exc}", {})
    done = {"accept": "swap-accepted", "decline": "swap-declined"}.get(step, "swap-withdrawn")
    return RedirectResponse(f"/app/me?done={done}#swaps-h", status_code=303)


@router.post("/leave", response_class=HTMLResponse)
def ask_leave(
    request: Request,
    session: SessionDep,
    user: PageUser,
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "annual",
    note: Annotated[str, Form(max_length=500)] = "",
):
    _practitioner(user)
    form = {"start": start, "end": end or start, "kind": kind, "note": note}
    days = {}
    for field, value in (("start", start), ("end", end or start)):
        try:
            days[field] = date.fromisoformat(value)
        except ValueError:
            return _form_error(request, session, user, f"leave-{field}", "Enter a date.", form)
    try:
        leave_requests.request_leave(
            session,
            user.service_id,
            user.person_id,
            kind,
            days["start"],
            days["end"],
            note,
            date.today(),
            actor(user, "page"),
        )
    except leave_requests.LeaveRequestRefused as exc:
        return _form_error(request, session, user, f"leave-{exc.field}", str(exc), form)
    return RedirectResponse("/app/me?done=leave-requested#leave-h", status_code=303)


@router.post("/leave/{request_id}/withdraw", response_class=HTMLResponse)
def withdraw_leave(request: Request, request_id: RowId, session: SessionDep, user: PageUser):
    _practitioner(user)
    row = session.get(LeaveRequestRow, request_id)
    if row is None or row.service_id != user.service_id or row.person_id != user.person_id:
        raise HTTPException(404, f"no leave request {request_id}")
    try:
        leave_requests.withdraw(session, row, user.person_id, actor(user, "page"))
    except leave_requests.LeaveNotAllowed as exc:
        return _form_error(request, session, user, f"leave-{request_id}", str(exc), {})
    return RedirectResponse("/app/me?done=leave-withdrawn#leave-h", status_code=303)


@router.post("/emails", response_class=HTMLResponse)
def email_preference(session: SessionDep, user: PageUser, emails: Annotated[str, Form()] = "off"):
    _practitioner(user)
    on = emails == "on"
    set_wants_email(session, user.service_id, user.person_id, on)
    record(
        session,
        actor(user, "page"),
        AuditAction.MAIL_PREFERENCE,
        user.service_id,
        "email preference",
        user.person_id,
        {"emails": on},
    )
    return RedirectResponse("/app/me?done=emails#emails-h", status_code=303)
