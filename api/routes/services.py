"""Services: list, read and replace a service definition (optimistic concurrency
through the service revision as ETag), practitioners, feed links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response
from sqlmodel import select

from amhp.publish.links import feed_lines
from amhp.service.model import ServiceDefinition
from amhp.service.privacy import definition_for
from amhp.store import repository
from amhp.store.tables import ServiceRow, User
from api.deps import (
    ADMIN,
    LEAD,
    MANAGER,
    PRACTITIONER,
    SessionDep,
    UserDep,
    actor,
    check_own_or_lead,
    check_service,
    current_user,
    load_definition,
    service_access,
    service_etag,
)
from api.schemas import FeedLinkOut, ServiceSummary

router = APIRouter(prefix="/services", tags=["services"])
Reader = Annotated[User, service_access(current_user)]


@router.get("", response_model=list[ServiceSummary], responses={401: {}})
def list_services(session: SessionDep, user: UserDep) -> list[ServiceSummary]:
    stmt = select(ServiceRow).order_by(ServiceRow.id)
    if user.role != ADMIN:
        stmt = stmt.where(ServiceRow.id == user.service_id)
    return [ServiceSummary(id=r.id, name=r.name, revision=r.revision) for r in session.exec(stmt)]


@router.get("/{service_id}", response_model=ServiceDefinition, responses={401: {}, 404: {}})
def get_service(service_id: str, session: SessionDep, user: Reader, response: Response):
    definition = load_definition(session, service_id)
    response.headers["ETag"] = service_etag(session.get(ServiceRow, service_id))
    if user.role == PRACTITIONER:
        return definition_for(definition, user.person_id)
    return definition


@router.put(
    "/{service_id}",
    response_model=ServiceSummary,
    responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}},
    summary="Create or replace a service definition (If-Match: the ETag you read)",
)
def put_service(
    service_id: str,
    definition: ServiceDefinition,
    session: SessionDep,
    user: UserDep,
    if_match: str | None = Header(default=None),
) -> ServiceSummary:
    if definition.service.id != service_id:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["body", "service", "id"],
                    "msg": f"must be {service_id!r}, the id in the URL",
                    "type": "value_error",
                }
            ],
        )
    row = session.get(ServiceRow, service_id)
    if row is None:
        if user.role != ADMIN:
            raise HTTPException(404, f"no service {service_id!r}")
    else:
        check_service(user, service_id, LEAD)
        if if_match is not None and if_match != service_etag(row):
            raise HTTPException(
                409, f"the service changed since you read it (now {service_etag(row)})"
            )
    base = row.revision if row is not None and if_match is not None else None
    try:
        saved, _created = repository.save_service(session, definition, actor(user), base)
    except repository.StaleService as exc:
        raise HTTPException(409, str(exc)) from None
    return ServiceSummary(id=saved.id, name=saved.name, revision=saved.revision)


@router.get("/{service_id}/feeds", response_model=list[FeedLinkOut], responses={401: {}, 404: {}})
def feeds(service_id: str, user: Reader) -> list[FeedLinkOut]:
    """Feed links the caller may see: a practitioner only their own."""
    try:
        lines = feed_lines(service_id)
    except repository.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    if user.role == PRACTITIONER:
        lines = [x for x in lines if x.kind == "person" and x.subject == user.person_id]
    elif user.role == MANAGER:
        lines = [x for x in lines if x.kind != "person"]
    return [FeedLinkOut(kind=x.kind, subject=x.subject, path=x.path) for x in lines]


@router.post(
    "/{service_id}/feeds/person/{person_id}/reissue",
    response_model=FeedLinkOut,
    responses={401: {}, 403: {}, 404: {}},
)
def reissue_feed(service_id: str, person_id: str, user: UserDep) -> FeedLinkOut:
    """A new private link; the old one stops working."""
    check_own_or_lead(user, service_id, person_id)
    try:
        lines = feed_lines(service_id, reissue=person_id, actor=actor(user))
    except repository.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    x = next(x for x in lines if x.kind == "person" and x.subject == person_id)
    return FeedLinkOut(kind=x.kind, subject=x.subject, path=x.path)


@router.delete(
    "/{service_id}/feeds/person/{person_id}", status_code=204, responses={401: {}, 403: {}, 404: {}}
)
def revoke_feed(service_id: str, person_id: str, user: UserDep) -> Response:
    check_own_or_lead(user, service_id, person_id)
    try:
        feed_lines(service_id, revoke=person_id, actor=actor(user))
    except repository.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return Response(status_code=204)
