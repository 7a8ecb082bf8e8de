"""Storing and loading services and rota versions.

``save_service`` is an idempotent upsert: shift types and practitioners keep their
rows (matched by code / person id) so later references stay valid; a list-like
section (cover, leave, requests, callouts, fixed cells) is written only when it
changed: appended items are inserted alone, any other change replaces the section.
It runs inside the caller's transaction, so a failed import changes nothing.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete, func, select, update

from amhp.core.months import months_from
from amhp.core.states import RotaState
from amhp.rota.reader import read_export
from amhp.service.model import (
    Callout,
    CoverRule,
    FixedAssignment,
    Leave,
    Practitioner,
    RequestDef,
    ServiceDefinition,
    ServiceInfo,
    ShiftTypeDef,
)
from amhp.store.audit import SYSTEM, Actor, AuditAction, person_of, record, section_changes
from amhp.store.tables import (
    AssignmentRow,
    CalloutRow,
    CoverRuleRow,
    FixedCellRow,
    LeaveRow,
    PractitionerRow,
    RequestRow,
    RotaVersion,
    ServiceRow,
    ShiftTypeRow,
    utcnow,
)


class NotFound(LookupError):
    pass


class StaleService(Exception):
    """The service changed since the revision this write was based on."""

    def __init__(self, service_id: str) -> None:
        super().__init__(f"{service_id} changed since it was read; read it again")


def save_service(
    session: Session,
    definition: ServiceDefinition,
    actor: Actor = SYSTEM,
    expected_revision: int | None = None,
) -> tuple[ServiceRow, bool]:
    """Create or update a service from its definition; returns (row, created). A
    change is written to the audit log with what changed, section by section.

    The revision is checked and raised at write time, in one statement, before
    anything else is written: ``StaleService`` when it is no longer
    ``expected_revision`` (default: the revision read here), so of two writes based
    on the same revision exactly one lands and nothing is lost silently."""
    info = definition.service
    row = session.get(ServiceRow, info.id)
    created = row is None
    base = expected_revision if expected_revision is not None else (row.revision if row else 0)
    before = None if created else load_service(session, info.id)
    # The revision is the service's ETag: any change to any part of it bumps it.
    changed = created or before != definition
    if not created and (changed or expected_revision is not None):
        bumped = session.execute(
            update(ServiceRow)
            .where(col(ServiceRow.id) == info.id, col(ServiceRow.revision) == base)
            .values(revision=base + int(changed), updated_at=utcnow())
        )
        if bumped.rowcount != 1:
            raise StaleService(info.id)
        session.expire(row)
    if changed:
        _audit_service(session, actor, before, definition)
    fields = {
        "name": info.name,
        "timezone": info.timezone,
        "holiday_country": info.holiday_country,
        "holiday_subdivision": info.holiday_subdivision,
        "rota_mailbox": info.rota_mailbox,
        "areas": list(definition.areas),
        "locations": [loc.model_dump(mode="json") for loc in definition.locations],
        "rules": definition.rules.model_dump(mode="json"),
    }
    if row is None:
        row = ServiceRow(id=info.id, **fields)
    else:
        for key, value in fields.items():
            setattr(row, key, value)
    session.add(row)
    session.flush()
    _sync_keyed(
        session,
        ShiftTypeRow,
        info.id,
        "code",
        {
            s.code: {"position": i, "data": s.model_dump(mode="json")}
            for i, s in enumerate(definition.shift_types)
        },
    )
    _sync_keyed(
        session,
        PractitionerRow,
        info.id,
        "person_id",
        {
            p.id: {
                "position": i,
                "name": p.name,
                "role": p.role,
                "data": p.model_dump(mode="json", exclude={"id", "name", "role"}),
            }
            for i, p in enumerate(definition.practitioners)
        },
    )
    for field, table in LIST_TABLES.items():
        old = None if before is None else getattr(before, field)
        _sync_list(session, table, info.id, old, getattr(definition, field))
    session.flush()
    return row, created


# The list-like sections, each kept in its own table in list order (row id, or
# ``position`` for cover rules).
LIST_TABLES = {
    "cover": CoverRuleRow,
    "leave": LeaveRow,
    "requests": RequestRow,
    "callouts": CalloutRow,
    "fixed": FixedCellRow,
}


def _sync_list(session: Session, table, service_id: str, before: list | None, after: list) -> None:
    """Write one list section's change and nothing else: an unchanged section is not
    touched, items appended are inserted alone (so adding leave never rewrites the
    requests, nor the leave already there); any other change replaces the section."""
    if before == after:
        return
    kept = len(before) if before is not None and after[: len(before)] == before else 0
    if not kept:
        session.exec(delete(table).where(col(table.service_id) == service_id))
    for position, item in enumerate(after[kept:], start=kept):
        session.add(_list_row(table, service_id, position, item))


def _list_row(table, service_id: str, position: int, item):
    if table is CoverRuleRow:
        return CoverRuleRow(
            service_id=service_id,
            position=position,
            shift=item.shift,
            data=item.model_dump(mode="json"),
        )
    if table is LeaveRow:
        return LeaveRow(
            service_id=service_id,
            person_id=item.person,
            kind=item.kind,
            start=item.start,
            end=item.end,
        )
    if table is RequestRow:
        return RequestRow(
            service_id=service_id,
            person_id=item.person,
            date=item.date,
            shift=item.shift,
            want=item.want,
            weight=item.weight,
        )
    if table is CalloutRow:
        return CalloutRow(service_id=service_id, person_id=item.person, date=item.date)
    return FixedCellRow(
        service_id=service_id, person_id=item.person, date=item.date, shift=item.shift
    )


def _audit_service(
    session: Session, actor: Actor, before: ServiceDefinition | None, after: ServiceDefinition
) -> None:
    old = before.model_dump(mode="json") if before is not None else None
    changes = section_changes(old, after.model_dump(mode="json"))
    if before is None:
        counts = {k: len(v) for k, v in after.model_dump().items() if isinstance(v, list)}
        action, detail = AuditAction.SERVICE_CREATED, {"counts": counts}
    else:
        action, detail = AuditAction.SERVICE_CHANGED, changes
    subject = ", ".join(changes) if before is not None else after.service.name
    record(session, actor, action, after.service.id, subject, person_of(changes), detail)


def _sync_keyed(session: Session, table, service_id: str, key: str, wanted: dict) -> None:
    existing = {
        getattr(r, key): r
        for r in session.exec(select(table).where(col(table.service_id) == service_id))
    }
    for k, row in existing.items():
        if k not in wanted:
            session.delete(row)
    for k, values in wanted.items():
        row = existing.get(k) or table(service_id=service_id, **{key: k})
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)


def load_service(session: Session, service_id: str) -> ServiceDefinition:
    row = session.get(ServiceRow, service_id)
    if row is None:
        raise NotFound(f"no service {service_id!r}")

    def rows(table, order=None):
        stmt = select(table).where(col(table.service_id) == service_id)
        if order is not None:
            stmt = stmt.order_by(order)
        return session.exec(stmt).all()

    return ServiceDefinition(
        service=ServiceInfo(
            id=row.id,
            name=row.name,
            timezone=row.timezone,
            holiday_country=row.holiday_country,
            holiday_subdivision=row.holiday_subdivision,
            rota_mailbox=row.rota_mailbox,
        ),
        areas=row.areas or [],
        locations=row.locations or [],
        rules=row.rules or {},
        shift_types=[
            ShiftTypeDef.model_validate(r.data) for r in rows(ShiftTypeRow, ShiftTypeRow.position)
        ],
        cover=[CoverRule.model_validate(r.data) for r in rows(CoverRuleRow, CoverRuleRow.position)],
        practitioners=[
            Practitioner.model_validate(
                {"id": r.person_id, "name": r.name, "role": r.role, **r.data}
            )
            for r in rows(PractitionerRow, PractitionerRow.position)
        ],
        leave=[
            Leave(person=r.person_id, kind=r.kind, start=r.start, end=r.end)
            for r in rows(LeaveRow, LeaveRow.id)
        ],
        requests=[
            RequestDef(person=r.person_id, date=r.date, shift=r.shift, want=r.want, weight=r.weight)
            for r in rows(RequestRow, RequestRow.id)
        ],
        callouts=[
            Callout(person=r.person_id, date=r.date) for r in rows(CalloutRow, CalloutRow.id)
        ],
        fixed=[
            FixedAssignment(person=r.person_id, date=r.date, shift=r.shift)
            for r in rows(FixedCellRow, FixedCellRow.id)
        ],
    )


def save_rota(
    session: Session,
    service_id: str,
    month: str,
    export: dict,
    actor: Actor = SYSTEM,
    action: AuditAction = AuditAction.ROTA_GENERATED,
) -> RotaVersion:
    """Store a generated rota as a draft version with its assignments."""
    doc = read_export(export)
    rota = RotaVersion(
        service_id=service_id,
        month=month,
        solve_status=doc.status,
        objective=doc.objective,
        bound=doc.bound,
        export=export,
    )
    session.add(rota)
    session.flush()
    for slot in doc.slots:
        for kind, people in (("assigned", slot.assigned), ("shadow", slot.shadows)):
            for person in people:
                session.add(
                    AssignmentRow(
                        rota_id=rota.id,
                        person_id=person,
                        date=slot.date,
                        shift=slot.shift,
                        kind=kind,
                    )
                )
    session.flush()
    detail = {
        "rota_id": rota.id,
        "month": month,
        "status": doc.status,
        "missing": sum(g.missing for g in doc.gaps),
        "without_required_role": len(doc.composition_gaps),
    }
    if doc.base_version is not None:
        detail["base_version"] = doc.base_version
        detail["changes"] = [c.model_dump(mode="json") for c in doc.changes]
    people = {c.person for c in doc.changes}
    person = people.pop() if len(people) == 1 else None
    record(session, actor, action, service_id, f"{month} version {rota.id}", person, detail)
    return rota


def month_versions(session: Session, service_id: str, month: str) -> list[RotaVersion]:
    """Every version of a month's rota, newest first."""
    stmt = select(RotaVersion).where(
        RotaVersion.service_id == service_id, RotaVersion.month == month
    )
    return list(session.exec(stmt.order_by(col(RotaVersion.id).desc())))


def version_number(session: Session, service_id: str, month: str, rota_id: int) -> int:
    """A version as people count it: the month's first rota of the service is
    version 1, the next 2 (the stored id is global across services and months)."""
    stmt = select(func.count()).where(
        RotaVersion.service_id == service_id,
        RotaVersion.month == month,
        col(RotaVersion.id) <= rota_id,
    )
    return int(session.exec(stmt).one())


def latest_version(session: Session, service_id: str, month: str) -> RotaVersion | None:
    return next(iter(month_versions(session, service_id, month)), None)


def published_version(session: Session, service_id: str, month: str) -> RotaVersion | None:
    """The month's version that calendars show now."""
    versions = month_versions(session, service_id, month)
    return next((r for r in versions if r.state == RotaState.PUBLISHED), None)


def rota_before(session: Session, service_id: str, month: str) -> RotaVersion | None:
    """The rota the month before ``month`` stands on: its published version if there
    is one, else its latest draft."""
    [previous] = months_from(month, 1, offset=-1)
    return published_version(session, service_id, previous) or latest_version(
        session, service_id, previous
    )


def publish(session: Session, service_id: str, month: str, actor: Actor = SYSTEM) -> RotaVersion:
    """Publish the latest draft for a month; the previously published version of
    that month is superseded. A published version is never changed again."""
    rotas = month_versions(session, service_id, month)
    draft = next((r for r in rotas if r.state == RotaState.DRAFT), None)
    current = next((r for r in rotas if r.state == RotaState.PUBLISHED), None)
    if draft is None or (current is not None and draft.id < current.id):
        raise NotFound(f"no new draft rota for {service_id} in {month}; generate one first")
    for r in rotas:
        if r.state == RotaState.PUBLISHED:
            r.state = RotaState.SUPERSEDED
            session.add(r)
    draft.state = RotaState.PUBLISHED
    draft.published_at = utcnow()
    session.add(draft)
    session.flush()
    detail = {"rota_id": draft.id, "month": month, "superseded": current.id if current else None}
    record(session, actor, AuditAction.ROTA_PUBLISHED, service_id, f"{month} version {draft.id}",
           detail=detail)  # fmt: skip
    return draft
