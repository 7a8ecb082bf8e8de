"""Editing one part of a stored service (its practitioners, leave, requests, fixed
cells, ...): the whole definition is validated again after the change, so
cross-references are checked exactly as for a service file, and a failed edit
writes nothing. The API's collections and the web pages' forms both edit here.

Edits are optimistic: each is based on the revision it read, checked at write
time. Adding an item retries on a concurrent change (the lead's leave and an AMHP's
request both land); an edit made against a revision the caller names
(``If-Match``) is refused instead (``StaleService``)."""

from __future__ import annotations

import hashlib
import json
import random
import time

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from amhp.rota.fixed_cells import fixed_cell_conflicts
from amhp.service.file import format_path, validation_problems
from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.audit import SYSTEM, Actor
from amhp.store.tables import ServiceRow


class EditRejected(ValueError):
    """The changed service would be invalid: ``problems`` are (loc, path, message)
    with ``path`` as in service-file errors (``leave[3].start``)."""

    def __init__(self, problems: list[tuple[tuple, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {msg}" for _, path, msg in problems))


def replace_items(
    session: Session,
    definition: ServiceDefinition,
    field: str,
    items: list[dict],
    actor: Actor = SYSTEM,
    expected_revision: int | None = None,
) -> ServiceRow:
    data = definition.model_dump(mode="json")
    data[field] = items
    try:
        updated = ServiceDefinition.model_validate(data)
    except ValidationError as exc:
        raise EditRejected(
            [(tuple(loc), format_path(loc), msg) for loc, msg in validation_problems(exc)]
        ) from None
    if field == "fixed":
        _check_new_fixed_cells(definition, updated)
    saved, _ = repository.save_service(session, updated, actor, expected_revision)
    return saved


def _check_new_fixed_cells(before: ServiceDefinition, after: ServiceDefinition) -> None:
    """Cells added by this edit must not break a hard rule (cells kept from before
    are not checked again: a later leave entry may have made one impossible, and
    that is the lead's to resolve, not a reason to refuse every other edit)."""
    new = [i for i, cell in enumerate(after.fixed) if cell not in before.fixed]
    conflicts = fixed_cell_conflicts(after, new)
    if conflicts:
        raise EditRejected([(("fixed", i), f"fixed[{i}]", msg) for i, msg in conflicts])


def add_item(
    session: Session,
    service_id: str,
    field: str,
    item: dict,
    actor: Actor = SYSTEM,
    if_match: int | None = None,
) -> ServiceRow:
    """Append one item; a concurrent change to the service is re-read and the item
    added to it (unless ``if_match`` names the revision the caller saw)."""

    def attempt() -> ServiceRow:
        revision, definition, current = _read(session, service_id, field, if_match)
        return replace_items(session, definition, field, [*current, item], actor, revision)

    return _retrying(session, attempt, retry=if_match is None)


# Items with an id of their own are addressed by it; the rest (leave, requests,
# fixed cells, cover rules, callouts) by a key made from their content, so a stale
# page or a second click can only ever address the very entry it showed.
KEY_FIELDS = {"practitioners": "id", "shift_types": "code"}


def item_key(field: str, item: BaseModel | dict) -> str:
    data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
    if field in KEY_FIELDS:
        return str(data[KEY_FIELDS[field]])
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class ItemGone(repository.NotFound):
    """The entry a caller addressed is not there (any more)."""


def remove_item(
    session: Session,
    service_id: str,
    field: str,
    key: str,
    actor: Actor = SYSTEM,
    seen_revision: int | None = None,
) -> ServiceRow:
    """Remove the entry with this key. ``seen_revision`` (the revision the caller's
    page or read showed) only words the answer when the entry is gone: changed since
    then, or never there. The write is checked against the revision read here."""
    revision, definition, current = _read(session, service_id, field, None)
    keys = [item_key(field, item) for item in current]
    if key not in keys:
        if seen_revision is not None and seen_revision != revision:
            raise ItemGone("this changed since you opened it: reload to see it as it is now")
        raise ItemGone(f"no {field.replace('_', ' ')} entry {key!r}")
    index = keys.index(key)
    rest = current[:index] + current[index + 1 :]
    return replace_items(session, definition, field, rest, actor, revision)


def find_item(definition: ServiceDefinition, field: str, key: str) -> BaseModel | None:
    return next((item for item in getattr(definition, field) if item_key(field, item) == key), None)


def _read(session: Session, service_id: str, field: str, if_match: int | None):
    """(the revision the edit is based on, the service, the field's items as JSON):
    the revision is read first, so a change committed after it fails the write."""
    revision = _revision(session, service_id) if if_match is None else if_match
    definition = repository.load_service(session, service_id)
    return revision, definition, [i.model_dump(mode="json") for i in getattr(definition, field)]


TRIES = 30  # with a short random pause between, grown each time


def _revision(session: Session, service_id: str) -> int:
    row = session.get(ServiceRow, service_id)
    if row is None:
        raise repository.NotFound(f"no service {service_id!r}")
    return row.revision


def _retrying(session: Session, attempt, retry: bool) -> ServiceRow:
    for n in range(TRIES if retry else 1):
        try:
            return attempt()
        except repository.StaleService:
            if not retry:
                raise
            session.rollback()  # forget what was read: the next try reads afresh
            time.sleep(random.uniform(0, min(0.005 * 2**n, 0.2)))
    raise repository.StaleService("the service")
