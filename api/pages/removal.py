"""Removing an entry from a page: addressed by its key (``amhp.store.edits.item_key``)
and the revision the page showed, never by its row number; a first post asks
"Remove ...?" on a page of its own, the second (with ``confirm``) removes. An entry
that has gone since the page was opened is said so, and nothing else is touched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from sqlmodel import Session

from amhp.store.edits import EditRejected, ItemGone, find_item, remove_item
from amhp.store.tables import ServiceRow, User
from api.deps import actor, load_definition
from api.json_guard import MAX_INT
from api.pages.common import render


@dataclass(frozen=True)
class Removal:
    service_id: str
    field: str
    action: str  # where the confirmation posts
    back: str  # the page to return to
    describe: Callable[[BaseModel], str]
    mine: Callable[[BaseModel], bool] = lambda _item: True


@dataclass(frozen=True)
class RemovalFields:
    """What a remove form posts: the entry's key, the revision the page showed, and
    ``confirm`` once the person has said yes."""

    key: str
    seen: int | None
    confirmed: bool


def _removal_fields(
    key: Annotated[str, Form(max_length=64)],
    revision: Annotated[int | None, Form(ge=0, le=MAX_INT)] = None,
    confirm: Annotated[str, Form()] = "",
) -> RemovalFields:
    return RemovalFields(key, revision, confirm == "yes")


RemovalForm = Annotated[RemovalFields, Depends(_removal_fields)]


def revision_of(session: Session, service_id: str) -> int:
    row = session.get(ServiceRow, service_id)
    return row.revision if row else 0


def remove_from_page(
    request: Request,
    session: Session,
    user: User,
    removal: Removal,
    form: RemovalFields,
) -> HTMLResponse | RedirectResponse:
    key, seen = form.key, form.seen
    definition = load_definition(session, removal.service_id)
    item = find_item(definition, removal.field, key)
    now = revision_of(session, removal.service_id)
    if item is None or not removal.mine(item):
        changed = seen is not None and seen != now
        text = (
            "This changed since you opened it: the entry is no longer there, so nothing "
            "was removed. Go back to see the list as it is now."
            if changed
            else "There is no such entry to remove."
        )
        return _page(request, user, removal, 409 if changed else 404, gone=text)
    context = {"question": f"Remove {removal.describe(item)}?", "key": key, "revision": seen}
    if not form.confirmed:
        return _page(request, user, removal, 200, **context)
    try:
        remove_item(session, removal.service_id, removal.field, key, actor(user, "page"), seen)
    except ItemGone as exc:
        return _page(request, user, removal, 409, gone=f"{exc}. Nothing was removed.")
    except EditRejected as exc:
        session.rollback()
        problems = [f"{path}: {msg}" for _loc, path, msg in exc.problems]
        return _page(request, user, removal, 409, problems=problems, **context)
    sep = "&" if "?" in removal.back else "?"
    return RedirectResponse(f"{removal.back}{sep}done=removed", status_code=303)


def _page(request, user, removal: Removal, status_code: int, **context) -> HTMLResponse:
    return render(
        request,
        "confirm_remove.html",
        user,
        status_code=status_code,
        action=removal.action,
        back=removal.back,
        **context,
    )
