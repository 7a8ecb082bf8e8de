"""Schemathesis against the served OpenAPI document, authenticated as an admin:
no 5xx for any generated request, and every response matches the schema."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.support.server import ROOT, start_server

PASSWORD = "a long enough password"
# What the issue asks: no 5xx, and every response as the schema documents it.
# (Cross-field rules such as "days or dates" cannot be written in JSON Schema, so
# "schema-valid data must be accepted" is not a check this API can pass honestly.)
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.status_code_conformance,
    checks.content_type_conformance,
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{db}"}
    cli = [sys.executable, "-m", "amhp.cli"]
    for args in (
        [
            "solve",
            "tests/support/data/mini.yaml",
            "--month",
            "2026-11",
            "--time-limit",
            "2",
            "--quiet",
        ],
        ["user", "add", "admin@example.org", "--role", "admin", "--password", PASSWORD],
    ):
        subprocess.run([*cli, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    base, proc = start_server(env)
    token = httpx.post(
        base + "/auth/login", json={"email": "admin@example.org", "password": PASSWORD}
    ).json()
    yield base, {"Authorization": f"Bearer {token['access_token']}"}
    proc.terminate()
    proc.wait(timeout=10)


def test_no_server_errors_and_schema_conformance(served):
    """Every operation, a bounded number of generated requests each. Driven through
    schemathesis' strategies rather than its pytest plugin, whose lazy fixture
    loader does not run under pytest 9."""
    base, auth = served
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case):
            case.call_and_validate(headers=auth, checks=CHECKS)

        check()
