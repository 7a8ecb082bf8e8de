"""The manager's what-if pages: build a scenario file for the service from its
people and shifts (or type or upload one), follow its progress, and compare the
scenarios side by side (the same tables and charts as ``amhp whatif --report``)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import col, select

from amhp.runs.whatif_jobs import submit_run
from amhp.service.file import ServiceFileError
from amhp.store.tables import WhatIfRun
from amhp.whatif.compose import BuildRefused, starting_spec, with_scenario
from amhp.whatif.report import comparison, to_xlsx
from api.deps import LEAD, MANAGER, SessionDep, check_service, load_definition, whatif_access
from api.pages.common import PageUser, page_user, render
from api.pages.whatif_builder import Builder, builder_from, choices, horizon_starts

router = APIRouter(prefix="/app", include_in_schema=False)
ROLES = (MANAGER, LEAD)
ViewedRun = Annotated[WhatIfRun, whatif_access(page_user, *ROLES)]
MAX_UPLOAD = 256 * 1024


def _form(request, user, definition, runs, status_code=200, errors=None, form=None, builder=None):
    """The page; errors are the run's unless the builder's rows carry some."""
    builder = builder or Builder(start=horizon_starts()[0])
    return render(
        request,
        "whatif.html",
        user,
        status_code=status_code,
        service=definition,
        runs=runs,
        errors=errors or [],
        form=form or {"name": "", "spec": starting_spec(builder.start)},
        builder=builder,
        choices=choices(definition),
        error_title=(
            "The scenario was not added:" if builder.refused else "The scenarios were not run:"
        ),
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
    action: Annotated[Literal["run", "add", "more", "download"], Form()] = "run",
    upload: Annotated[UploadFile | None, File()] = None,
):
    """One form, four buttons: add the built scenario to the file, offer another
    change row, download the file as it stands, or run it."""
    check_service(user, service_id, *ROLES)
    definition = load_definition(session, service_id)
    runs = _runs(session, service_id)
    if action in ("add", "more"):
        builder = builder_from(await request.form(), extra_row=action == "more")
        form = {"name": name, "spec": spec}
        if action == "more":
            return _form(request, user, definition, runs, form=form, builder=builder)
        return _add_scenario(request, user, definition, runs, builder, form)
    if action == "download":
        disposition = {"Content-Disposition": f'attachment; filename="whatif-{service_id}.yaml"'}
        return Response(spec, media_type="application/yaml", headers=disposition)
    text = spec
    if upload is not None and upload.filename:
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            errors = [f"{upload.filename}: larger than {MAX_UPLOAD // 1024} KiB"]
            return _form(request, user, definition, runs, 422, errors)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors = [f"{upload.filename}: not UTF-8 text"]
            return _form(request, user, definition, runs, 422, errors)
    label = name.strip() or (upload.filename if upload and upload.filename else "what-if")
    try:
        run = submit_run(session, service_id, label, text, user.email)
    except ServiceFileError as exc:
        session.rollback()
        errors = [f"{e.path or '(top level)'}: {e.message}" for e in exc.errors]
        form = {"name": name, "spec": text}
        return _form(request, user, definition, runs, 422, errors, form)
    session.commit()  # the worker reads the run from its own session
    request.app.state.whatifs.start(run.id)
    return RedirectResponse(f"/app/whatifs/{run.id}", status_code=303)


def _add_scenario(request, user, definition, runs, builder: Builder, form: dict):
    """The built scenario added to the file (the builder emptied for the next), or
    the problems beside their fields with nothing changed."""
    try:
        text = with_scenario(
            form["spec"], builder.name, builder.drafts, builder.horizon, definition
        )
    except BuildRefused as exc:
        builder.errors, builder.refused = exc.rows, True
        errors = exc.general or ["the changes marked below need a look"]
        return _form(request, user, definition, runs, 422, errors, form, builder)
    added = Builder(start=builder.start, months=builder.months)
    return _form(request, user, definition, runs, form={**form, "spec": text}, builder=added)


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
