"""The schema's history as Alembic migrations (``amhp/store/migrations``), applied
to SQLite and PostgreSQL alike: ``upgrade`` brings any database to the current
schema, a new one, one made by ``create_all`` before migrations existed (stamped
as the baseline first, its rows kept), or one a few revisions behind.

Two processes starting together never migrate at once: a file lock beside a SQLite
file, an advisory lock on PostgreSQL."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from amhp.store import tables  # noqa: F401  (registers the tables on the metadata)

BASELINE = "0001"  # the schema create_all made before migrations existed
PG_LOCK = 0x414D4850  # "AMHP": the advisory lock key the migrations hold


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "amhp.store:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision this code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: new, or made before migrations)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to ``head``: (revision before, revision after)."""
    before = current(engine)
    if before == head():
        return before, before
    with _exclusive(engine), engine.begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        if before is None and _made_by_create_all(conn):
            command.stamp(_config(conn), BASELINE)
            before = BASELINE
        command.upgrade(_config(conn), "head")
    return before, head()


def differences(engine: Engine) -> list:
    """What the tables in the code have that the migrated database has not (or the
    other way round): empty when the migrations describe the models exactly."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": ours}
        )
        return compare_metadata(context, SQLModel.metadata)


def ours(name, kind, _parent) -> bool:
    """Procrastinate's tables share a PostgreSQL database with ours and have their own
    schema file (``amhp.runs.queue``): not ours to compare or migrate."""
    return not (kind == "table" and name and name.startswith("procrastinate_"))


def _made_by_create_all(conn: Connection) -> bool:
    return inspect(conn).has_table("service")


@contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(Path(database).with_name(Path(database).name + ".migrating"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
