"""The one place settings are read: environment variables prefixed ``AMHP_``
(pydantic-settings), validated when read, so a bad value is an error naming the
variable rather than a surprise later."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

KEY_FILE_NAME = "amhp-secret.key"
PREFIX = "AMHP_"


class Search(StrEnum):
    """How rotas are searched for (``AMHP_SEARCH``)."""

    REPEATABLE = "repeatable"
    PORTFOLIO = "portfolio"


class SettingsError(ValueError):
    """A setting is missing or wrong for what was asked of it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore", frozen=True)  # shared

    database_url: str = Field(
        default="sqlite:///amhp.db", description="SQLAlchemy URL; a SQLite file by default"
    )
    secret_key: SecretStr | None = Field(
        default=None, description="HMAC key of the feed links (else the key file)"
    )
    secret_file: Path | None = Field(
        default=None, description="where the feed key lives (default: beside the SQLite file)"
    )
    public_url: str | None = Field(
        default=None, description="the address people reach the server at, behind a proxy"
    )
    max_solves: int = Field(default=1, ge=1, le=64, description="rota solves run at once")
    db_pool_size: int = Field(
        default=32, ge=2, le=512, description="database connections one server process keeps"
    )
    request_wait_seconds: float = Field(
        default=10, gt=0, le=300, description="how long a request waits for a turn, then 503"
    )
    search: Search = Field(
        default=Search.REPEATABLE,
        description="repeatable: the same rota for the same service and month, loaded or idle"
        " (CP-SAT's interleaved search on a work budget); portfolio: the free-running"
        " multi-threaded search, not repeatable",
    )
    max_job_seconds: float = Field(
        default=600, gt=0, le=86_400, description="the longest time limit a job may ask for"
    )
    feed_recheck_seconds: float = Field(
        default=2,
        ge=0,
        le=3600,
        description="how long a feed is answered from memory before the database is asked "
        "again (changes made through this server are seen at once)",
    )
    access_log: bool = Field(
        default=True,
        description="`amhp serve` logs a line per request (off behind a proxy that logs)",
    )
    solve_in_process: bool | None = Field(
        default=None,
        description="solve in the web process's own pool (default: yes for SQLite; for"
        " PostgreSQL no, jobs go to the queue for `amhp worker` processes)",
    )
    run_stale_seconds: float = Field(
        default=30,
        ge=5,
        le=3600,
        description="a running job whose worker has not beaten for this long is lost:"
        " started again once, then failed naming the worker",
    )
    max_jobs_per_service: int = Field(
        default=3, ge=1, le=100, description="jobs one service may have queued or running"
    )

    smtp_host: str | None = Field(
        default=None, description="mail server; unset: emails wait in the outbox, unsent"
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="mail server port")
    smtp_starttls: bool = Field(default=False, description="upgrade the connection (STARTTLS)")
    smtp_user: str | None = Field(default=None, description="mail login, when the server asks")
    smtp_password: SecretStr | None = Field(default=None, description="mail password")
    mail_from: str = Field(default="amhp-rota@localhost", description="the sender of every email")
    mail_poll_seconds: float = Field(
        default=5, gt=0, le=3600, description="how often the sender looks for queued emails"
    )
    mail_retry_seconds: float = Field(
        default=30, gt=0, le=86_400, description="the first retry's wait; each next one doubles"
    )
    mail_max_attempts: int = Field(
        default=6, ge=1, le=50, description="attempts before an email is marked failed"
    )

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, for a SQLite URL naming one."""
        url = self.database_url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            return Path(url.removeprefix("sqlite:///"))
        return None

    @property
    def key_file(self) -> Path:
        """The feed key's file: explicit, else beside the database file. A server
        database has no file to sit beside: it needs the key or its file named."""
        if self.secret_file is not None:
            return self.secret_file
        if self.sqlite_path is not None:
            return self.sqlite_path.with_name(KEY_FILE_NAME)
        raise SettingsError(
            "AMHP_SECRET_KEY or AMHP_SECRET_FILE must be set when the database is not a SQLite file"
        )


def runs_in_process(config: Settings) -> bool:
    """Whether this web process solves its own jobs (else a queue worker does)."""
    if config.solve_in_process is not None:
        return config.solve_in_process
    return not config.database_url.startswith("postgresql")


def concurrent_requests(config: Settings) -> int:
    """Requests one process serves at once: each holds at most one connection, and a
    few are left for the background runs, so a request never waits for a connection
    held by a request that is itself waiting (the stall under load)."""
    return max(1, config.db_pool_size - 4)


def settings() -> Settings:
    """The settings the environment gives now: read again whenever an ``AMHP_``
    variable changed (tests and the CLI change them per run), else the copy read
    last (reading costs about a millisecond, and every request asks)."""
    return _read(
        tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(PREFIX)))
    )


@lru_cache(maxsize=16)
def _read(_environment: tuple[tuple[str, str], ...]) -> Settings:
    return Settings()
