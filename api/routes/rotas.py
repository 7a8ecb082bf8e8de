"""Rota versions: list, export (JSON amhp-rota/1, CSV, XLSX), explain, publish.
Practitioners see published versions only."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response
from sqlmodel import col, select

from amhp.core.months import MONTH_PATTERN
from amhp.core.states import RotaState
from amhp.notify.published import publish_and_tell
from amhp.rota.cover import NoSuchSlot
from amhp.rota.explain import explain as explained
from amhp.rota.export import to_csv, to_xlsx
from amhp.rota.privacy import export_for
from amhp.rota.reader import read_export
from amhp.runs import operations
from amhp.store import repository
from amhp.store.tables import RotaVersion, User
from api.deps import (
    LEAD,
    MANAGER,
    PRACTITIONER,
    SessionDep,
    UserDep,
    actor,
    current_user,
    rota_access,
    rota_visible,
    service_access,
)
from api.schemas import CoverIn, CoverOptionOut, CoverOut, RotaVersionOut

router = APIRouter(tags=["rotas"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _out(r: RotaVersion) -> RotaVersionOut:
    return RotaVersionOut(
        id=r.id,
        service_id=r.service_id,
        month=r.month,
        state=r.state,
        solve_status=r.solve_status,
        objective=r.objective,
        bound=r.bound,
        created_at=r.created_at,
        published_at=r.published_at,
        gaps=len(r.export.get("gaps", [])),
    )


ReadableRota = Annotated[RotaVersion, rota_access(current_user)]
LeadsRota = Annotated[RotaVersion, rota_access(current_user, LEAD)]


@router.get(
    "/services/{service_id}/rotas",
    response_model=list[RotaVersionOut],
    responses={401: {}, 404: {}},
)
def list_rotas(
    service_id: str,
    session: SessionDep,
    user: Annotated[User, service_access(current_user)],
    month: str | None = Query(default=None, pattern=MONTH_PATTERN),
):
    stmt = select(RotaVersion).where(RotaVersion.service_id == service_id)
    if month:
        stmt = stmt.where(RotaVersion.month == month)
    rotas = session.exec(stmt.order_by(col(RotaVersion.id).desc())).all()
    numbers, seen = {}, Counter()
    for r in reversed(rotas):  # oldest first: each month's versions count 1, 2, …
        seen[r.month] += 1
        numbers[r.id] = seen[r.month]
    return [
        _out(r).model_copy(update={"number": numbers[r.id]}) for r in rotas if rota_visible(user, r)
    ]


def visible_export(user: User, rota: RotaVersion) -> dict:
    """The stored export, or what a practitioner may see of it (no colleague's
    leave kind, only their own costs)."""
    return export_for(rota.export, user.person_id) if user.role == PRACTITIONER else rota.export


@router.get(
    "/rotas/{rota_id}",
    responses={
        200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}},
        401: {},
        404: {},
    },
)
def get_rota(
    rota: ReadableRota, user: UserDep, format: Literal["json", "csv", "xlsx"] = "json"
) -> Response:
    name = f"{rota.service_id}-{rota.month}-v{rota.id}"
    export = visible_export(user, rota)
    if format == "csv":
        return Response(
            to_csv(export),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if format == "xlsx":
        return Response(
            to_xlsx(export),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return Response(json.dumps(export), media_type="application/json")


@router.get("/rotas/{rota_id}/explain", responses={401: {}, 404: {}})
def explain(
    rota: ReadableRota, user: UserDep, person: str | None = None, date: dt.date | None = None
) -> dict:
    """Gaps with their causes and soft-rule costs, filtered to a person and/or date."""
    doc = read_export(visible_export(user, rota))
    try:
        found = explained(doc, person, date)
    except KeyError as exc:
        raise HTTPException(404, str(exc.args[0])) from None
    return {
        "gaps": [g.model_dump(mode="json") for g in found.gaps],
        "composition_gaps": [g.model_dump(mode="json") for g in found.composition_gaps],
        "penalties": [p.model_dump(mode="json") for p in found.penalties],
    }


@router.post(
    "/rotas/{rota_id}/publish",
    response_model=RotaVersionOut,
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def publish(rota: LeadsRota, session: SessionDep, user: UserDep) -> RotaVersionOut:
    if rota.state != RotaState.DRAFT:
        raise HTTPException(409, f"rota {rota.id} is {rota.state}, not a draft")
    try:
        published = publish_and_tell(session, rota.service_id, rota.month, actor(user))
    except repository.NotFound as exc:
        raise HTTPException(409, str(exc)) from None
    if published.id != rota.id:
        raise HTTPException(409, f"rota {rota.id} is not the latest draft of {rota.month}")
    return _out(published)


@router.get(
    "/services/{service_id}/cover",
    response_model=CoverOut,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
def who_can_cover(
    service_id: str,
    date: dt.date,
    shift: str,
    _user: Annotated[User, service_access(current_user, LEAD, MANAGER)],
) -> CoverOut:
    """Who could take ``shift`` on ``date`` in the month's latest version: everyone
    who can, cheapest first with what it costs by rule; everyone else with why not."""
    try:
        rota_id, options = operations.cover_for(service_id, date, shift)
    except repository.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except NoSuchSlot as exc:
        raise HTTPException(422, _field_error(["query", exc.field], str(exc))) from None
    return CoverOut(
        rota_id=rota_id,
        date=date,
        shift=shift,
        options=[CoverOptionOut.model_validate(o, from_attributes=True) for o in options],
    )


@router.post(
    "/rotas/{rota_id}/cover",
    response_model=RotaVersionOut,
    status_code=201,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
def assign_cover(rota: LeadsRota, body: CoverIn, user: UserDep) -> RotaVersionOut:
    """A new draft: this version with one more person on a shift (refused, naming
    the reason, when it would break a hard rule)."""
    try:
        draft = operations.assign_cover(rota.id, body.person, body.date, body.shift, actor(user))
    except NoSuchSlot as exc:
        raise HTTPException(422, _field_error(["body", exc.field], str(exc))) from None
    except ValueError as exc:
        raise HTTPException(422, _field_error(["body", "person"], str(exc))) from None
    return _out(draft)


def _field_error(loc: list[str], msg: str) -> list[dict]:
    return [{"loc": loc, "msg": msg, "type": "value_error"}]
