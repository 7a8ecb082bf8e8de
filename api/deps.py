"""Request dependencies: a database session per request and the caller's account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from amhp.store.db import transaction
from amhp.store.tables import User
from amhp.store.users import user_for_token

bearer = HTTPBearer(auto_error=False)


def get_session() -> Iterator[Session]:
    """Commit when the handler returns, roll back on any error: a failed write
    changes nothing. Used with ``scope="function"`` so the commit happens before
    the response is sent: a client that reads right after a write sees it."""
    with transaction() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    if credentials is None:
        raise HTTPException(401, "log in first", headers={"WWW-Authenticate": "Bearer"})
    user = user_for_token(session, credentials.credentials)
    if user is None:
        raise HTTPException(401, "token unknown or expired", headers={"WWW-Authenticate": "Bearer"})
    return user


UserDep = Annotated[User, Depends(current_user)]


def can_read(user: User, service_id: str) -> bool:
    return user.role == "admin" or user.service_id == service_id


def require_read(user: User, service_id: str) -> None:
    """Another service's data is not found, rather than forbidden: ids do not leak."""
    if not can_read(user, service_id):
        raise HTTPException(404, f"no service {service_id!r}")


def require_role(user: User, service_id: str, *roles: str) -> None:
    require_read(user, service_id)
    if user.role != "admin" and user.role not in roles:
        raise HTTPException(403, f"a {user.role} may not do this")


def runner(request: Request):
    return request.app.state.jobs


# Database ids: anything outside a 32-bit positive integer cannot exist, and SQLite
# would overflow on it; say so as a 422 rather than fail.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def service_etag(row) -> str:
    """A service's ETag: its revision, bumped by any change to any part of it."""
    return f'"rev-{row.revision}"'
