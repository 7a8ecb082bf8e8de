"""The parts of a service as resources: practitioners, shift types, cover rules,
leave, requests and fixed cells. One router factory serves them all.

Entries with an id of their own (practitioners, shift types) are addressed by it;
the rest by ``key``, made from the entry's content and returned with every entry,
so a stale client can only ever address the entry it saw (never "row 3", which a
concurrent change may have made someone else's).

Every write loads the service definition, changes one item, validates the whole
definition again (so cross-references are checked exactly as for a service file)
and saves it with a new revision; ``If-Match`` with the service's ETag guards
against overwriting someone else's edit (409). Practitioners may list, add and
remove their own leave and requests.

(No ``from __future__ import annotations`` here: the handlers' body types are the
collection's model, which FastAPI must see as a real class, not a string.)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Response
from pydantic import BaseModel, Field, create_model

from amhp.service.model import (
    Callout,
    CoverRule,
    FixedAssignment,
    Leave,
    Practitioner,
    RequestDef,
    ServiceDefinition,
    ShiftTypeDef,
)
from amhp.store import edits
from amhp.store.edits import KEY_FIELDS, EditRejected, item_key, replace_items
from amhp.store.repository import StaleService
from amhp.store.tables import ServiceRow, User
from api.deps import (
    PRACTITIONER,
    SessionDep,
    UserDep,
    actor,
    check_own_or_lead,
    check_service,
    load_definition,
    service_etag,
)

WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


@dataclass(frozen=True)
class Collection:
    path: str  # URL segment
    field: str  # ServiceDefinition attribute
    model: type[BaseModel]
    own: bool = False  # practitioners may manage their own items

    @property
    def entry(self) -> type[BaseModel]:
        """The item as returned: with the ``key`` that addresses it."""
        return _entry_model(self.model)

    def keyed(self, item: BaseModel) -> BaseModel:
        return self.entry.model_validate({**item.model_dump(), "key": item_key(self.field, item)})


@cache
def _entry_model(model: type[BaseModel]) -> type[BaseModel]:
    return create_model(
        f"{model.__name__}Entry",
        __base__=model,
        key=(str, Field(description="addresses this entry in PUT and DELETE")),
    )


COLLECTIONS = (
    Collection("practitioners", "practitioners", Practitioner),
    Collection("shift-types", "shift_types", ShiftTypeDef),
    Collection("cover-rules", "cover", CoverRule),
    Collection("leave", "leave", Leave, own=True),
    Collection("callouts", "callouts", Callout),
    Collection("requests", "requests", RequestDef, own=True),
    Collection("fixed-cells", "fixed", FixedAssignment),
)


def _may_write(user: User, service_id: str, c: Collection, item: BaseModel | None) -> None:
    # An entry without a person is nobody's own ("" matches no practitioner).
    person = None if item is None else (getattr(item, "person", None) or "")
    check_own_or_lead(user, service_id, person, own=c.own)


def _base(session, user: User, service_id: str, if_match: str | None) -> int:
    """The revision this request's change is based on, read before the service
    itself: a change committed in between makes the write's check fail (409)
    rather than be lost. A stale ``If-Match`` is refused at once."""
    check_service(user, service_id)
    row = session.get(ServiceRow, service_id)
    if row is None:
        raise HTTPException(404, f"no service {service_id!r}")
    if if_match is not None and if_match != service_etag(row):
        raise HTTPException(409, f"the service changed since you read it (now {service_etag(row)})")
    return row.revision


@contextmanager
def _edit_errors() -> Iterator[None]:
    """A refused edit: 422 naming each field; a concurrent change: 409."""
    try:
        yield
    except EditRejected as exc:
        detail = [
            {"loc": ["body", *loc], "msg": msg, "type": "value_error", "path": path}
            for loc, path, msg in exc.problems
        ]
        raise HTTPException(422, detail) from None
    except StaleService as exc:
        raise HTTPException(409, str(exc)) from None


def _save(session, definition, c: Collection, items: list, revision: int, user: User) -> None:
    dumped = [i.model_dump(mode="json") for i in items]
    with _edit_errors():
        replace_items(session, definition, c.field, dumped, actor(user), revision)


def make_router(c: Collection) -> APIRouter:
    router = APIRouter(prefix="/services/{service_id}/" + c.path, tags=[c.path])
    model = c.model

    def load(session, user, service_id: str, if_match: str | None = None):
        """(the service, the revision it was read at)."""
        revision = _base(session, user, service_id, if_match)
        return load_definition(session, service_id), revision

    def find(definition: ServiceDefinition, key: str) -> int:
        items = getattr(definition, c.field)
        for i, item in enumerate(items):
            if item_key(c.field, item) == key:
                return i
        raise HTTPException(404, f"no {c.path} entry {key!r} (changed or removed?)")

    @router.get(
        "",
        response_model=list[c.entry],
        responses={401: {}, 403: {}, 404: {}},
        summary=f"List {c.path}",
    )
    def list_items(service_id: str, session: SessionDep, user: UserDep, response: Response):
        definition, _revision = load(session, user, service_id)
        items = getattr(definition, c.field)
        if user.role == PRACTITIONER:
            if not c.own:
                raise HTTPException(403, "practitioners see only their own leave and requests")
            items = [i for i in items if i.person == user.person_id]
        response.headers["ETag"] = service_etag(session.get(ServiceRow, service_id))
        return [c.keyed(i) for i in items]

    @router.post(
        "",
        response_model=c.entry,
        status_code=201,
        responses=WRITE_RESPONSES,
        summary=f"Add to {c.path}",
    )
    def add_item(
        service_id: str,
        item: model,
        session: SessionDep,
        user: UserDep,
        if_match: str | None = Header(default=None),
    ):
        revision = _base(session, user, service_id, if_match)
        _may_write(user, service_id, c, item)
        named = revision if if_match is not None else None  # else: retried on a race
        with _edit_errors():
            edits.add_item(
                session, service_id, c.field, item.model_dump(mode="json"), actor(user), named
            )
        return c.keyed(item)

    @router.put(
        "/{key}",
        response_model=c.entry,
        responses=WRITE_RESPONSES,
        summary=f"Replace one of {c.path}",
    )
    def replace_item(
        service_id: str,
        key: str,
        item: model,
        session: SessionDep,
        user: UserDep,
        if_match: str | None = Header(default=None),
    ):
        definition, revision = load(session, user, service_id, if_match)
        index = find(definition, key)
        _may_write(user, service_id, c, getattr(definition, c.field)[index])
        _may_write(user, service_id, c, item)
        own_key = KEY_FIELDS.get(c.field)
        if own_key and item_key(c.field, item) != key:
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", own_key],
                        "type": "value_error",
                        "msg": f"must be {key!r}, the key in the URL",
                    }
                ],
            )
        items = list(getattr(definition, c.field))
        items[index] = item
        _save(session, definition, c, items, revision, user)
        return c.keyed(item)

    @router.delete(
        "/{key}", status_code=204, responses=WRITE_RESPONSES, summary=f"Remove one of {c.path}"
    )
    def delete_item(
        service_id: str,
        key: str,
        session: SessionDep,
        user: UserDep,
        if_match: str | None = Header(default=None),
    ) -> Response:
        definition, revision = load(session, user, service_id, if_match)
        index = find(definition, key)
        _may_write(user, service_id, c, getattr(definition, c.field)[index])
        items = [x for i, x in enumerate(getattr(definition, c.field)) if i != index]
        _save(session, definition, c, items, revision, user)
        return Response(status_code=204)

    return router


routers = [make_router(c) for c in COLLECTIONS]
