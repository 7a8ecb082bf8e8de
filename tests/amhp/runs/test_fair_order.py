"""Solves are shared fairly between services (amhp/runs/state.py): with one solve at
a time, a service's queue of three jobs does not hold back another service's job
for more than the run in progress."""

from __future__ import annotations

import threading
import time

from sqlmodel import select

from amhp.core.states import FINISHED
from amhp.runs import operations
from amhp.runs.jobs import JobRunner
from amhp.runs.state import claim
from amhp.service.file import parse_service
from amhp.store.db import transaction
from amhp.store.tables import Job
from tests.support.samples import MINIMAL_SERVICE

GUARD_S = 300  # not a speed limit: a guard so that a hang fails instead of waiting


def _wait_all_finished(ids: list[int]) -> list[Job]:
    while True:
        with transaction() as session:
            jobs = [session.get(Job, i) for i in ids]
        if all(j.state in FINISHED for j in jobs):
            return jobs
        time.sleep(0.2)


def test_a_second_service_runs_before_the_first_services_queue(db_url):
    for text in (MINIMAL_SERVICE, MINIMAL_SERVICE.replace("id: mini", "id: other")):
        operations.import_service(parse_service(text))
    runner = JobRunner(workers=1)
    try:
        a = [runner.submit("mini", "2026-11", 5).id for _ in range(3)]
        b = runner.submit("other", "2026-11", 5).id
        timer = threading.Timer(GUARD_S, runner.shutdown)
        timer.start()
        jobs = _wait_all_finished([*a, b])
        timer.cancel()
    finally:
        runner.shutdown()
    order = [j.id for j in sorted(jobs, key=lambda j: j.started_at)]
    assert order == [a[0], b, a[1], a[2]]
    assert all(j.state == "succeeded" for j in jobs), [j.error for j in jobs]


def test_a_row_is_claimed_once_however_many_workers_try(db_url):
    operations.import_service(parse_service(MINIMAL_SERVICE))
    with transaction() as session:
        job = Job(service_id="mini", month="2026-11")
        session.add(job)
    assert claim(Job, job.id) is not None
    assert claim(Job, job.id) is None  # already running: nobody else runs it
    with transaction() as session:
        assert session.exec(select(Job)).one().state == "running"
