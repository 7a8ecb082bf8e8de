"""An AMHP's own page: their published duties for the coming months, their
calendar subscription (Google, Outlook, Apple; https and webcal links with a copy
button) and their wanted / unwanted day requests. Laid out for a phone first."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import col, select

from amhp.core.settings import settings
from amhp.core.states import RotaState
from amhp.publish import tokens as feed_tokens
from amhp.publish.links import SUBSCRIBE_HELP, FeedLine
from amhp.rota.reader import read_export
from amhp.store.edits import EditRejected, add_item, item_key
from amhp.store.tables import RotaVersion
from api.deps import SessionDep, actor, load_definition
from api.pages.common import PageUser, field_errors, render
from api.pages.lead import months_from_today
from api.pages.removal import Removal, RemovalForm, remove_from_page, revision_of

router = APIRouter(prefix="/app/me", include_in_schema=False)


def public_base(request: Request) -> str:
    """Links handed out must work from outside: AMHP_PUBLIC_URL when the server
    sits behind a proxy, else the address this request came to."""
    return settings().public_url or str(request.base_url)


def subscribe_links(line: FeedLine, base: str, name: str) -> dict[str, str]:
    https, webcal = line.https(base), line.webcal(base)
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(https, safe="")
        + "&name="
        + quote(name, safe=""),
        "apple": webcal,
    }


def my_duties(session, service_id: str, person: str, months: list[str]) -> list[dict]:
    rotas = session.exec(
        select(RotaVersion)
        .where(
            RotaVersion.service_id == service_id,
            RotaVersion.state == RotaState.PUBLISHED,
            col(RotaVersion.month).in_(months),
        )
        .order_by(RotaVersion.month)
    ).all()
    out = []
    for rota in rotas:
        doc = read_export(rota.export)
        for slot, shadow in doc.duties_of(person):
            out.append(
                {
                    "date": slot.date,
                    "shift": doc.shift_by_code[slot.shift].name,
                    "code": slot.shift,
                    "start": slot.start,
                    "end": slot.end,
                    "shadow": shadow,
                    "with": [doc.names[p] for p in slot.assigned if p != person],
                }
            )
    return sorted(out, key=lambda d: d["start"])


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
    return render(
        request,
        "me.html",
        user,
        status_code=status_code,
        person=person,
        service=definition,
        duties=my_duties(session, user.service_id, person.id, months_from_today(3)),
        links=subscribe_links(line, public_base(request), name),
        help=SUBSCRIBE_HELP,
        requests=requests,
        revision=revision_of(session, user.service_id),
        errors=errors or {},
        form=form or {},
        message={"saved": "Request saved.", "removed": "Request removed."}.get(done or ""),
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
