"""When a version is published, each person whose duties it changes gets one email
listing their duties added and removed against the version it supersedes (a new
month: all of their duties, as added)."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session

from amhp.notify.messages import DutyLine, duties_changed
from amhp.notify.outbox import Recipients, queue_for
from amhp.rota.reader import RotaExport, read_export
from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.audit import SYSTEM, Actor, AuditAction, record
from amhp.store.tables import RotaVersion

Key = tuple  # (date, shift)


def duty_lines(doc: RotaExport) -> dict[str, dict[Key, DutyLine]]:
    """Each person's duties in a version (counted and shadowing)."""
    names = doc.shift_by_code
    out: dict[str, dict[Key, DutyLine]] = defaultdict(dict)
    for slot in doc.slots:
        line = DutyLine(slot.date, names[slot.shift].name, slot.start, slot.end)
        for person in (*slot.assigned, *slot.shadows):
            out[person][slot.date, slot.shift] = line
    return out


def queue_duty_changes(
    session: Session,
    definition: ServiceDefinition,
    new_export: dict,
    old_export: dict | None,
    why: str = "",
) -> Recipients:
    new = read_export(new_export)
    after = duty_lines(new)
    before = duty_lines(read_export(old_export)) if old_export else {}
    names = {p.id: p.name for p in definition.practitioners}
    recipients = Recipients()
    label = new.period.start.strftime("%B %Y")
    for person in sorted(set(after) | set(before)):
        if person not in names:
            continue  # no longer in the service
        now, was = after.get(person, {}), before.get(person, {})
        added = [now[k] for k in now.keys() - was.keys()]
        removed = [was[k] for k in was.keys() - now.keys()]
        if not added and not removed:
            continue
        subject, body = duties_changed(
            names[person],
            definition.service.name,
            label,
            added,
            removed,
            new.timezone,
            why or _why(new, old_export),
        )
        queue_for(session, definition, person, subject, body, "duties", recipients)
    return recipients


def _why(new: RotaExport, old_export: dict | None) -> str:
    if old_export is None:
        return ""
    if new.base_version is not None:
        return "It changes the published rota after something changed (a repair or cover)."
    return "It replaces the version published before."


def publish_and_tell(
    session: Session, service_id: str, month: str, actor: Actor = SYSTEM, why: str = ""
) -> RotaVersion:
    """Publish the month's latest draft (``repository.publish``) and queue, in the
    same transaction, one email to each person whose duties that changes; the audit
    log records who was told and who could not be (no address, emails off)."""
    current = repository.published_version(session, service_id, month)
    old_export = current.export if current else None
    rota = repository.publish(session, service_id, month, actor)
    definition = repository.load_service(session, service_id)
    told = queue_duty_changes(session, definition, rota.export, old_export, why)
    record(
        session,
        actor,
        AuditAction.MAIL_QUEUED,
        service_id,
        f"{month} version {rota.id}",
        detail={"rota_id": rota.id, "topic": "duties", **told.as_json()},
    )
    return rota
