"""What-if runs over HTTP: submit a scenario file for a service (validated at
once: 422 names scenario, change and field), watch its progress, read the
``amhp-whatif/1`` result, cancel it. Leads and managers of the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, Response

from amhp.core.states import ACTIVE
from amhp.runs.whatif_jobs import submit_run
from amhp.service.file import ServiceFileError
from amhp.store.tables import ServiceRow, User, WhatIfRun
from api.deps import LEAD, MANAGER, SessionDep, current_user, service_access, whatif_access
from api.schemas import WhatIfOut, WhatIfRequest

router = APIRouter(tags=["what-if"])
ROLES = (LEAD, MANAGER)


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
    service_id: str,
    body: WhatIfRequest,
    request: Request,
    session: SessionDep,
    user: Annotated[User, service_access(current_user, *ROLES)],
) -> WhatIfOut:
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


RunDep = Annotated[WhatIfRun, whatif_access(current_user, *ROLES)]


@router.get("/whatifs/{run_id}", response_model=WhatIfOut, responses={401: {}, 403: {}, 404: {}})
def get_whatif(run: RunDep) -> WhatIfOut:
    """Progress while running; the ``amhp-whatif/1`` document in ``result`` when done."""
    return _out(run, with_result=True)


@router.delete("/whatifs/{run_id}", status_code=204, responses={401: {}, 403: {}, 404: {}, 409: {}})
def cancel_whatif(run: RunDep, request: Request) -> Response:
    if run.state not in ACTIVE or not request.app.state.whatifs.cancel(run.id):
        raise HTTPException(409, f"the what-if has already {run.state}")
    return Response(status_code=204)
