"""Rota jobs: generate a month, or repair its published version after a change;
start one (answered at once with its id), watch its progress, cancel it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from amhp.runs.jobs import JobRefused
from amhp.store import repository
from amhp.store.tables import Job, RepairRequest, ServiceRow, User
from api.deps import (
    LEAD,
    MANAGER,
    SessionDep,
    actor,
    current_user,
    job_access,
    runner,
    service_access,
)
from api.schemas import JobOut, JobRequest, RepairIn

router = APIRouter(tags=["jobs"])


def _out(session, job: Job) -> JobOut:
    kind = "repair" if session.get(RepairRequest, job.id) is not None else "generate"
    return JobOut.model_validate({**job.model_dump(), "kind": kind})


Lead = Annotated[User, service_access(current_user, LEAD)]


@contextmanager
def _refusals() -> Iterator[None]:
    """A time limit over the setting is 422 naming it; a full queue for the
    service is 429 with a moment to wait."""
    try:
        yield
    except JobRefused as exc:
        if exc.field is None:
            raise HTTPException(429, str(exc), headers={"Retry-After": "30"}) from None
        raise HTTPException(
            422, [{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]
        ) from None


def _known_service(session, service_id: str) -> None:
    if session.get(ServiceRow, service_id) is None:
        raise HTTPException(404, f"no service {service_id!r}")


@router.post(
    "/services/{service_id}/jobs",
    response_model=JobOut,
    status_code=202,
    responses={401: {}, 403: {}, 404: {}, 422: {}, 429: {}},
)
def start_job(
    service_id: str, body: JobRequest, session: SessionDep, user: Lead, jobs=Depends(runner)
) -> JobOut:
    _known_service(session, service_id)
    with _refusals():
        job = jobs.submit(service_id, body.month, body.time_limit, actor=actor(user))
    return _out(session, job)


@router.post(
    "/services/{service_id}/repairs",
    response_model=JobOut,
    status_code=202,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}, 429: {}},
)
def start_repair(
    service_id: str, body: RepairIn, session: SessionDep, user: Lead, jobs=Depends(runner)
) -> JobOut:
    """Repair the month's published version for the service as it is now (after a
    sickness, leave, a contract ended...): a job whose rota is a new draft listing
    its changes (``changes`` and ``base_version`` in its export)."""
    _known_service(session, service_id)
    if repository.published_version(session, service_id, body.month) is None:
        raise HTTPException(409, f"{body.month} has no published rota to repair; publish first")
    with _refusals():
        job = jobs.submit(
            service_id, body.month, body.time_limit, True, body.freeze_before, actor(user)
        )
    return _out(session, job)


@router.get("/jobs/{job_id}", response_model=JobOut, responses={401: {}, 403: {}, 404: {}})
def get_job(
    job: Annotated[Job, job_access(current_user, LEAD, MANAGER)], session: SessionDep
) -> JobOut:
    return _out(session, job)


@router.delete(
    "/jobs/{job_id}",
    response_model=JobOut,
    status_code=202,
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def cancel_job(
    job: Annotated[Job, job_access(current_user, LEAD)], session: SessionDep, jobs=Depends(runner)
) -> JobOut:
    if not jobs.cancel(job.id):
        raise HTTPException(409, f"job {job.id} has already ended ({job.state})")
    session.refresh(job)
    return _out(session, job)
