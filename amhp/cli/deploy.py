"""Commands for running the service beyond one process: the schema's migrations
(``amhp db``) and queue workers (``amhp worker``)."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

from amhp.core.settings import settings

console = Console()
err = Console(stderr=True)
db_app = typer.Typer(help="The database's schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database (AMHP_DATABASE_URL) to the current schema, keeping every
    row; a database made before migrations existed is recognised and kept."""
    from amhp.store import migrate
    from amhp.store.db import plain_engine

    engine = plain_engine(settings().database_url)
    before, after = migrate.upgrade(engine)
    if before == after:
        console.print(f"the database is at the current schema ({after})")
    else:
        console.print(f"upgraded the database from {before or 'empty'} to {after}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and the code's."""
    from amhp.store import migrate
    from amhp.store.db import plain_engine

    engine = plain_engine(settings().database_url)
    console.print(f"database: {migrate.current(engine) or 'none'}  code: {migrate.head()}")


def worker(
    concurrency: int = typer.Option(1, min=1, max=64, help="Solves this worker runs at once"),
) -> None:
    """Run queued solves (rota jobs, what-ifs, sweep cells) from the PostgreSQL
    database in AMHP_DATABASE_URL, on this machine; as many workers as machines."""
    from amhp.runs.queue import queue_for
    from amhp.store.db import get_engine

    config = settings()
    if not config.database_url.startswith("postgresql"):
        err.print("a worker needs a PostgreSQL AMHP_DATABASE_URL (with SQLite, `amhp serve`"
                  " solves in its own process)")  # fmt: skip
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    get_engine()  # migrate before the first task
    err.print(
        f"worker: {concurrency} at once; Ctrl-C stops it, its running solves going back"
        " in the queue for another worker"
    )
    queue_for(config.database_url).run_worker(concurrency)
