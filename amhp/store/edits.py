"""Editing one part of a stored service (its practitioners, leave, requests, fixed
cells, ...): the whole definition is validated again after the change, so
cross-references are checked exactly as for a service file, and a failed edit
writes nothing. The API's collections and the web pages' forms both edit here."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import Session

from amhp.service.file import format_path, validation_problems
from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.tables import ServiceRow


class EditRejected(ValueError):
    """The changed service would be invalid: ``problems`` are (loc, path, message)
    with ``path`` as in service-file errors (``leave[3].start``)."""

    def __init__(self, problems: list[tuple[tuple, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {msg}" for _, path, msg in problems))


def replace_items(
    session: Session, definition: ServiceDefinition, field: str, items: list[dict]
) -> ServiceRow:
    data = definition.model_dump(mode="json")
    data[field] = items
    try:
        updated = ServiceDefinition.model_validate(data)
    except ValidationError as exc:
        raise EditRejected(
            [(tuple(loc), format_path(loc), msg) for loc, msg in validation_problems(exc)]
        ) from None
    saved, _ = repository.save_service(session, updated)
    return saved


def add_item(session: Session, service_id: str, field: str, item: dict) -> ServiceRow:
    definition = repository.load_service(session, service_id)
    current = [i.model_dump(mode="json") for i in getattr(definition, field)]
    return replace_items(session, definition, field, [*current, item])


def remove_item(session: Session, service_id: str, field: str, index: int) -> ServiceRow:
    definition = repository.load_service(session, service_id)
    current = [i.model_dump(mode="json") for i in getattr(definition, field)]
    if not 0 <= index < len(current):
        raise repository.NotFound(f"no {field} item {index}")
    return replace_items(session, definition, field, current[:index] + current[index + 1 :])
