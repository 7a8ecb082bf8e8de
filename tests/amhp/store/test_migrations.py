"""The schema's migrations (amhp/store/migrate.py): they describe the models
exactly on both databases, and they bring an older database (one made by
``create_all`` before migrations existed, or one at an earlier revision) to the
current schema keeping every row."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

import solver
from amhp.runs import operations
from amhp.store import migrate, repository
from amhp.store.db import engine_for, plain_engine, transaction
from tests.support.cli import run_cli
from tests.support.databases import server_env
from tests.support.paths import DATA
from tests.support.spec_checker import check_rota

# Made by the code before migrations (commit 1622d47): `amhp solve` of mini.yaml
# for 2026-11 and `amhp user add` of a lead, on a new SQLite file (create_all).
BEFORE_MIGRATIONS = DATA / "before-migrations.db"


def test_the_migrations_describe_the_models_exactly(fresh_database):
    engine = engine_for(fresh_database)
    assert migrate.current(engine) == migrate.head()
    assert migrate.differences(engine) == []


def test_a_model_change_without_its_migration_is_seen(fresh_database):
    engine = engine_for(fresh_database)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE job ADD COLUMN stray INTEGER"))
    diffs = migrate.differences(engine)
    assert any(d[0] == "remove_column" and d[3].name == "stray" for d in diffs), diffs


def _counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]
            for n in names
            if n != "alembic_version"
        }


def test_amhp_db_upgrade_brings_a_create_all_database_up_keeping_every_row(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(BEFORE_MIGRATIONS, path)
    before = _counts(path)
    assert before["assignment"] > 0 and before["user_account"] == 1
    env = server_env(f"sqlite:///{path}")
    done = run_cli("db", "upgrade", env=env)
    assert done.returncode == 0, done.stderr
    assert f"from {migrate.BASELINE} to {migrate.head()}" in done.stdout
    after = _counts(path)
    assert {k: after[k] for k in before} == before  # nothing lost
    assert "sweep_cell" in after
    engine = plain_engine(f"sqlite:///{path}")
    assert migrate.differences(engine) == []
    columns = {c["name"] for c in inspect(engine).get_columns("job")}
    assert {"worker", "heartbeat_at", "attempts", "cancel_requested"} <= columns
    again = run_cli("db", "upgrade", env=env)
    assert again.returncode == 0 and "at the current schema" in again.stdout
    current = run_cli("db", "current", env=env)
    assert f"database: {migrate.head()}" in current.stdout


def test_the_upgraded_database_still_serves_its_service_and_rota(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    shutil.copy(BEFORE_MIGRATIONS, path)
    monkeypatch.setenv("AMHP_DATABASE_URL", f"sqlite:///{path}")
    definition = operations.load_service("mini")  # the engine migrates on first use
    assert [p.id for p in definition.practitioners][:2] == ["a1", "a2"]
    with transaction() as session:
        rota = repository.latest_version(session, "mini", "2026-11")
    assert check_rota(rota.export) == []
    assert {g["date"] for g in rota.export["gaps"]} == {"2026-11-11"}  # as stored before
    again = operations.generate_rota(definition, "2026-12", solver.SolveParams(time_limit=5))
    assert again.version_id is not None  # and the upgraded database takes new rotas
    with sqlite3.connect(path) as conn, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_entry")


def test_a_baseline_postgresql_database_is_upgraded_keeping_its_rows(postgres):
    """PostgreSQL as create_all left it: the baseline schema with no version table."""
    url = postgres.database()
    engine = plain_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate._config(conn), migrate.BASELINE)
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text(
            "INSERT INTO service (id, name, timezone, holiday_country, revision, updated_at)"
            " VALUES ('keep', 'Kept', 'Europe/London', 'GB', 3, now())"
        ))  # fmt: skip
    assert migrate.current(engine) is None
    assert migrate.upgrade(engine) == (migrate.BASELINE, migrate.head())
    assert migrate.differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, revision FROM service")).all() == [("Kept", 3)]
        assert conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
    with pytest.raises(Exception, match="append-only"), create_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO audit_entry (at, actor, via, action, subject)"
                          " VALUES (now(), 'a', 'cli', 'x', 'y')"))  # fmt: skip
        conn.execute(text("DELETE FROM audit_entry"))
