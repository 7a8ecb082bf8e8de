"""Rota generation jobs: start one (answered at once with its id), watch its
progress, cancel it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from amhp.store.tables import Job, ServiceRow, User
from api.deps import LEAD, MANAGER, SessionDep, current_user, job_access, runner, service_access
from api.schemas import JobOut, JobRequest

router = APIRouter(tags=["jobs"])


def _out(job: Job) -> JobOut:
    return JobOut.model_validate(job, from_attributes=True)


@router.post(
    "/services/{service_id}/jobs",
    response_model=JobOut,
    status_code=202,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
def start_job(
    service_id: str,
    body: JobRequest,
    session: SessionDep,
    _user: Annotated[User, service_access(current_user, LEAD)],
    jobs=Depends(runner),
) -> JobOut:
    if session.get(ServiceRow, service_id) is None:
        raise HTTPException(404, f"no service {service_id!r}")
    return _out(jobs.submit(service_id, body.month, body.time_limit))


@router.get("/jobs/{job_id}", response_model=JobOut, responses={401: {}, 403: {}, 404: {}})
def get_job(job: Annotated[Job, job_access(current_user, LEAD, MANAGER)]) -> JobOut:
    return _out(job)


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
    return _out(job)
