"""Rota generation jobs: start one (answered at once with its id), watch its
progress, cancel it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from amhp.store.tables import Job, ServiceRow
from api.deps import RowId, SessionDep, UserDep, require_role, runner
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
    service_id: str, body: JobRequest, session: SessionDep, user: UserDep, jobs=Depends(runner)
) -> JobOut:
    require_role(user, service_id, "lead")
    if session.get(ServiceRow, service_id) is None:
        raise HTTPException(404, f"no service {service_id!r}")
    return _out(jobs.submit(service_id, body.month, body.time_limit))


def _job(session, user, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or (user.role != "admin" and user.service_id != job.service_id):
        raise HTTPException(404, f"no job {job_id}")
    return job


@router.get("/jobs/{job_id}", response_model=JobOut, responses={401: {}, 403: {}, 404: {}})
def get_job(job_id: RowId, session: SessionDep, user: UserDep) -> JobOut:
    job = _job(session, user, job_id)
    require_role(user, job.service_id, "lead", "manager")
    return _out(job)


@router.delete(
    "/jobs/{job_id}",
    response_model=JobOut,
    status_code=202,
    responses={401: {}, 403: {}, 404: {}, 409: {}},
)
def cancel_job(job_id: RowId, session: SessionDep, user: UserDep, jobs=Depends(runner)) -> JobOut:
    job = _job(session, user, job_id)
    require_role(user, job.service_id, "lead")
    if not jobs.cancel(job_id):
        raise HTTPException(409, f"job {job_id} has already ended ({job.state})")
    session.refresh(job)
    return _out(job)
