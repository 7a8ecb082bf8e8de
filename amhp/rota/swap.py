"""A swap (two people exchange a duty each) or a give-away (one duty moves to a
colleague) on a stored rota version: checked against every hard rule of the whole
month as it would be afterwards, and written as a new export that lists exactly
those changes, with what it costs under the soft rules."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import solver
from amhp.rota.cover import NoSuchSlot, RotaAsItStands
from amhp.rota.export import to_export
from amhp.rota.reader import RotaExport, read_export
from amhp.rota.repair import Change, changes_between


class SwapRefused(ValueError):
    """The swap breaks a rule: ``rule`` names it, ``person`` whom it breaks for
    (None when it is about the request itself), ``field`` the part of the request."""

    def __init__(self, message: str, rule: str, person: str | None = None, field: str = "") -> None:
        self.rule, self.person, self.field = rule, person, field
        super().__init__(message)


@dataclass(frozen=True)
class DutyRef:
    date: date
    shift: str


@dataclass(frozen=True)
class SwapResult:
    export: dict
    changes: list[Change]
    cost: int
    by_rule: tuple[tuple[str, int], ...]

    def cost_json(self) -> dict:
        return {"total": self.cost, "by_rule": dict(self.by_rule)}


def swapped(
    rota: RotaAsItStands,
    base: RotaExport,
    base_version: int,
    proposer: str,
    colleague: str,
    give: DutyRef,
    take: DutyRef | None,
) -> SwapResult:
    """The version with the proposer's ``give`` duty moved to the colleague, and the
    colleague's ``take`` duty (if any) moved to the proposer."""
    problem = rota.built.problem
    names = {p.id: p.name for p in problem.people}
    for field, who in (("proposer", proposer), ("colleague", colleague)):
        if who not in names:
            raise SwapRefused(f"no practitioner {who!r} in this month's rota", field, None, field)
    if proposer == colleague:
        raise SwapRefused(
            "a swap needs a colleague other than yourself", "colleague", None, "colleague"
        )
    moves = [solver.Move(_slot(rota, give, "give"), proposer, colleague)]
    if take is not None:
        moves.append(solver.Move(_slot(rota, take, "take"), colleague, proposer))
    done = solver.exchange(problem, rota.assignments, rota.shadows, moves)
    if done.refusal is not None:
        who = done.refusal.person
        message = f"{done.refusal.rule}: {names.get(who, who)} ({who}) {_said(done.refusal)}"
        if done.refusal.rule == "rota_as_it_stands":
            message = f"{done.refusal.rule}: the rota as published {done.refusal.reason}"
        raise SwapRefused(message, done.refusal.rule, who)
    scored = replace(done.after, gaps_proven=False)
    export = to_export(rota.built, scored)
    changes = changes_between(base, read_export(export))
    export.update(base_version=base_version, changes=[c.as_json() for c in changes])
    return SwapResult(export, changes, done.cost or 0, done.by_rule)


def _slot(rota: RotaAsItStands, duty: DutyRef, field: str) -> int:
    try:
        return rota.slot_index(duty.date, duty.shift)
    except NoSuchSlot as exc:
        raise SwapRefused(str(exc), "duties", None, field) from None


def _said(refusal: solver.Refusal) -> str:
    """The reason as a phrase after the person's name."""
    if refusal.rule == "duties":
        return refusal.reason
    return f"could not take it: {refusal.reason}"
