"""Rota versions: list, export (JSON amhp-rota/1, CSV, XLSX), explain, publish.
Practitioners see published versions only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Response
from sqlmodel import col, select

from amhp.rota.explain import explain as explained
from amhp.rota.export import to_csv, to_xlsx
from amhp.rota.reader import read_export
from amhp.store import repository
from amhp.store.tables import RotaVersion
from api.deps import RowId, SessionDep, UserDep, require_read, require_role
from api.schemas import RotaVersionOut

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


def _visible(user, rota: RotaVersion) -> bool:
    return user.role != "practitioner" or rota.published_at is not None


@router.get(
    "/services/{service_id}/rotas",
    response_model=list[RotaVersionOut],
    responses={401: {}, 404: {}},
)
def list_rotas(
    service_id: str,
    session: SessionDep,
    user: UserDep,
    month: str | None = Query(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
):
    require_read(user, service_id)
    stmt = select(RotaVersion).where(RotaVersion.service_id == service_id)
    if month:
        stmt = stmt.where(RotaVersion.month == month)
    rotas = session.exec(stmt.order_by(col(RotaVersion.id).desc())).all()
    return [_out(r) for r in rotas if _visible(user, r)]


def _rota(session, user, rota_id: int) -> RotaVersion:
    rota = session.get(RotaVersion, rota_id)
    if (
        rota is None
        or (user.role != "admin" and user.service_id != rota.service_id)
        or (not _visible(user, rota))
    ):
        raise HTTPException(404, f"no rota {rota_id}")
    return rota


@router.get(
    "/rotas/{rota_id}",
    responses={
        200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}},
        401: {},
        404: {},
    },
)
def get_rota(
    rota_id: RowId,
    session: SessionDep,
    user: UserDep,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Response:
    rota = _rota(session, user, rota_id)
    name = f"{rota.service_id}-{rota.month}-v{rota.id}"
    if format == "csv":
        return Response(
            to_csv(rota.export),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if format == "xlsx":
        return Response(
            to_xlsx(rota.export),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return Response(json.dumps(rota.export), media_type="application/json")


@router.get("/rotas/{rota_id}/explain", responses={401: {}, 404: {}})
def explain(
    rota_id: RowId,
    session: SessionDep,
    user: UserDep,
    person: str | None = None,
    date: dt.date | None = None,
) -> dict:
    """Gaps with their causes and soft-rule costs, filtered to a person and/or date."""
    doc = read_export(_rota(session, user, rota_id).export)
    try:
        found = explained(doc, person, date)
    except KeyError as exc:
        raise HTTPException(404, str(exc.args[0])) from None
    return {
        "gaps": [g.model_dump(mode="json") for g in found.gaps],
        "penalties": [p.model_dump(mode="json") for p in found.penalties],
    }


@router.post(
    "/rotas/{rota_id}/publish",
    response_model=RotaVersionOut,
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def publish(rota_id: RowId, session: SessionDep, user: UserDep) -> RotaVersionOut:
    rota = _rota(session, user, rota_id)
    require_role(user, rota.service_id, "lead")
    if rota.state != "draft":
        raise HTTPException(409, f"rota {rota_id} is {rota.state}, not a draft")
    try:
        published = repository.publish(session, rota.service_id, rota.month)
    except repository.NotFound as exc:
        raise HTTPException(409, str(exc)) from None
    if published.id != rota.id:
        raise HTTPException(409, f"rota {rota_id} is not the latest draft of {rota.month}")
    return _out(published)
