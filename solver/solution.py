"""The plain solution the solver returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


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
class Progress:
    elapsed: float
    objective: float
    bound: float
    solutions: int


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal", "feasible", or "unknown" when no rota was found in time
    objective: float
    bound: float
    wall_time: float
    assignments: tuple[tuple[str, int], ...] = ()  # (person id, slot index)
    shadows: tuple[tuple[str, int], ...] = ()  # supernumerary, never counted
    penalties: tuple[Penalty, ...] = ()
    gaps: tuple[Gap, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    # The number of missing people is proven minimal (the cover-first phase ended
    # optimal), even when the rest of the objective is not.
    gaps_proven: bool = False

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

    def by_person(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for person, slot in self.assignments:
            out[person].append(slot)
        return out

    def penalty_totals(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for p in self.penalties:
            totals[p.rule] += p.cost
        return dict(totals)
