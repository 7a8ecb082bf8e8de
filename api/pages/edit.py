"""Forms for the parts of a service a lead keeps up to date: practitioners, leave
and requests. One page per part: the list, an add form and a remove button per
row. Every change goes through :mod:`amhp.store.edits`, so the form is checked
exactly like a service file and a rejected one changes nothing; the messages sit
beside the inputs they are about."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import get_args

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from amhp.service.model import Leave, Role
from amhp.store.edits import EditRejected, add_item, item_key
from api.deps import LEAD, SessionDep, actor, check_service, load_definition
from api.pages.common import PageUser, field_errors, render
from api.pages.removal import Removal, RemovalForm, remove_from_page, revision_of

router = APIRouter(prefix="/app/services/{service_id}", include_in_schema=False)


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str  # text | date | number | select | checkboxes
    options: str = ""  # for selects: "people", "shifts", "roles", "leave_kinds", "want"
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class Part:
    slug: str  # URL segment
    field: str  # ServiceDefinition attribute
    title: str
    inputs: tuple[Input, ...]
    columns: tuple[str, ...]  # item attributes shown in the list


PARTS = {
    p.slug: p
    for p in (
        Part(
            "practitioners",
            "practitioners",
            "Practitioners",
            (
                Input("id", "Id", "text", hint="letters, digits, - or _; e.g. ap31"),
                Input("name", "Name", "text"),
                Input("role", "Role", "select", "roles"),
                Input("fte", "FTE", "number", required=False, hint="0.1 to 1; default 1"),
                Input("shift_types", "Shifts they do", "checkboxes", "shifts"),
                Input(
                    "warranted_from",
                    "Warranted from",
                    "date",
                    required=False,
                    hint="required for a trainee",
                ),
            ),
            ("id", "name", "role", "fte", "shift_types", "warranted_from"),
        ),
        Part(
            "leave",
            "leave",
            "Leave",
            (
                Input("person", "Person", "select", "people"),
                Input("kind", "Kind", "select", "leave_kinds"),
                Input("start", "First day", "date"),
                Input("end", "Last day", "date"),
            ),
            ("person", "kind", "start", "end"),
        ),
        Part(
            "callouts",
            "callouts",
            "Callouts",
            (
                Input("person", "Person", "select", "people"),
                Input("date", "Night of", "date", hint="no day duty the next morning; then repair"),
            ),
            ("person", "date"),
        ),
        Part(
            "requests",
            "requests",
            "Requests",
            (
                Input("person", "Person", "select", "people"),
                Input("date", "Date", "date"),
                Input("want", "Request", "select", "want"),
                Input("shift", "Shift", "select", "shifts", required=False, hint="any shift"),
                Input("weight", "Weight", "number", required=False, hint="1 to 10000; default 50"),
            ),
            ("person", "date", "want", "shift", "weight"),
        ),
    )
}


def options(definition) -> dict[str, list[tuple[str, str]]]:
    return {
        "people": [(p.id, f"{p.name} ({p.id})") for p in definition.practitioners],
        "shifts": [(s.code, f"{s.name} ({s.code})") for s in definition.shift_types],
        "roles": [(r, r) for r in get_args(Role)],
        "leave_kinds": [(k, k) for k in get_args(Leave.model_fields["kind"].annotation)],
        "want": [("false", "would rather not work"), ("true", "would like to work")],
    }


def to_item(part: Part, form: dict[str, list[str]]) -> dict:
    """Form strings to an item: empty optionals left out (their defaults apply),
    numbers and booleans converted where they parse; what does not parse is left
    for validation to name."""
    item: dict = {}
    for field in part.inputs:
        values = [v.strip() for v in form.get(field.name, []) if v.strip()]
        if field.kind == "checkboxes":
            item[field.name] = values
            continue
        if not values:
            if field.required:
                item[field.name] = ""
            continue
        value: object = values[0]
        if field.kind == "number":
            with suppress(ValueError):
                value = float(values[0]) if "." in values[0] else int(values[0])
        if field.options == "want":
            value = values[0] == "true"
        item[field.name] = value
    return item


def _part(slug: str) -> Part:
    if slug not in PARTS:
        raise HTTPException(404, f"no page {slug!r}")
    return PARTS[slug]


def _page(
    request, session, user, definition, part, status_code=200, errors=None, form=None, done=None
):
    return render(
        request,
        "collection.html",
        user,
        status_code=status_code,
        service=definition,
        part=part,
        items=[(item_key(part.field, i), i) for i in getattr(definition, part.field)],
        revision=revision_of(session, definition.service.id),
        options=options(definition),
        errors=errors or {},
        form=form or {},
        message={"saved": "Saved.", "removed": "Removed."}.get(done or ""),
    )


@router.get("/{slug}", response_class=HTMLResponse)
def show(request: Request, service_id: str, slug: str, session: SessionDep, user: PageUser):
    part = _part(slug)
    check_service(user, service_id, LEAD)
    definition = load_definition(session, service_id)
    return _page(request, session, user, definition, part, done=request.query_params.get("done"))


@router.post("/{slug}", response_class=HTMLResponse)
async def add(request: Request, service_id: str, slug: str, session: SessionDep, user: PageUser):
    part = _part(slug)
    check_service(user, service_id, LEAD)
    raw = await request.form()
    form = {k: [str(v) for v in raw.getlist(k)] for k in raw}
    try:
        add_item(session, service_id, part.field, to_item(part, form), actor(user, "page"))
    except EditRejected as exc:
        session.rollback()
        definition = load_definition(session, service_id)
        errors = field_errors(exc.problems)
        return _page(request, session, user, definition, part, 422, errors, form)
    return RedirectResponse(f"/app/services/{service_id}/{slug}?done=saved", status_code=303)


@router.post("/{slug}/remove", response_class=HTMLResponse)
def remove(
    request: Request,
    service_id: str,
    slug: str,
    session: SessionDep,
    user: PageUser,
    form: RemovalForm,
):
    part = _part(slug)
    check_service(user, service_id, LEAD)
    removal = Removal(
        service_id,
        part.field,
        action=f"/app/services/{service_id}/{slug}/remove",
        back=f"/app/services/{service_id}/{slug}",
        describe=lambda item: _describe(part, item),
    )
    return remove_from_page(request, session, user, removal, form)


def _describe(part: Part, item) -> str:
    shown = [getattr(item, c) for c in part.columns]
    text = ", ".join(
        ", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
        for v in shown
        if v is not None
    )
    return f"this entry from {part.title.lower()} ({text})"
