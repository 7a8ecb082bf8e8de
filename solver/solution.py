"""The plain solution the solver returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven best under every rule
    FEASIBLE = "feasible"  # a rota, not proven best
    INFEASIBLE = "infeasible"  # contradictory hard input (fixed cells)
    UNKNOWN = "unknown"  # no rota within the limits

    @property
    def found(self) -> bool:
        """Whether there is a rota to read."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Penalty:
    """One soft-rule cost incurred, in objective units."""

    rule: str
    cost: int
    detail: str
    person: str | None = None
    slot: int | None = None


@dataclass(frozen=True)
class Gap:
    """A slot below its minimum, with one reason per person who does that shift."""

    slot: int
    missing: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CompositionGap:
    """A slot short of a required role (``Requirement``: a lead in the hub), with
    one reason per person who holds that role and does the shift."""

    slot: int
    requirement: str
    missing: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    elapsed: float
    objective: float
    bound: float
    solutions: int
    missing: int | None = None  # people short of the cover minimums in that rota


@dataclass(frozen=True)
class Solution:
    status: SolveStatus
    objective: float
    bound: float
    wall_time: float
    assignments: tuple[tuple[str, int], ...] = ()  # (person id, slot index)
    shadows: tuple[tuple[str, int], ...] = ()  # supernumerary, never counted
    penalties: tuple[Penalty, ...] = ()
    gaps: tuple[Gap, ...] = ()
    composition_gaps: tuple[CompositionGap, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    # The number of missing people is proven minimal (the cover-first phase ended
    # optimal), even when the rest of the objective is not.
    gaps_proven: bool = False
    # The number of missing required roles is proven minimal given the gaps (the
    # composition phase ended optimal after a proven cover phase).
    composition_proven: bool = False
    # The sessional-locum days are proven fewest given both (their phase too).
    locum_days_proven: bool = False

    def assigned(self) -> dict[int, list[str]]:
        """People assigned per slot index, in the order the solver listed them."""
        out: dict[int, list[str]] = defaultdict(list)
        for person, slot in self.assignments:
            out[slot].append(person)
        return out

    def shadowing(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for person, slot in self.shadows:
            out[slot].append(person)
        return out


@dataclass(frozen=True)
class Recovery:
    """Time off duty that a hard rule keeps free after a duty, for the calendar:
    ``kind`` and ``rule`` come from the rule that keeps it."""

    person: str
    kind: str  # "documentation" or "rest_day"
    rule: str
    day: int  # the date it falls on
    after: int  # slot index of the duty it follows
    window: tuple[datetime, datetime] | None = None  # real instants, where the rule fixes them
