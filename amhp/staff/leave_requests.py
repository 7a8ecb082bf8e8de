"""Leave an AMHP asks for, and the lead's decision.

Before deciding, the lead sees the cover impact: each published duty of theirs in
those dates and who could take it in the rota as it stands (a duty nobody can take
would be a gap after a repair). Approved, the request becomes the service's leave
(an ordinary, audited service edit); when it falls in a published month the answer
offers a repair of that month, whose changes the lead reviews before publishing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

import solver
from amhp.core.months import month_label
from amhp.core.states import LeaveRequestState
from amhp.notify.messages import plain
from amhp.notify.outbox import queue_for
from amhp.rota.cover import rota_as_it_stands
from amhp.service.model import LEAVE_LABELS
from amhp.store import repository
from amhp.store.audit import Actor, AuditAction, record
from amhp.store.edits import add_item
from amhp.store.tables import LeaveRequestRow, utcnow

REQUESTABLE = ("annual", "training", "other")  # sickness is reported by the lead
LONGEST_DAYS = 366


class LeaveRequestRefused(ValueError):
    def __init__(self, message: str, field: str) -> None:
        self.field = field
        super().__init__(message)


class LeaveNotAllowed(ValueError):
    """Not this person's to decide, or no longer pending."""


@dataclass(frozen=True)
class DutyImpact:
    date: date
    shift: str
    month: str
    could_take: tuple[str, ...]  # names of people who could take it as the rota stands

    @property
    def gap(self) -> bool:
        return not self.could_take


@dataclass
class Impact:
    duties: list[DutyImpact] = field(default_factory=list)

    @property
    def months(self) -> list[str]:
        return sorted({d.month for d in self.duties})

    @property
    def gaps(self) -> int:
        return sum(d.gap for d in self.duties)


def request_leave(
    session: Session,
    service_id: str,
    person: str,
    kind: str,
    start: date,
    end: date,
    note: str,
    today: date,
    actor: Actor,
) -> LeaveRequestRow:
    definition = repository.load_service(session, service_id)
    if person not in {p.id for p in definition.practitioners}:
        raise LeaveRequestRefused(f"no practitioner {person!r} in this service", "person")
    if kind not in REQUESTABLE:
        raise LeaveRequestRefused(f"kind must be one of {', '.join(REQUESTABLE)}", "kind")
    if end < start:
        raise LeaveRequestRefused("the last day is before the first", "end")
    if start < today:
        raise LeaveRequestRefused("leave cannot be requested for a day that has passed", "start")
    if (end - start).days >= LONGEST_DAYS:
        raise LeaveRequestRefused(f"at most {LONGEST_DAYS} days in one request", "end")
    row = LeaveRequestRow(
        service_id=service_id, person_id=person, kind=kind, start=start, end=end, note=note
    )
    session.add(row)
    session.flush()
    _audit(session, actor, AuditAction.LEAVE_REQUESTED, row)
    return row


def impact(session: Session, row: LeaveRequestRow) -> Impact:
    """The person's published duties within the dates, each with who could take it."""
    definition = repository.load_service(session, row.service_id)
    out = Impact()
    for month in _months(row.start, row.end):
        rota = repository.published_version(session, row.service_id, month)
        if rota is None:
            continue
        before = repository.rota_before(session, row.service_id, month)
        stands = rota_as_it_stands(definition, rota.export, before.export if before else None)
        problem = stands.built.problem
        names = {p.id: p.name for p in problem.people}

        def day_of(si: int, problem=problem) -> date:
            return problem.date_of(problem.slots[si].day)

        mine = [
            (pid, si)
            for pid, si in stands.assignments
            if pid == row.person_id
            and row.start <= problem.date_of(problem.slots[si].day) <= row.end
        ]
        rest = tuple(d for d in stands.assignments if d not in mine)
        for _pid, si in mine:
            found = solver.cover_candidates(problem, rest, stands.shadows, si)
            able = tuple(
                names[c.person] for c in found if c.reason is None and c.person != row.person_id
            )
            slot = problem.slots[si]
            out.duties.append(DutyImpact(problem.date_of(slot.day), slot.shift, month, able))
    return out


@dataclass(frozen=True)
class LeaveDecision:
    row: LeaveRequestRow
    repair_months: list[str]  # published months the approved leave falls in with duties


def decide(
    session: Session, row: LeaveRequestRow, approve: bool, note: str, actor: Actor
) -> LeaveDecision:
    if row.state != LeaveRequestState.PENDING:
        raise LeaveNotAllowed(f"this request is {row.state}")
    months: list[str] = []
    if approve:
        months = impact(session, row).months
        leave = {
            "person": row.person_id,
            "kind": row.kind,
            "start": row.start.isoformat(),
            "end": row.end.isoformat(),
        }
        add_item(session, row.service_id, "leave", leave, actor)  # first: it may re-read
    row.state = LeaveRequestState.APPROVED if approve else LeaveRequestState.DECLINED
    row.decision_note, row.decided_by, row.decided_at = note, actor.who, utcnow()
    session.add(row)
    action = AuditAction.LEAVE_APPROVED if approve else AuditAction.LEAVE_DECLINED
    _audit(session, actor, action, row, {"repair_months": months})
    definition = repository.load_service(session, row.service_id)
    said = "approved" if approve else "declined"
    text = f"Your {LEAVE_LABELS[row.kind]} request for {_dates(row)} was {said}."
    if note:
        text += f" The lead's note: {note}"
    name = next((p.name for p in definition.practitioners if p.id == row.person_id), row.person_id)
    subject, body = plain(name, f"{definition.service.name}: leave {said}", text)
    queue_for(session, definition, row.person_id, subject, body, "leave")
    return LeaveDecision(row, months)


def withdraw(session: Session, row: LeaveRequestRow, person: str, actor: Actor) -> LeaveRequestRow:
    if person != row.person_id:
        raise LeaveNotAllowed("only the person who asked may withdraw it")
    if row.state != LeaveRequestState.PENDING:
        raise LeaveNotAllowed(f"this request is {row.state}")
    row.state = LeaveRequestState.WITHDRAWN
    session.add(row)
    _audit(session, actor, AuditAction.LEAVE_WITHDRAWN, row)
    return row


def requests_for(
    session: Session, service_id: str, person: str | None = None
) -> list[LeaveRequestRow]:
    stmt = select(LeaveRequestRow).where(LeaveRequestRow.service_id == service_id)
    if person is not None:
        stmt = stmt.where(LeaveRequestRow.person_id == person)
    return list(session.exec(stmt.order_by(col(LeaveRequestRow.id).desc())))


def _months(start: date, end: date) -> list[str]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(month_label(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _dates(row: LeaveRequestRow) -> str:
    if row.start == row.end:
        return f"{row.start:%a %-d %b %Y}"
    return f"{row.start:%a %-d %b} to {row.end:%a %-d %b %Y}"


def _audit(session, actor: Actor, action: AuditAction, row: LeaveRequestRow, extra=None) -> None:
    detail = {
        "request_id": row.id,
        "kind": row.kind,
        "start": row.start.isoformat(),
        "end": row.end.isoformat(),
        "state": row.state,
        **(extra or {}),
    }
    record(session, actor, action, row.service_id, f"leave request {row.id}", row.person_id, detail)
