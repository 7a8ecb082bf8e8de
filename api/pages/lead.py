"""The lead practitioner's pages: the service at a glance, generating a rota with
live progress, the rota grid (gaps with causes, fixing cells, publishing) and the
forms for practitioners, leave and requests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlmodel import col, select

from amhp.core.months import MONTH_PATTERN, months_from
from amhp.notify.published import publish_and_tell
from amhp.publish.links import unreachable_warning
from amhp.rota.cover import NoSuchSlot
from amhp.rota.grid import build_grid
from amhp.runs import operations
from amhp.runs.jobs import JobRefused
from amhp.service.calendar import Period
from amhp.store import audit, repository
from amhp.store.edits import EditRejected, add_item, item_key
from amhp.store.tables import Job, RepairRequest, RotaVersion, ServiceRow, User
from api.deps import (
    ADMIN,
    LEAD,
    MANAGER,
    SessionDep,
    actor,
    job_access,
    load_definition,
    rota_access,
    service_access,
)
from api.pages.common import PageUser, field_errors, page_user, public_base, render
from api.pages.removal import Removal, RemovalForm, remove_from_page, revision_of

router = APIRouter(prefix="/app", include_in_schema=False)
TIME_LIMITS = (10, 30, 60, 120)
# What a redirect after a change says (by code: a page never echoes text from a URL).
DONE = {
    "fixed": "Cell fixed. Generate the month again to build the rota around it.",
    "unfixed": "Fixed cell removed.",
    "published": "Published. Subscribed calendars show it at their next refresh.",
    "saved": "Saved.",
    "covered": "A new draft with that one change: review it, then publish.",
    "removed": "Removed.",
}


def months_from_today(n: int) -> list[str]:
    return months_from(date.today(), n)


# Who may see a service's pages, and who may change it (besides an admin).
Viewer = Annotated[User, service_access(page_user, LEAD, MANAGER)]
Editor = Annotated[User, service_access(page_user, LEAD)]
ViewedRota = Annotated[RotaVersion, rota_access(page_user, LEAD, MANAGER)]
EditedRota = Annotated[RotaVersion, rota_access(page_user, LEAD)]
ViewedJob = Annotated[Job, job_access(page_user, LEAD, MANAGER)]
EditedJob = Annotated[Job, job_access(page_user, LEAD)]


@router.get("/services", response_class=HTMLResponse)
def services(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    if user.role != ADMIN:
        raise HTTPException(403, "only an administrator sees every service")
    rows = session.exec(select(ServiceRow).order_by(ServiceRow.id)).all()
    return render(request, "services.html", user, services=rows)


@router.get("/services/{service_id}", response_class=HTMLResponse)
def overview(request: Request, service_id: str, session: SessionDep, user: Viewer) -> HTMLResponse:
    definition = load_definition(session, service_id)
    stored = session.exec(
        select(RotaVersion.month)
        .where(RotaVersion.service_id == service_id)
        .distinct()
        .order_by(col(RotaVersion.month).desc())
        .limit(6)
    ).all()
    months = []
    for month in sorted({*months_from_today(3), *stored}):
        latest = repository.latest_version(session, service_id, month)
        number = (
            repository.version_number(session, service_id, month, latest.id) if latest else None
        )
        months.append({"month": month, "latest": latest, "number": number})
    jobs = session.exec(
        select(Job).where(Job.service_id == service_id).order_by(col(Job.id).desc()).limit(5)
    ).all()
    return render(
        request,
        "overview.html",
        user,
        service=definition,
        months=months,
        jobs=jobs,
        choices=months_from_today(4),
        time_limits=TIME_LIMITS,
        message=DONE.get(request.query_params.get("done", "")),
        links_warning=unreachable_warning(public_base(request)),
    )


@router.post("/services/{service_id}/generate")
def generate(
    request: Request,
    service_id: str,
    session: SessionDep,
    user: Editor,
    month: Annotated[str, Form(pattern=MONTH_PATTERN)],
    time_limit: Annotated[int, Form(ge=5, le=600)] = 30,
) -> RedirectResponse:
    load_definition(session, service_id)
    try:
        job = request.app.state.jobs.submit(
            service_id, month, float(time_limit), actor=actor(user, "page")
        )
    except JobRefused as exc:
        raise HTTPException(429, str(exc)) from None
    return RedirectResponse(f"/app/jobs/{job.id}", status_code=303)


@router.post("/services/{service_id}/repair")
def repair(
    request: Request,
    service_id: str,
    session: SessionDep,
    user: Editor,
    month: Annotated[str, Form(pattern=MONTH_PATTERN)],
    time_limit: Annotated[int, Form(ge=5, le=600)] = 30,
    freeze_before: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Repair the month's published version after a change (as few changes as the
    gaps allow); the new draft lists its changes for review before publishing."""
    if repository.published_version(session, service_id, month) is None:
        raise HTTPException(409, f"{month} has no published rota to repair; publish first")
    try:
        freeze = date.fromisoformat(freeze_before) if freeze_before else None
    except ValueError:
        raise HTTPException(422, f"freeze_before: not a date: {freeze_before!r}") from None
    try:
        job = request.app.state.jobs.submit(
            service_id, month, float(time_limit), True, freeze, actor(user, "page")
        )
    except JobRefused as exc:
        raise HTTPException(429, str(exc)) from None
    return RedirectResponse(f"/app/jobs/{job.id}", status_code=303)


@router.get("/rotas/{rota_id}/cover", response_class=HTMLResponse)
def cover_page(
    request: Request, rota: ViewedRota, user: PageUser, date: date, shift: str
) -> HTMLResponse:
    """Who could take a shift: the ones who can, cheapest first, with what it costs;
    everyone else with the reason. The lead can take one into a new draft."""
    try:
        _id, options = operations.cover_for(rota.service_id, date, shift, rota.id)
    except (repository.NotFound, NoSuchSlot) as exc:
        raise HTTPException(404, str(exc)) from None
    return render(
        request, "cover.html", user, rota=rota, day=date, shift=shift, options=options,
        can_edit=user.role in (ADMIN, LEAD),
    )  # fmt: skip


@router.post("/rotas/{rota_id}/cover")
def take_cover(
    rota: EditedRota,
    user: PageUser,
    person: Annotated[str, Form()],
    day: Annotated[str, Form()],
    shift: Annotated[str, Form()],
) -> RedirectResponse:
    try:
        draft = operations.assign_cover(
            rota.id, person, date.fromisoformat(day), shift, actor(user, "page")
        )
    except ValueError as exc:  # a bad date, an unknown slot or person, a broken rule
        raise HTTPException(422, str(exc)) from None
    return RedirectResponse(f"/app/rotas/{draft.id}?done=covered", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job: ViewedJob, user: PageUser, session: SessionDep):
    repairing = session.get(RepairRequest, job.id) is not None
    return render(
        request,
        "job.html",
        user,
        job=job,
        verb="Repairing" if repairing else "Generating",
        can_cancel=user.role in (ADMIN, LEAD),
    )


@router.post("/jobs/{job_id}/cancel")
def cancel_job(request: Request, job: EditedJob) -> RedirectResponse:
    """Stop a queued or running job; one that has ended is left as it ended."""
    request.app.state.jobs.cancel(job.id)
    return RedirectResponse(f"/app/jobs/{job.id}", status_code=303)


@router.get("/services/{service_id}/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    service_id: str,
    session: SessionDep,
    user: Viewer,
    person: str | None = None,
    since: date | None = None,
) -> HTMLResponse:
    """Who changed what, newest first; by person or from a date."""
    load_definition(session, service_id)  # 404 for a service that does not exist
    start = datetime.combine(since, time(), UTC) if since else None
    rows = list(reversed(audit.entries(session, service_id, start, None, person or None)))
    return render(
        request, "audit.html", user, service_id=service_id, entries=rows, person=person or "",
        since=since.isoformat() if since else "",
    )  # fmt: skip


@router.get("/services/{service_id}/audit.csv")
def audit_csv(service_id: str, session: SessionDep, user: Viewer) -> Response:
    load_definition(session, service_id)  # 404 for a service that does not exist
    body = audit.to_csv(audit.entries(session, service_id))
    disposition = {"Content-Disposition": f'attachment; filename="{service_id}-audit.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=disposition)


@router.get("/jobs/{job_id}/state")
def job_state(job: ViewedJob) -> JSONResponse:
    """Polled by the progress page: state, incumbent and bound, and where to go."""
    return JSONResponse(
        {
            "state": job.state,
            "progress": job.progress,
            "error": job.error,
            "next": f"/app/rotas/{job.rota_id}" if job.rota_id else None,
        },
        headers={"Cache-Control": "no-store"},
    )


def _number_of(session, rota: RotaVersion, other_id: int | None) -> int | None:
    """The month's version number of another version of it (a repair's base)."""
    if not isinstance(other_id, int):
        return None
    return repository.version_number(session, rota.service_id, rota.month, other_id)


def _rota_page(request, session, user, rota, status_code=200, errors=None, form=None):
    definition = load_definition(session, rota.service_id)
    period = Period.month(rota.month)
    fixed = [
        (item_key("fixed", f), f) for f in definition.fixed if period.start <= f.date <= period.end
    ]
    return render(
        request,
        "rota.html",
        user,
        status_code=status_code,
        rota=rota,
        grid=build_grid(rota.export),
        number=repository.version_number(session, rota.service_id, rota.month, rota.id),
        base_number=_number_of(session, rota, rota.export.get("base_version")),
        service=definition,
        fixed=fixed,
        revision=revision_of(session, rota.service_id),
        can_edit=user.role in (ADMIN, LEAD),
        time_limits=TIME_LIMITS,
        message=DONE.get(request.query_params.get("done", "")),
        errors=errors or {},
        form=form or {},
    )


@router.get("/rotas/{rota_id}", response_class=HTMLResponse)
def rota_page(request: Request, rota: ViewedRota, session: SessionDep, user: PageUser):
    return _rota_page(request, session, user, rota)


@router.post("/rotas/{rota_id}/fix", response_class=HTMLResponse)
def fix_cell(
    request: Request,
    rota: EditedRota,
    session: SessionDep,
    user: PageUser,
    person: Annotated[str, Form()],
    day: Annotated[str, Form()],
    shift: Annotated[str, Form()],
):
    """Refused at once when the cell breaks a hard rule for this month (leave, rest,
    a day off after on-call...), not later when someone generates."""
    outside = _outside_month(day, rota.month)
    if outside:
        errors = {"day": outside}
    else:
        try:
            cell = {"person": person, "date": day, "shift": shift}
            add_item(session, rota.service_id, "fixed", cell, actor(user, "page"))
            return RedirectResponse(f"/app/rotas/{rota.id}?done=fixed", status_code=303)
        except EditRejected as exc:
            errors = field_errors(exc.problems)
            if "date" in errors:  # the form calls the cell's date "day"
                errors["day"] = errors.pop("date")
    session.rollback()
    form = {"person": person, "day": day, "shift": shift}
    return _rota_page(request, session, user, rota, 422, errors, form)


def _outside_month(day: str, month: str) -> str | None:
    """A fixed cell set from a month's rota must fall in that month."""
    period = Period.month(month)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return None  # reported by the service's own check, at its field
    if period.start <= when <= period.end:
        return None
    return f"{when.isoformat()} is not in {period.start:%B %Y}, the month of this rota"


@router.post("/rotas/{rota_id}/unfix", response_class=HTMLResponse)
def unfix_cell(
    request: Request,
    rota: EditedRota,
    session: SessionDep,
    user: PageUser,
    form: RemovalForm,
):
    removal = Removal(
        rota.service_id,
        "fixed",
        action=f"/app/rotas/{rota.id}/unfix",
        back=f"/app/rotas/{rota.id}",
        describe=lambda f: f"the fixed cell {f.person} on {f.shift} on {f.date.isoformat()}",
    )
    return remove_from_page(request, session, user, removal, form)


@router.post("/rotas/{rota_id}/publish")
def publish(rota: EditedRota, session: SessionDep, user: PageUser) -> RedirectResponse:
    latest = repository.latest_version(session, rota.service_id, rota.month)
    if latest is None or latest.id != rota.id:
        raise HTTPException(409, "a newer version of this month exists; publish that one")
    try:
        publish_and_tell(session, rota.service_id, rota.month, actor(user, "page"))
    except repository.NotFound as exc:
        raise HTTPException(409, str(exc)) from None
    return RedirectResponse(f"/app/rotas/{rota.id}?done=published", status_code=303)
