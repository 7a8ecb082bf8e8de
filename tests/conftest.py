from __future__ import annotations

import pytest

from tests.support.samples import MINIMAL_SERVICE


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    """A fresh SQLite database file for one test, used by everything in-process."""
    url = f"sqlite:///{tmp_path / 'amhp.db'}"
    monkeypatch.setenv("AMHP_DATABASE_URL", url)
    return url


@pytest.fixture
def minimal_service_file(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL_SERVICE, encoding="utf-8")
    return path
