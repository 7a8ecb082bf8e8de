"""Swaps and give-aways, from proposal to a published version.

An AMHP proposes (checked at once against every hard rule of the month as it would
be), the colleague accepts or declines, the lead approves or refuses. Approval
checks the swap again against the month's published version *now*: if the duties
are no longer held as proposed, or a rule now breaks, it is refused and never
applied; else a new version with exactly those changes is published and everyone
whose duties moved is emailed. Each step is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, or_, select

from amhp.core.months import month_label
from amhp.core.states import SwapState
from amhp.notify.messages import plain
from amhp.notify.outbox import queue_for
from amhp.notify.published import publish_and_tell
from amhp.rota.cover import rota_as_it_stands
from amhp.rota.reader import read_export
from amhp.rota.swap import DutyRef, SwapRefused, SwapResult, swapped
from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.audit import Actor, AuditAction, record
from amhp.store.tables import RotaVersion, SwapRow, utcnow


class SwapNotAllowed(ValueError):
    """This person may not take this step now (not theirs, or not in this state)."""


@dataclass(frozen=True)
class Proposal:
    proposer: str
    colleague: str
    give: DutyRef
    take: DutyRef | None = None
    note: str = ""


def check(
    session: Session, definition: ServiceDefinition, rota: RotaVersion, p: Proposal
) -> SwapResult:
    """The swap on ``rota`` (``SwapRefused`` naming the rule when it breaks one)."""
    if p.take is not None and month_label(p.take.date) != rota.month:
        raise SwapRefused("both duties must be in the same month", "duties", None, "take")
    before = repository.rota_before(session, definition.service.id, rota.month)
    stands = rota_as_it_stands(definition, rota.export, before.export if before else None)
    return swapped(
        stands, read_export(rota.export), rota.id, p.proposer, p.colleague, p.give, p.take
    )


def propose(session: Session, service_id: str, p: Proposal, today: date, actor: Actor) -> SwapRow:
    definition = repository.load_service(session, service_id)
    if p.give.date < today or (p.take is not None and p.take.date < today):
        raise SwapRefused("a duty in the past cannot be swapped", "duties", None, "give")
    month = month_label(p.give.date)
    rota = repository.published_version(session, service_id, month)
    if rota is None:
        raise SwapRefused(f"{month} has no published rota", "duties", None, "give")
    result = check(session, definition, rota, p)
    row = SwapRow(
        service_id=service_id,
        month=month,
        rota_id=rota.id,
        proposer=p.proposer,
        colleague=p.colleague,
        give_date=p.give.date,
        give_shift=p.give.shift,
        take_date=p.take.date if p.take else None,
        take_shift=p.take.shift if p.take else None,
        note=p.note,
        cost=result.cost_json(),
    )
    session.add(row)
    session.flush()
    _audit(session, actor, AuditAction.SWAP_PROPOSED, row)
    _tell(
        session,
        definition,
        row,
        row.colleague,
        "offered you a swap",
        f"{_name(definition, row.proposer)} offers you {describe(definition, row)}. "
        "Accept or decline it on your rota page.",
    )
    return row


def respond(session: Session, row: SwapRow, person: str, accept: bool, actor: Actor) -> SwapRow:
    """The colleague accepts (checked again against the current version) or declines."""
    _must(row, person == row.colleague, "only the colleague it was offered to may answer")
    _must(row, row.state == SwapState.PROPOSED, f"this swap is {row.state}")
    definition = repository.load_service(session, row.service_id)
    if accept:
        rota = _current(session, row)
        row.cost = check(session, definition, rota, proposal_of(row)).cost_json()
        row.rota_id = rota.id
    row.state = SwapState.ACCEPTED if accept else SwapState.DECLINED
    session.add(row)
    _audit(session, actor, AuditAction.SWAP_ACCEPTED if accept else AuditAction.SWAP_DECLINED, row)
    said = "accepted: it now waits for the lead" if accept else "declined"
    who, what = _name(definition, row.colleague), describe(definition, row)
    _tell(
        session,
        definition,
        row,
        row.proposer,
        f"swap {said.split(':')[0]}",
        f"{who} {said} your offer of {what}.",
    )
    return row


@dataclass(frozen=True)
class Decision:
    row: SwapRow
    stale: str | None = None  # why approval was refused: the rota changed meanwhile
    rota: RotaVersion | None = None  # the version published, when approved


def decide(session: Session, row: SwapRow, approve: bool, note: str, actor: Actor) -> Decision:
    """The lead approves (the swap checked against the published version now, then
    published) or refuses."""
    _must(row, row.state == SwapState.ACCEPTED, f"this swap is {row.state}, not accepted")
    definition = repository.load_service(session, row.service_id)
    row.decision_note, row.decided_at = note, utcnow()
    if not approve:
        return _refused(session, definition, row, actor, note or "refused by the lead")
    rota = repository.published_version(session, row.service_id, row.month)
    try:
        if rota is None:
            raise SwapRefused(f"{row.month} is no longer published", "duties")
        result = check(session, definition, rota, proposal_of(row))
    except SwapRefused as exc:
        stale = f"no longer fits the rota as published now (version {rota.id if rota else '-'}"
        stale += f", proposed on version {row.rota_id}): {exc}"
        return _refused(session, definition, row, actor, stale, stale=True)
    repository.save_rota(
        session, row.service_id, row.month, result.export, actor, AuditAction.ROTA_SWAPPED
    )
    why = f"The lead approved the swap of {describe(definition, row)}."
    published = publish_and_tell(session, row.service_id, row.month, actor, why)
    row.state, row.result_rota_id, row.cost = (
        SwapState.APPROVED,
        published.id,
        result.cost_json(),
    )
    session.add(row)
    _audit(session, actor, AuditAction.SWAP_APPROVED, row, {"rota_id": published.id})
    return Decision(row, None, published)


def withdraw(session: Session, row: SwapRow, person: str, actor: Actor) -> SwapRow:
    _must(row, person == row.proposer, "only the person who proposed it may withdraw it")
    _must(row, SwapState(row.state).open, f"this swap is {row.state}")
    row.state = SwapState.WITHDRAWN
    session.add(row)
    _audit(session, actor, AuditAction.SWAP_WITHDRAWN, row)
    return row


def expire_past(session: Session, service_id: str, today: date) -> None:
    """Open swaps whose duty date has passed are expired (never applied late)."""
    stmt = select(SwapRow).where(
        SwapRow.service_id == service_id,
        col(SwapRow.state).in_([SwapState.PROPOSED, SwapState.ACCEPTED]),
        or_(col(SwapRow.give_date) < today, col(SwapRow.take_date) < today),
    )
    for row in session.exec(stmt):
        row.state = SwapState.EXPIRED
        session.add(row)


def swaps_for(session: Session, service_id: str, person: str | None = None) -> list[SwapRow]:
    """The service's swaps, newest first; with ``person``, only those they are in."""
    stmt = select(SwapRow).where(SwapRow.service_id == service_id)
    if person is not None:
        stmt = stmt.where(or_(SwapRow.proposer == person, SwapRow.colleague == person))
    return list(session.exec(stmt.order_by(col(SwapRow.id).desc())))


def proposal_of(row: SwapRow) -> Proposal:
    take = DutyRef(row.take_date, row.take_shift) if row.take_date and row.take_shift else None
    return Proposal(
        row.proposer, row.colleague, DutyRef(row.give_date, row.give_shift), take, row.note
    )


def describe(definition: ServiceDefinition, row: SwapRow) -> str:
    """ "their HUB on Tue 8 Dec for your CN-N on Thu 10 Dec", or a give-away."""
    shifts = {s.code: s.name for s in definition.shift_types}
    give = f"{shifts.get(row.give_shift, row.give_shift)} on {row.give_date:%a %-d %b %Y}"
    if row.take_date is None:
        return f"{give} (a give-away, nothing in return)"
    take = f"{shifts.get(row.take_shift, row.take_shift)} on {row.take_date:%a %-d %b %Y}"
    return f"{give} in exchange for {take}"


def _current(session: Session, row: SwapRow) -> RotaVersion:
    rota = repository.published_version(session, row.service_id, row.month)
    if rota is None:
        raise SwapRefused(f"{row.month} is no longer published", "duties")
    return rota


def _refused(session, definition, row, actor, why: str, stale: bool = False) -> Decision:
    row.state = SwapState.REFUSED
    row.decision_note = why
    session.add(row)
    _audit(session, actor, AuditAction.SWAP_REFUSED, row, {"why": why, "stale": stale})
    for person in (row.proposer, row.colleague):
        _tell(
            session,
            definition,
            row,
            person,
            "swap refused",
            f"The swap of {describe(definition, row)} was refused: {why}",
        )
    return Decision(row, why if stale else None)


def _must(row: SwapRow, ok: bool, why: str) -> None:
    if not ok:
        raise SwapNotAllowed(why)


def _name(definition: ServiceDefinition, person: str) -> str:
    return next((p.name for p in definition.practitioners if p.id == person), person)


def _tell(session, definition, row: SwapRow, person: str, what: str, text: str) -> None:
    subject, body = plain(_name(definition, person), f"{definition.service.name}: {what}", text)
    queue_for(session, definition, person, subject, body, "swap")


def _audit(session, actor: Actor, action: AuditAction, row: SwapRow, extra: dict | None = None):
    detail = {
        "swap_id": row.id,
        "proposer": row.proposer,
        "colleague": row.colleague,
        "give": {"date": row.give_date.isoformat(), "shift": row.give_shift},
        "take": {"date": row.take_date.isoformat(), "shift": row.take_shift}
        if row.take_date
        else None,
        "rota_id": row.rota_id,
        "cost": row.cost,
        **(extra or {}),
    }
    record(session, actor, action, row.service_id, f"swap {row.id}", None, detail)
