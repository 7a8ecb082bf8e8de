"""The browser tests' screenshots: cleared once per run, so every file in
test-results/screenshots/ is from this run's pages."""

from __future__ import annotations

import shutil

import pytest

from tests.support.paths import ROOT

SHOTS = ROOT / "test-results" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def clean_shots():
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
