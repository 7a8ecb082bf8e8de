"""The task queue's tables, on PostgreSQL only: Procrastinate's schema as shipped
with the pinned version (requirements.lock). A later Procrastinate with schema
changes comes with its own migration here, running the SQL files it ships.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from importlib.resources import files

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    exists = bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar()
    if exists is None:
        schema = (files("procrastinate.sql") / "schema.sql").read_text()
        with bind.connection.dbapi_connection.cursor() as cursor:
            cursor.execute(schema)  # no parameters: its "%" signs are its own


def downgrade() -> None:
    pass  # the queue's tables are left: dropping them would lose queued work
