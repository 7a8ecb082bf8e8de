"""``amhp worker`` and ``amhp db`` from the command line (amhp/cli/deploy.py)."""

from __future__ import annotations

from amhp.store import migrate
from tests.support.cli import run_cli
from tests.support.databases import server_env


def test_a_worker_on_sqlite_is_refused_with_the_reason(tmp_path):
    done = run_cli("worker", env=server_env(f"sqlite:///{tmp_path / 'a.db'}"))
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr and "amhp serve" in done.stderr


def test_db_upgrade_makes_a_new_database_at_the_codes_revision(fresh_database):
    env = server_env(fresh_database)
    done = run_cli("db", "upgrade", env=env)
    assert done.returncode == 0, done.stderr
    assert f"from empty to {migrate.head()}" in done.stdout
    current = run_cli("db", "current", env=env)
    assert f"database: {migrate.head()}  code: {migrate.head()}" in current.stdout
