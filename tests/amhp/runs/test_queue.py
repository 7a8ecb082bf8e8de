"""The task queue on a real PostgreSQL (amhp/runs/queue.py): a web process's defer
lands as a Procrastinate task naming the row; a task whose worker died is closed,
and its row, never claimed, is deferred again so it cannot wait forever."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from amhp.runs import operations
from amhp.runs.jobs import JobRunner
from amhp.runs.queue import Queue, conninfo
from amhp.service.file import parse_service
from amhp.store.db import transaction
from amhp.store.tables import Job
from tests.support.databases import backend_env
from tests.support.samples import MINIMAL_SERVICE


@pytest.fixture
def queued(postgres, monkeypatch):
    url = postgres.database()
    for key, value in {**backend_env(url), "AMHP_SOLVE_IN_PROCESS": "false"}.items():
        monkeypatch.setenv(key, value)
    operations.import_service(parse_service(MINIMAL_SERVICE))
    queue = Queue(url)
    yield url, queue
    queue.close()


def _tasks(url: str) -> list[tuple]:
    with psycopg.connect(conninfo(url)) as conn:
        return conn.execute(
            "SELECT status::text, args->>'kind', (args->>'row_id')::int"
            " FROM procrastinate_jobs ORDER BY id"
        ).fetchall()


def test_a_submitted_job_is_a_task_naming_its_row_and_nothing_runs_in_the_web(queued):
    url, queue = queued
    runner = JobRunner(queue=queue)
    job = runner.submit("mini", "2026-11", 5)
    assert _tasks(url) == [("todo", "job", job.id)]
    with transaction() as session:
        assert session.get(Job, job.id).state == "queued"  # waiting for a worker


def test_a_task_fetched_by_a_worker_that_died_is_closed_and_its_row_deferred_again(queued):
    url, queue = queued
    job = JobRunner(queue=queue).submit("mini", "2026-11", 5)
    with psycopg.connect(conninfo(url)) as conn:  # a worker that fetched it, then died
        (dead,) = conn.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat)"
            " VALUES (now() - interval '1 hour') RETURNING id"
        ).fetchone()
        conn.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s", (dead,))

    async def close() -> None:
        async with queue.app.open_async():
            await queue._close_stalled()

    asyncio.run(close())
    assert _tasks(url) == [("failed", "job", job.id), ("todo", "job", job.id)]
