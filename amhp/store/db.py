"""Database engine: a SQLite file by default, any SQLAlchemy URL via AMHP_DATABASE_URL
(read through :mod:`amhp.core.settings`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, create_engine

from amhp.core.settings import settings
from amhp.store import migrate


def database_url() -> str:
    return settings().database_url


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """The engine for ``url``, its schema brought up to date first (``migrate``):
    every entry point (server, worker, CLI) works on a new or an older database."""
    engine = plain_engine(url)
    migrate.upgrade(engine)
    return engine


@lru_cache(maxsize=8)
def plain_engine(url: str) -> Engine:
    """The engine alone, the schema untouched (for the migrations themselves)."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            _private_file(Path(path))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=settings().db_pool_size,
            max_overflow=0,
            pool_timeout=30,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record) -> None:  # pragma: no cover - driver hook
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    else:
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=settings().db_pool_size, max_overflow=0
        )
    return engine


def _private_file(path: Path) -> None:
    """The database holds staff health information: readable by its owner only
    (SQLite gives its WAL and shared-memory files the same permissions)."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def get_engine() -> Engine:
    return engine_for(database_url())


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: a failed
    write changes nothing."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# Committed writes made by this process, counted: what is cached from the database
# in memory (the feed answers) is good while the count stands still.
_WRITES = [0]


def write_generation() -> int:
    """How many transactions that wrote something this process has committed."""
    return _WRITES[0]


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop("wrote", False):
        _WRITES[0] += 1


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("wrote", None)
