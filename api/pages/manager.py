"""The manager's what-if pages: write or upload a scenario file for the service,
follow its progress, and compare the scenarios side by side (the same tables and
charts as ``amhp whatif --report``)."""

from __future__ import annotations

import json
from typing import Annotated

import yaml
from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import col, select

from amhp.runs.whatif_jobs import submit_run
from amhp.service.file import ServiceFileError
from amhp.store.tables import WhatIfRun
from amhp.whatif.report import comparison, to_xlsx
from api.deps import LEAD, MANAGER, SessionDep, check_service, load_definition, whatif_access
from api.pages.common import PageUser, page_user, render
from api.pages.lead import months_from_today

router = APIRouter(prefix="/app", include_in_schema=False)
ROLES = (MANAGER, LEAD)
ViewedRun = Annotated[WhatIfRun, whatif_access(page_user, *ROLES)]
MAX_UPLOAD = 256 * 1024


def example_scenarios(definition) -> str:
    """A starting point written for this service: its first AMHP leaves in three
    months, or its first cover rule's minimum goes up by one."""
    start = months_from_today(2)[1]
    leaver = next((p for p in definition.practitioners if p.role == "amhp"), None)
    scenarios = []
    if leaver:
        leave_from = months_from_today(4)[3] + "-01"
        scenarios.append(
            {
                "name": f"{leaver.name} leaves",
                "changes": [{"kind": "vacancy", "person": leaver.id, "from": leave_from}],
            }
        )
    if definition.cover:
        rule = definition.cover[0]
        change = {"kind": "cover", "shift": rule.shift, "min": rule.min + 1}
        if rule.days:
            change["days"] = rule.days
        scenarios.append({"name": f"{rule.shift} minimum {rule.min + 1}", "changes": [change]})
    doc = {
        "horizon": {"start": start, "months": 3},
        "time_limit_per_month": 5,
        "scenarios": scenarios,
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _form(request, user, definition, runs, status_code=200, errors=None, form=None):
    return render(
        request,
        "whatif.html",
        user,
        status_code=status_code,
        service=definition,
        runs=runs,
        errors=errors or [],
        form=form or {"name": "", "spec": example_scenarios(definition)},
    )


def _runs(session, service_id: str) -> list[WhatIfRun]:
    return session.exec(
        select(WhatIfRun)
        .where(WhatIfRun.service_id == service_id)
        .order_by(col(WhatIfRun.id).desc())
        .limit(20)
    ).all()


@router.get("/services/{service_id}/whatif", response_class=HTMLResponse)
def whatif_form(request: Request, service_id: str, session: SessionDep, user: PageUser):
    check_service(user, service_id, *ROLES)
    definition = load_definition(session, service_id)
    return _form(request, user, definition, _runs(session, service_id))


@router.post("/services/{service_id}/whatif", response_class=HTMLResponse)
async def whatif_submit(
    request: Request,
    service_id: str,
    session: SessionDep,
    user: PageUser,
    name: Annotated[str, Form(max_length=200)] = "",
    spec: Annotated[str, Form(max_length=MAX_UPLOAD)] = "",
    upload: Annotated[UploadFile | None, File()] = None,
):
    check_service(user, service_id, *ROLES)
    definition = load_definition(session, service_id)
    text = spec
    if upload is not None and upload.filename:
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            errors = [f"{upload.filename}: larger than {MAX_UPLOAD // 1024} KiB"]
            return _form(request, user, definition, _runs(session, service_id), 422, errors)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors = [f"{upload.filename}: not UTF-8 text"]
            return _form(request, user, definition, _runs(session, service_id), 422, errors)
    label = name.strip() or (upload.filename if upload and upload.filename else "what-if")
    try:
        run = submit_run(session, service_id, label, text, user.email)
    except ServiceFileError as exc:
        session.rollback()
        errors = [f"{e.path or '(top level)'}: {e.message}" for e in exc.errors]
        form = {"name": name, "spec": text}
        return _form(request, user, definition, _runs(session, service_id), 422, errors, form)
    session.commit()  # the worker reads the run from its own session
    request.app.state.whatifs.start(run.id)
    return RedirectResponse(f"/app/whatifs/{run.id}", status_code=303)


@router.get("/whatifs/{run_id}", response_class=HTMLResponse)
def whatif_page(request: Request, run: ViewedRun, user: PageUser):
    table = comparison(run.result) if run.result else None
    return render(request, "whatif_run.html", user, run=run, comparison=table)


@router.get("/whatifs/{run_id}/state")
def whatif_state(run: ViewedRun) -> JSONResponse:
    return JSONResponse(
        {"state": run.state, "progress": run.progress, "error": run.error},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/whatifs/{run_id}/results.{kind}")
def whatif_download(run: ViewedRun, kind: str) -> Response:
    if run.result is None:
        raise HTTPException(409, "the what-if has no results yet")
    name = f"whatif-{run.id}.{kind}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "json":
        body = json.dumps(run.result, indent=2) + "\n"
        return Response(body, media_type="application/json", headers=disposition)
    if kind == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(to_xlsx(run.result), media_type=media, headers=disposition)
    raise HTTPException(404, f"no {kind!r} download")
