"""Alembic's entry point for ``amhp db upgrade``: migrate the database the caller's
connection (or the configured URL) points at, comparing against the app's tables."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from amhp.store.migrate import ours

TARGET = SQLModel.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=TARGET,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        compare_type=True,
        include_name=ours,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    from amhp.store.db import plain_engine

    with plain_engine(context.config.get_main_option("sqlalchemy.url")).connect() as conn:
        _configure(conn)
else:
    _configure(connection)
