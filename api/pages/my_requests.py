"""What the AMHP's own page shows of swaps and leave: the duties they may offer,
colleagues' duties they may ask for in return, their swaps, offers made to them,
their leave requests and their email preference."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from amhp.core.states import SwapState
from amhp.notify.addresses import wants_email
from amhp.service.model import ServiceDefinition
from amhp.staff import leave_requests, swaps
from amhp.store.tables import LeaveRequestRow, SwapRow


@dataclass(frozen=True)
class SwapLine:
    row: SwapRow
    text: str
    other: str  # the other person's name

    @property
    def open(self) -> bool:
        return SwapState(self.row.state).open


def _name(definition: ServiceDefinition, person: str) -> str:
    return next((p.name for p in definition.practitioners if p.id == person), person)


def swap_lines(definition: ServiceDefinition, rows: list[SwapRow], me: str) -> list[SwapLine]:
    return [
        SwapLine(
            r,
            swaps.describe(definition, r),
            _name(definition, r.colleague if r.proposer == me else r.proposer),
        )
        for r in rows
    ]


def staff_context(
    session: Session,
    definition: ServiceDefinition,
    person: str,
    duties: list[dict],
    colleagues_duties: list[dict],
    today,
) -> dict:
    """The template's variables for the swap and leave sections."""
    service_id = definition.service.id
    swaps.expire_past(session, service_id, today)
    rows = swaps.swaps_for(session, service_id, person)
    lines = swap_lines(definition, rows, person)
    return {
        "offerable": [d for d in duties if not d["shadow"] and d["date"] >= today],
        "colleagues": [p for p in definition.practitioners if p.id != person],
        "their_duties": colleagues_duties,
        "my_swaps": [s for s in lines if s.row.proposer == person],
        "offers": [s for s in lines if s.row.colleague == person],
        "leave_requests": leave_requests.requests_for(session, service_id, person),
        "leave_kinds": [(k, LEAVE_WORDS[k]) for k in leave_requests.REQUESTABLE],
        "emails_on": wants_email(session, service_id, person),
    }


LEAVE_WORDS = {"annual": "Annual leave", "training": "Training", "other": "Other"}


def leave_text(row: LeaveRequestRow) -> str:
    when = (
        f"{row.start:%a %-d %b %Y}"
        if row.start == row.end
        else (f"{row.start:%a %-d %b} – {row.end:%a %-d %b %Y}")
    )
    return f"{LEAVE_WORDS.get(row.kind, row.kind)}, {when}"
