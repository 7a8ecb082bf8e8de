"""The databases tests run on: the embedded SQLite file and a real PostgreSQL
server the tests start themselves (``tests/support/postgres.py``)."""

from __future__ import annotations

import os

BACKENDS = ("sqlite", "postgresql")
FEED_KEY = "a test key for the feed links, 32+ chars"


def backend_env(url: str) -> dict:
    """What a process on ``url`` needs besides the URL: a server database has no
    file to keep the feed key beside, so the key is given; and solves stay in the
    web process (the queue and its workers are tested on their own)."""
    env = {"AMHP_DATABASE_URL": url}
    if url.startswith("postgresql"):
        env.update(AMHP_SECRET_KEY=FEED_KEY, AMHP_SOLVE_IN_PROCESS="true")
    return env


def server_env(url: str, **extra: str) -> dict:
    """The environment for an ``amhp`` process on ``url``."""
    return {**os.environ, **backend_env(url), **extra}
