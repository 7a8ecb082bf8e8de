"""Shared model state: the decision variables and the indexes every rule needs.

Rules receive a :class:`ModelContext` and add constraints or penalty terms to it;
none of them creates assignment variables of its own, so the model has exactly one
boolean per (person, slot) pair that could ever be true.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ortools.sat.python import cp_model

from solver.problem import Person, Problem, Slot


def does_shift(person: Person, slot: Slot) -> bool:
    """Eligible by role: the person is on the rota for this shift type at all."""
    return slot.shift in person.shift_types


def static_unavailability(
    problem: Problem, person: Person, slot: Slot, as_shadow: bool = False
) -> str | None:
    """Why a person who does this shift type cannot take this slot, before any
    other duty is considered; ``None`` when nothing static stands in the way.
    ``as_shadow`` asks about attending supernumerary, where warranting is not needed."""
    day = problem.days[slot.day]
    if slot.day in person.unavailable:
        return person.unavailable[slot.day]
    shift = problem.shift_type(slot.shift)
    if shift.kind == "day" and slot.day in person.no_day_duty:
        return person.no_day_duty[slot.day]
    if shift.area and person.area and shift.area != person.area:
        return f"based in {person.area}, shift is in {shift.area}"
    if not as_shadow and not person.counts_on(day.date):
        return f"not warranted until {person.warranted_from.isoformat()}"
    return None


def may_shadow(problem: Problem, person: Person, slot: Slot) -> bool:
    """Trainees before their warranting date attend day shifts supernumerary."""
    return (
        person.role == "trainee"
        and problem.rules.trainees.shadow_days_per_month > 0
        and not person.counts_on(problem.days[slot.day].date)
        and problem.shift_type(slot.shift).kind == "day"
    )


class Excluder(Protocol):
    name: str

    def excludes(self, problem: Problem, person: Person, slot: Slot) -> str | None: ...


def exclusion_reason(
    problem: Problem,
    person: Person,
    slot: Slot,
    rules: Iterable[Excluder],
    as_shadow: bool = False,
) -> str | None:
    """Static unavailability, or a hard rule that rules the pair out whatever else happens."""
    return static_unavailability(problem, person, slot, as_shadow) or next(
        (r for rule in rules if (r := rule.excludes(problem, person, slot))), None
    )


def candidate_pairs(
    problem: Problem,
    excluders: Iterable[Excluder],
    only: Container[tuple[int, int]] | None = None,
) -> Iterator[tuple[int, int, bool]]:
    """(person index, slot index, counted) for every pair that could ever be
    held: counted (an assignment) when nothing excludes it, else as a shadow
    where the person may attend supernumerary. Slot by slot, in the order the
    model makes its variables. ``only``: no pair outside it (solver.held)."""
    excluders = tuple(excluders)
    by_shift: dict[str, list[int]] = defaultdict(list)  # does_shift, by shift type
    for pi, person in enumerate(problem.people):
        for shift in person.shift_types:
            by_shift[shift].append(pi)
    for si, slot in enumerate(problem.slots):
        for pi in by_shift.get(slot.shift, ()):
            if only is not None and (pi, si) not in only:
                continue
            person = problem.people[pi]
            if not exclusion_reason(problem, person, slot, excluders):
                yield pi, si, True
            elif may_shadow(problem, person, slot) and not exclusion_reason(
                problem, person, slot, excluders, as_shadow=True
            ):
                yield pi, si, False


@dataclass
class PenaltyTerm:
    """One named soft-rule cost: ``weight * value(expr)``, explained by ``detail``."""

    rule: str
    expr: cp_model.LinearExprT
    weight: int
    person: str | None = None
    slot: int | None = None
    # A plain string, or a callable given the value of ``measure`` (default: ``expr``).
    detail: str | Callable[[int], str] = ""
    measure: cp_model.LinearExprT | None = None


@dataclass
class ModelContext:
    """``x`` holds counted assignments, ``y`` supernumerary shadow attendance; both
    are *presence*, which the hard rules on a person's days (one duty a day, rest,
    blocks, closure caps) see alike. Cover and fairness count ``x`` only."""

    problem: Problem
    excluders: tuple[Excluder, ...] = ()
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    y: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    terms: list[PenaltyTerm] = field(default_factory=list)
    # Each fairness rule's split of the slots' targets (person -> share), worked out
    # once for the model and read again by the greedy first rota.
    shares: dict[str, dict[int, float]] = field(default_factory=dict)
    # Variables for these (person, slot) pairs alone, every other pair held off
    # (solver.held); None: every pair that could be held.
    only: Container[tuple[int, int]] | None = None

    def __post_init__(self) -> None:
        self.present: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_person_day: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.by_person: dict[int, list[int]] = defaultdict(list)
        self.by_slot: dict[int, list[int]] = defaultdict(list)
        self.shadows_by_slot: dict[int, list[int]] = defaultdict(list)
        problem = self.problem
        for pi, si, counted in candidate_pairs(problem, self.excluders, self.only):
            pid = problem.people[pi].id
            if counted:
                var = self.x[pi, si] = self.model.new_bool_var(f"x_{pid}_{si}")
                self.by_slot[si].append(pi)
            else:
                var = self.y[pi, si] = self.model.new_bool_var(f"y_{pid}_{si}")
                self.shadows_by_slot[si].append(pi)
            self.present[pi, si] = var
            self.by_person_day[pi, problem.slots[si].day].append(si)
            self.by_person[pi].append(si)
        self._duty: dict[tuple[int, int], cp_model.LinearExprT] = {}
        self._worked: dict[tuple[int, int], cp_model.IntVar | bool] = {}

    def duty(self, pi: int, day: int) -> cp_model.LinearExprT:
        """1 when the person is present on any shift that day (0/1 by one_duty_per_day)."""
        key = (pi, day)
        if key not in self._duty:
            self._duty[key] = sum(self.present[pi, si] for si in self.by_person_day.get(key, ()))
        return self._duty[key]

    def worked(self, pi: int, day: int) -> cp_model.IntVar | bool:
        """A Boolean equal to :meth:`duty` (for clauses), or a constant when the
        person can hold nothing that day."""
        key = (pi, day)
        if key not in self._worked:
            expr = self.duty(pi, day)
            if isinstance(expr, int):
                self._worked[key] = bool(expr)
            else:
                var = self.model.new_bool_var(f"w_{pi}_{day}")
                self.model.add(var == expr)
                self._worked[key] = var
        return self._worked[key]

    def duty_days(self, pi: int, days) -> cp_model.LinearExprT:
        return sum(self.duty(pi, d) for d in days)

    def counted(self, pi: int) -> list[int]:
        """Slots where the person would count towards cover."""
        return [si for si in self.by_person[pi] if (pi, si) in self.x]

    def penalise(self, term: PenaltyTerm) -> None:
        if term.weight > 0:
            self.terms.append(term)
