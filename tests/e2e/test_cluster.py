"""The deployment beyond one machine, for real (benchmarks/cluster.py): PostgreSQL,
two web processes and two ``amhp worker`` processes on loopback. Jobs for two
services, a what-if and a sweep; a cancel through the other web process; a worker SIGKILLed
mid-solve. Every job ends, none stuck, and every rota passes the export checker."""

from __future__ import annotations

from benchmarks.cluster import deployment, scenario
from tests.support.spec_checker import check_rota


def test_two_webs_two_workers_a_cancel_elsewhere_and_a_killed_worker(postgres):
    with deployment(postgres.database()) as deploy:
        deploy.start_worker()
        deploy.start_worker()
        outcome = scenario(deploy)
    jobs = outcome.jobs
    killed = jobs["killed mid-solve"]
    assert killed["state"] == "succeeded" and killed["attempts"] == 2, killed
    assert killed["worker"] != outcome.killed_worker  # finished by the other worker
    cancelled = jobs["cancelled through the other web"]
    assert cancelled["state"] == "cancelled" and cancelled["rota_id"] is None, cancelled
    assert jobs["warwickshire 2026-12"]["state"] == jobs["coventry 2026-12"]["state"] == "succeeded"
    assert len(outcome.rotas) == 3
    assert [check_rota(doc) for doc in outcome.rotas] == [[], [], []]
    whatif = outcome.whatif
    assert whatif["state"] == "succeeded", whatif
    assert [s["name"] for s in whatif["result"]["scenarios"]] == ["base", "hub minimum plus one"]
    assert outcome.sweep is not None, outcome.sweep_error
    (cell,) = outcome.sweep["cells"]
    assert [m["month"] for m in cell["months"]] == ["2026-09"]
