"""Guessing passwords is slow: at most MAX_FAILURES wrong passwords per account
(MAX_CLIENT_FAILURES per client address) within WINDOW, then LOCKOUT during which
even the right password is refused. The lockout ends by itself and is audited.
Password hashing is bounded too (Argon2 takes 64 MiB a time)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from amhp.store.audit import SYSTEM, AuditAction, record
from amhp.store.db import transaction
from amhp.store.tables import LoginAttempt, User
from amhp.store.users import authenticate

MAX_FAILURES = 10
MAX_CLIENT_FAILURES = 30  # an office behind one address must not lock itself out
WINDOW = timedelta(minutes=1)
LOCKOUT = timedelta(minutes=15)
HASHING = threading.BoundedSemaphore(2)  # concurrent Argon2 checks


class LoginLocked(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after // 60 + 1} minutes")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _keys(email: str, client: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{email.strip().lower()}", MAX_FAILURES)]
    if client:
        keys.append((f"client:{client}", MAX_CLIENT_FAILURES))
    return keys


def _locked(now: datetime, keys) -> int | None:
    with transaction() as session:
        for key, _limit in keys:
            row = session.get(LoginAttempt, key)
            if row and row.locked_until and _aware(row.locked_until) > now:
                return int((_aware(row.locked_until) - now).total_seconds()) + 1
    return None


def _count_failure(now: datetime, keys) -> None:
    with transaction() as session:
        for key, limit in keys:
            row = session.get(LoginAttempt, key) or LoginAttempt(key=key, window_start=now)
            if now - _aware(row.window_start) > WINDOW:
                row.failures, row.window_start = 0, now
            row.failures += 1
            if row.failures >= limit:
                row.locked_until, row.failures = now + LOCKOUT, 0
                record(session, SYSTEM, AuditAction.LOGIN_LOCKED, None, key,
                       detail={"until": (now + LOCKOUT).isoformat()})  # fmt: skip
            session.add(row)


def _clear(keys) -> None:
    with transaction() as session:
        row = session.get(LoginAttempt, keys[0][0])  # the account's count only
        if row:
            session.delete(row)


def login(session: Session, email: str, password: str, client: str | None) -> User | None:
    """The account for these credentials, or None; ``LoginLocked`` while locked."""
    now = datetime.now(UTC)
    keys = _keys(email, client)
    retry = _locked(now, keys)
    if retry is not None:
        raise LoginLocked(retry)
    with HASHING:
        user = authenticate(session, email, password)
    if user is None:
        _count_failure(now, keys)
    else:
        _clear(keys)
    return user
