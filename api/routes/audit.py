"""The audit log of a service: who changed what and when, for its lead and manager;
filterable by date and person, as JSON or CSV. Read-only: there is no route that
changes or removes an entry."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Response

from amhp.store import audit
from amhp.store.tables import ServiceRow, User
from api.deps import LEAD, MANAGER, SessionDep, current_user, service_access
from api.schemas import AuditOut

router = APIRouter(tags=["audit"])
Reader = Annotated[User, service_access(current_user, LEAD, MANAGER)]


@router.get(
    "/services/{service_id}/audit",
    response_model=list[AuditOut],
    responses={200: {"content": {"text/csv": {}}}, 401: {}, 403: {}, 404: {}, 422: {}},
)
def audit_log(
    service_id: str,
    session: SessionDep,
    _user: Reader,
    since: dt.date | None = None,
    until: dt.date | None = None,
    person: str | None = None,
    format: Literal["json", "csv"] = "json",
):
    """Entries from ``since`` up to and including ``until`` (dates, UTC), oldest first."""
    if session.get(ServiceRow, service_id) is None:
        raise HTTPException(404, f"no service {service_id!r}")
    start = dt.datetime.combine(since, dt.time(), dt.UTC) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC) if until else None
    rows = audit.entries(session, service_id, start, end, person)
    if format == "csv":
        name = f"{service_id}-audit.csv"
        return Response(
            audit.to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return [AuditOut.model_validate(r, from_attributes=True) for r in rows]
