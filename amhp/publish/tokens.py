"""Unguessable, revocable calendar feed links.

A token is HMAC-SHA256(secret, "service:kind:subject:version") truncated to 160
bits, base32-encoded. The database keeps only its SHA-256, so a copy of the
database does not give away any link; the secret key lives outside it
(AMHP_SECRET_KEY, or a key file beside the SQLite database, made on first use).
Re-issuing bumps the version, which changes the token and revokes the old one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from sqlmodel import Session, select

from amhp.core.settings import settings
from amhp.store.tables import FeedToken, utcnow


def secret_key() -> bytes:
    config = settings()
    if config.secret_key is not None:
        return config.secret_key.get_secret_value().encode()
    path = config.key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def make_token(service_id: str, kind: str, subject: str, version: int) -> str:
    msg = f"{service_id}:{kind}:{subject}:{version}".encode()
    digest = hmac.new(secret_key(), msg, hashlib.sha256).digest()[:20]
    return base64.b32encode(digest).decode().rstrip("=").lower()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _current(session: Session, service_id: str, kind: str, subject: str) -> FeedToken | None:
    stmt = (
        select(FeedToken)
        .where(FeedToken.service_id == service_id, FeedToken.kind == kind)
        .where(FeedToken.subject == subject)
        .order_by(FeedToken.version.desc())
    )
    return session.exec(stmt).first()


def ensure_token(session: Session, service_id: str, kind: str, subject: str) -> str:
    """The live token for a feed, issuing one if there is none (or it was revoked)."""
    row = _current(session, service_id, kind, subject)
    if row is not None and row.revoked_at is None:
        return make_token(service_id, kind, subject, row.version)
    version = row.version + 1 if row else 1
    token = make_token(service_id, kind, subject, version)
    session.add(
        FeedToken(
            service_id=service_id,
            kind=kind,
            subject=subject,
            version=version,
            token_hash=token_hash(token),
        )
    )
    session.flush()
    return token


def revoke(session: Session, service_id: str, kind: str, subject: str) -> bool:
    row = _current(session, service_id, kind, subject)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    session.add(row)
    session.flush()
    return True


def reissue(session: Session, service_id: str, kind: str, subject: str) -> str:
    revoke(session, service_id, kind, subject)
    return ensure_token(session, service_id, kind, subject)


def resolve(session: Session, token: str) -> FeedToken | None:
    """The live feed a token opens, or None (unknown or revoked)."""
    row = session.exec(select(FeedToken).where(FeedToken.token_hash == token_hash(token))).first()
    return row if row is not None and row.revoked_at is None else None
