"""Lost runs (amhp/runs/liveness.py): a running row whose process stopped beating
is queued again, then failed naming the worker; a row that still beats is never
touched; a cancel reaches a run through its row, from any process."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from amhp.core.states import RunState
from amhp.runs import liveness, operations
from amhp.runs.state import cancel_row, claim
from amhp.service.file import parse_service
from amhp.store.db import transaction
from amhp.store.tables import Job, utcnow
from tests.support.samples import MINIMAL_SERVICE
from tests.support.server import HANG_GUARD_S


def _running_job(beat_seconds_ago: float, attempts: int = 1, **extra) -> int:
    operations.import_service(parse_service(MINIMAL_SERVICE))
    beat = utcnow() - timedelta(seconds=beat_seconds_ago)
    with transaction() as session:
        job = Job(service_id="mini", month="2026-11", state=RunState.RUNNING,
                  worker="elsewhere:123", heartbeat_at=beat, started_at=beat,
                  attempts=attempts, **extra)  # fmt: skip
        session.add(job)
    return job.id


def _job(job_id: int) -> Job:
    with transaction() as session:
        return session.get(Job, job_id)


def test_a_run_whose_worker_stopped_beating_is_queued_again_naming_the_worker(db_url):
    job_id = _running_job(beat_seconds_ago=120)
    assert liveness.rescue_lost(Job) == ([job_id], [])
    job = _job(job_id)
    assert job.state == RunState.QUEUED and job.worker is None
    assert "elsewhere:123" in job.error and "queued again" in job.error
    assert claim(Job, job_id).attempts == 2  # the next start counts


def test_after_its_last_start_a_lost_run_is_failed_not_queued(db_url):
    job_id = _running_job(beat_seconds_ago=120, attempts=liveness.MAX_ATTEMPTS)
    assert liveness.rescue_lost(Job) == ([], [job_id])
    job = _job(job_id)
    assert job.state == RunState.FAILED and job.finished_at is not None
    assert "elsewhere:123" in job.error and "started 2 times" in job.error


def test_a_run_that_still_beats_is_left_alone_however_long_it_runs(db_url):
    job_id = _running_job(beat_seconds_ago=1)
    with transaction() as session:
        job = session.get(Job, job_id)
        job.started_at = utcnow() - timedelta(hours=3)
        session.add(job)
    assert liveness.rescue_lost(Job) == ([], [])
    assert _job(job_id).state == RunState.RUNNING


def test_a_lost_run_being_cancelled_ends_cancelled(db_url):
    job_id = _running_job(beat_seconds_ago=120, cancel_requested=True)
    assert liveness.rescue_lost(Job) == ([], [])
    assert _job(job_id).state == RunState.CANCELLED


def _claimed_here(monkeypatch) -> int:
    """A job claimed by this process, its heartbeat quick."""
    monkeypatch.setattr(liveness, "HEARTBEAT_SECONDS", 0.05)
    operations.import_service(parse_service(MINIMAL_SERVICE))
    with transaction() as session:
        job = Job(service_id="mini", month="2026-11")
        session.add(job)
    return claim(Job, job.id).id


def test_a_cancel_written_by_another_process_stops_the_run_within_a_beat(db_url, monkeypatch):
    job_id = _claimed_here(monkeypatch)
    stop = threading.Event()
    with liveness.Heartbeat(Job, job_id, stop) as beat:
        assert cancel_row(Job, job_id)  # as another web process would
        assert stop.wait(HANG_GUARD_S)  # a guard against hanging, not a speed limit
    assert beat.cancelled and not beat.lost


def test_a_run_given_to_another_worker_stops_here(db_url, monkeypatch):
    job_id = _claimed_here(monkeypatch)
    stop = threading.Event()
    with liveness.Heartbeat(Job, job_id, stop) as beat:
        with transaction() as session:
            row = session.get(Job, job_id)
            row.worker = "another:1"
            session.add(row)
        assert stop.wait(HANG_GUARD_S)
    assert beat.lost


def _wait_while(job_id: int, state: RunState) -> Job:
    """The job once it has left ``state``; fails only after the hang guard."""
    guard = time.monotonic() + HANG_GUARD_S
    while (job := _job(job_id)).state == state:
        assert time.monotonic() < guard, job
        time.sleep(0.05)
    return job


def test_a_run_stopped_by_its_process_shutting_down_goes_back_in_the_queue(db_url):
    from amhp.runs.jobs import JobRunner
    from tests.support.paths import ROOT

    operations.import_file(ROOT / "fixtures" / "warwickshire.yaml")
    runner = JobRunner(workers=1)
    job_id = runner.submit("warwickshire", "2026-11", 300).id
    assert _wait_while(job_id, RunState.QUEUED).state == RunState.RUNNING
    runner.shutdown()  # as a server stopping with SIGTERM does
    job = _wait_while(job_id, RunState.RUNNING)
    assert job.state == RunState.QUEUED and job.worker is None, job
    assert "was stopped; queued again" in job.error
    again = JobRunner(workers=1)
    try:
        again.recover()  # the next server to start runs it
        _wait_while(job_id, RunState.QUEUED)
        assert _job(job_id).attempts == 2
        assert again.cancel(job_id)
        job = _wait_while(job_id, RunState.RUNNING)
        assert job.state == RunState.CANCELLED and job.rota_id is None
    finally:
        again.shutdown()
