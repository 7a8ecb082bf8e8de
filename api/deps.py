"""Request dependencies: a database session per request, the caller's account, and
one access check per kind of resource (service, rota version, job, what-if run),
used alike by the JSON routes (bearer header) and the pages (login cookie).

Another service's resources are not found rather than forbidden, so ids do not
leak; within the caller's service a role without the right is forbidden.

No ``from __future__ import annotations`` here: the dependency factories' inner
functions annotate with their closure's ``who``, which FastAPI must see as an object,
not resolve from a string."""

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from amhp.core.states import AccountRole
from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.audit import Actor
from amhp.store.db import transaction
from amhp.store.tables import Job, RotaVersion, User, WhatIfRun
from amhp.store.users import user_for_token

bearer = HTTPBearer(auto_error=False)
ADMIN, LEAD, MANAGER, PRACTITIONER = AccountRole


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

# Database ids: anything outside a 32-bit positive integer cannot exist, and SQLite
# would overflow on it; say so as a 422 rather than fail.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def actor(user: User, via: str = "api") -> Actor:
    """The caller as the audit log records them."""
    return Actor(user.email, via)


def can_read(user: User, service_id: str) -> bool:
    return user.role == ADMIN or user.service_id == service_id


def check_service(user: User, service_id: str, *roles: str) -> None:
    """404 for another service; 403 when ``roles`` are given and the caller's is
    not among them (an admin may do everything)."""
    if not can_read(user, service_id):
        raise HTTPException(404, f"no service {service_id!r}")
    if roles and user.role != ADMIN and user.role not in roles:
        raise HTTPException(403, f"a {user.role} may not do this")


def check_own_or_lead(user: User, service_id: str, person: str | None, own: bool = True) -> None:
    """A practitioner may change what is their own (``own``: leave, requests, their
    feed link) and nobody else's; anyone else needs to be the service's lead."""
    if own and user.role == PRACTITIONER and user.service_id == service_id:
        if person is not None and person != user.person_id:
            raise HTTPException(403, "a practitioner may change only their own entries")
        return
    check_service(user, service_id, LEAD)


def rota_visible(user: User, rota: RotaVersion) -> bool:
    """Practitioners see published versions only (drafts are not found)."""
    return user.role != PRACTITIONER or rota.published_at is not None


def _owned(row: Any, what: str, row_id: int, user: User, roles: tuple[str, ...]) -> Any:
    if row is None or not can_read(user, row.service_id):
        raise HTTPException(404, f"no {what} {row_id}")
    check_service(user, row.service_id, *roles)
    return row


def check_rota(session: Session, user: User, rota_id: int, *roles: str) -> RotaVersion:
    rota = session.get(RotaVersion, rota_id)
    if rota is not None and not rota_visible(user, rota):
        rota = None
    return _owned(rota, "rota", rota_id, user, roles)


def check_job(session: Session, user: User, job_id: int, *roles: str) -> Job:
    return _owned(session.get(Job, job_id), "job", job_id, user, roles)


def check_whatif(session: Session, user: User, run_id: int, *roles: str) -> WhatIfRun:
    return _owned(session.get(WhatIfRun, run_id), "what-if", run_id, user, roles)


# As dependencies: ``who`` is how the caller is known (``current_user`` for the
# API, the pages' cookie user for pages); ``roles`` who may, besides an admin.
UserSource = Callable[..., User]


def service_access(who: UserSource, *roles: str):
    def dependency(service_id: str, user: Annotated[User, Depends(who)]) -> User:
        check_service(user, service_id, *roles)
        return user

    return Depends(dependency)


def _row_access(check: Callable[..., Any], param: str):
    """A dependency factory for one kind of stored row, addressed by the path
    parameter ``param`` (validated as a row id: 422 outside the range)."""
    row_id_type = Annotated[int, Path(ge=1, le=2_147_483_647, alias=param)]

    def factory(who: UserSource, *roles: str):
        def dependency(
            row_id: row_id_type, session: SessionDep, user: Annotated[User, Depends(who)]
        ) -> Any:
            return check(session, user, row_id, *roles)

        return Depends(dependency)

    return factory


rota_access = _row_access(check_rota, "rota_id")
job_access = _row_access(check_job, "job_id")
whatif_access = _row_access(check_whatif, "run_id")


def load_definition(session: Session, service_id: str) -> ServiceDefinition:
    """The stored service, or 404."""
    try:
        return repository.load_service(session, service_id)
    except repository.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


def runner(request: Request):
    return request.app.state.jobs


def service_etag(row) -> str:
    """A service's ETag: its revision, bumped by any change to any part of it."""
    return f'"rev-{row.revision}"'
