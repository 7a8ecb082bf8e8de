from __future__ import annotations

import pytest

from tests.support.databases import BACKENDS, backend_env
from tests.support.samples import MINIMAL_SERVICE

# Every database-touching test runs on both backends (tests/support/databases.py).


@pytest.fixture(scope="session")
def postgres():
    from tests.support.postgres import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


def _database(backend: str, folder, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'amhp.db'}"
    return request.getfixturevalue("postgres").database()


@pytest.fixture(scope="module", params=BACKENDS)
def database(request, tmp_path_factory) -> str:
    """One database for a module's tests, once per backend."""
    return _database(request.param, tmp_path_factory.mktemp("db"), request)


@pytest.fixture(params=BACKENDS)
def fresh_database(request, tmp_path) -> str:
    """A new database for one test, once per backend."""
    return _database(request.param, tmp_path, request)


@pytest.fixture
def db_url(fresh_database, monkeypatch) -> str:
    """A fresh database for one test, used by everything in-process."""
    for key, value in backend_env(fresh_database).items():
        monkeypatch.setenv(key, value)
    return fresh_database


@pytest.fixture
def sqlite_db_url(tmp_path, monkeypatch) -> str:
    """A SQLite file only, for tests whose database is incidental (nothing stored
    that a backend could treat differently)."""
    url = f"sqlite:///{tmp_path / 'amhp.db'}"
    monkeypatch.setenv("AMHP_DATABASE_URL", url)
    return url


@pytest.fixture
def minimal_service_file(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL_SERVICE, encoding="utf-8")
    return path
