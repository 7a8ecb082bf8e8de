"""Accounts and bearer tokens. Passwords are hashed with Argon2id (argon2-cffi);
tokens are random, stored only as SHA-256, and expire."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from amhp.core.states import AccountRole
from amhp.store.audit import SYSTEM, Actor, AuditAction, record
from amhp.store.tables import AuthToken, DisabledAccount, ServiceRow, User, utcnow

ROLES = tuple(AccountRole)
TOKEN_TTL = timedelta(hours=12)
_hasher = PasswordHasher()


class AccountError(ValueError):
    pass


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str,
    service_id: str | None = None,
    person_id: str | None = None,
    actor: Actor = SYSTEM,
) -> User:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise AccountError("password: at least 10 characters")
    if role != "admin" and service_id is None:
        raise AccountError(f"a {role} belongs to a service: give --service")
    if service_id is not None and session.get(ServiceRow, service_id) is None:
        raise AccountError(f"no service {service_id!r}")
    if role == "practitioner" and person_id is None:
        raise AccountError("a practitioner account needs --person (their practitioner id)")
    if session.exec(select(User).where(User.email == email.lower())).first():
        raise AccountError(f"an account for {email} exists already")
    user = User(
        email=email.lower(),
        password_hash=_hasher.hash(password),
        role=role,
        service_id=service_id,
        person_id=person_id,
    )
    session.add(user)
    session.flush()
    detail = {"email": user.email, "role": role, "person": person_id}
    record(session, actor, AuditAction.ACCOUNT_CREATED, service_id, user.email, person_id, detail)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.email == email.lower())).first()
    if user is None or is_disabled(session, user):
        _hasher.hash(password)  # same work either way: no timing hint about who exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User) -> tuple[str, datetime]:
    purge_expired_tokens(session)
    token = secrets.token_urlsafe(32)
    expires = utcnow() + TOKEN_TTL
    session.add(AuthToken(token_hash=_digest(token), user_id=user.id, expires_at=expires))
    session.flush()
    return token, expires


def user_for_token(session: Session, token: str) -> User | None:
    row = session.get(AuthToken, _digest(token))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC):
        return None
    user = session.get(User, row.user_id)
    return None if user is None or is_disabled(session, user) else user


def revoke_token(session: Session, token: str) -> None:
    """Logging out: the token stops working at once, wherever it was copied."""
    row = session.get(AuthToken, _digest(token))
    if row is not None:
        session.delete(row)


def purge_expired_tokens(session: Session) -> None:
    session.exec(delete(AuthToken).where(col(AuthToken.expires_at) < utcnow()))


def revoke_sessions(session: Session, user: User) -> None:
    """Every token of the account stops working (all its devices are logged out)."""
    session.exec(delete(AuthToken).where(col(AuthToken.user_id) == user.id))


def is_disabled(session: Session, user: User) -> bool:
    return session.get(DisabledAccount, user.id) is not None


def account(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == email.lower())).first()
    if user is None:
        raise AccountError(f"no account for {email}")
    return user


def set_disabled(session: Session, email: str, disabled: bool, actor: Actor = SYSTEM) -> User:
    """Disable (logged out everywhere, no login) or enable an account."""
    user = account(session, email)
    row = session.get(DisabledAccount, user.id)
    if disabled and row is None:
        session.add(DisabledAccount(user_id=user.id))
        revoke_sessions(session, user)
    elif not disabled and row is not None:
        session.delete(row)
    action = AuditAction.ACCOUNT_DISABLED if disabled else AuditAction.ACCOUNT_ENABLED
    record(session, actor, action, user.service_id, user.email, user.person_id)
    return user


def set_password(session: Session, email: str, password: str, actor: Actor = SYSTEM) -> User:
    """A new password; every session of the account ends."""
    if len(password) < 10:
        raise AccountError("password: at least 10 characters")
    user = account(session, email)
    user.password_hash = _hasher.hash(password)
    session.add(user)
    revoke_sessions(session, user)
    record(session, actor, AuditAction.PASSWORD_CHANGED, user.service_id, user.email,
           user.person_id)  # fmt: skip
    return user
