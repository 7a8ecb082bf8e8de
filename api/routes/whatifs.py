"""What-if runs over HTTP: submit a scenario file for a service (validated at
once: 422 names scenario, change and field), watch its progress, read the
``amhp-whatif/1`` result, cancel it. Leads and managers of the service."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from amhp.runs.whatif_jobs import submit_run
from amhp.service.file import ServiceFileError
from amhp.store.tables import ServiceRow, WhatIfRun
from api.deps import RowId, SessionDep, UserDep, require_role
from api.schemas import WhatIfOut, WhatIfRequest

router = APIRouter(tags=["what-if"])
ROLES = ("lead", "manager")


def _out(run: WhatIfRun, with_result: bool = False) -> WhatIfOut:
    out = WhatIfOut.model_validate(run, from_attributes=True)
    return out if with_result else out.model_copy(update={"result": None})


@router.post(
    "/services/{service_id}/whatifs",
    response_model=WhatIfOut,
    status_code=202,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
def start_whatif(
    service_id: str, body: WhatIfRequest, request: Request, session: SessionDep, user: UserDep
) -> WhatIfOut:
    require_role(user, service_id, *ROLES)
    if session.get(ServiceRow, service_id) is None:
        raise HTTPException(404, f"no service {service_id!r}")
    try:
        run = submit_run(session, service_id, body.name, body.spec, user.email)
    except ServiceFileError as exc:
        raise HTTPException(
            422,
            [
                {"loc": ["body", "spec"], "path": e.path, "msg": e.message, "type": "value_error"}
                for e in exc.errors
            ],
        ) from None
    session.commit()  # the worker reads the run from its own session
    request.app.state.whatifs.start(run.id)
    return _out(run)


def _run(session, user, run_id: int) -> WhatIfRun:
    run = session.get(WhatIfRun, run_id)
    if run is None or (user.role != "admin" and user.service_id != run.service_id):
        raise HTTPException(404, f"no what-if {run_id}")
    require_role(user, run.service_id, *ROLES)
    return run


@router.get("/whatifs/{run_id}", response_model=WhatIfOut, responses={401: {}, 403: {}, 404: {}})
def get_whatif(run_id: RowId, session: SessionDep, user: UserDep) -> WhatIfOut:
    """Progress while running; the ``amhp-whatif/1`` document in ``result`` when done."""
    return _out(_run(session, user, run_id), with_result=True)


@router.delete("/whatifs/{run_id}", status_code=204, responses={401: {}, 403: {}, 404: {}, 409: {}})
def cancel_whatif(run_id: RowId, request: Request, session: SessionDep, user: UserDep) -> Response:
    run = _run(session, user, run_id)
    if run.state not in ("queued", "running") or not request.app.state.whatifs.cancel(run.id):
        raise HTTPException(409, f"the what-if has already {run.state}")
    return Response(status_code=204)
