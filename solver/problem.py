"""The plain problem the solver takes: days, slots, people and rule settings.

Everything here is stdlib data so the solver can be tested, benchmarked and reused
without the rest of the project. Times are aware ``datetime`` objects; the solver
only ever compares them as instants, which is what makes rest hours right across
clock changes. Inputs are checked on construction so that a model is never built
from contradictory data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


class ProblemError(ValueError):
    """The problem description contradicts itself (a bug in whoever built it)."""


ROLES = ("amhp", "lead", "manager", "locum", "trainee")


@dataclass(frozen=True)
class Day:
    """One calendar date of the horizon and the kinds of day it counts as."""

    date: date
    weekend: bool = False
    bank_holiday: bool = False
    closure: bool = False
    key_day: bool = False
    # Documentation time window on this date (local morning as instants), if any.
    documentation: tuple[datetime, datetime] | None = None

    @property
    def holiday_like(self) -> bool:
        """Closure days count as bank holidays for fairness (DOMAIN rule 4)."""
        return self.bank_holiday or self.closure


@dataclass(frozen=True)
class ShiftType:
    code: str
    name: str
    kind: str = "day"  # "day" or "on_call"
    area: str | None = None
    hours: float = 8.0
    weight: float = 1.0
    # Whether the last day of a block on this shift earns documentation time.
    documentation: bool = False

    @property
    def minutes(self) -> int:
        return round(self.hours * 60)

    def __post_init__(self) -> None:
        if self.kind not in ("day", "on_call"):
            raise ProblemError(f"shift {self.code}: kind must be day or on_call, not {self.kind!r}")


@dataclass(frozen=True)
class Requirement:
    """At least ``min`` of the people assigned must have one of ``roles``."""

    roles: tuple[str, ...]
    min: int = 1
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or f"at least {self.min} {'/'.join(self.roles)}"


@dataclass(frozen=True)
class Slot:
    """One shift type on one date: the unit that cover rules talk about."""

    day: int  # index into Problem.days
    shift: str
    start: datetime
    end: datetime
    min: int
    target: int
    max: int
    requirements: tuple[Requirement, ...] = ()
    # Most supernumerary shadows on the slot; None: the service's
    # ``Trainees.max_shadows_per_slot`` (a part of a divided service has its share).
    shadows: int | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ProblemError(f"slot {self.shift} day {self.day}: start/end must be aware")
        if self.end <= self.start:
            raise ProblemError(f"slot {self.shift} day {self.day}: end must be after start")
        if not 0 <= self.min <= self.target <= self.max:
            raise ProblemError(
                f"slot {self.shift} day {self.day}: need 0 <= min <= target <= max, "
                f"got {self.min}/{self.target}/{self.max}"
            )


@dataclass(frozen=True)
class WorkLimits:
    """A person's contract limits in general rostering terms. AMHP services leave
    them unset (their rules are service-wide); standard nurse-rostering instances
    set them per person. Runs touching the first or last day are exempt from the
    minimum-run limits: the person may have worked (or rested) beyond the horizon."""

    max_per_shift: dict[str, int] = field(default_factory=dict)
    min_minutes: int | None = None
    max_minutes: int | None = None
    max_consecutive_days: int | None = None  # overrides rules.max_consecutive_duty_days
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None


@dataclass(frozen=True)
class History:
    """What a person did in earlier periods, carried into this one: counts that
    fairness evens out, and last closure's key days (not given again)."""

    weekends: float = 0
    bank_holidays: float = 0
    nights: float = 0
    closure_days: float = 0
    key_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_days", frozenset(self.key_days))

    def done(self, *kinds: str) -> float:
        """The sum of the named counts (fairness rules name the kinds they even out)."""
        return sum(getattr(self, k) for k in kinds)


@dataclass(frozen=True)
class Person:
    """A practitioner as the solver sees them.

    ``unavailable`` maps day index to the human reason (leave, contract, approval,
    working pattern): the builder decides availability, the solver explains it.
    """

    id: str
    name: str
    role: str
    fte: float = 1.0
    area: str | None = None
    shift_types: frozenset[str] = frozenset()
    warranted_from: date | None = None
    unavailable: dict[int, str] = field(default_factory=dict)
    # Days with no day duty (an on-call is still possible), with the reason: the
    # morning after a reported callout.
    no_day_duty: dict[int, str] = field(default_factory=dict)
    # Fraction of a full-time post the weighted caseload takes (workload model).
    caseload_share: float = 0.0
    history: History = field(default_factory=History)
    day_rate: float | None = None
    locum_kind: str | None = None  # "contracted" (paid anyway) or "sessional" (per day)
    limits: WorkLimits = field(default_factory=WorkLimits)
    # Days the person is not at work at all (leave, contract, a day they do not
    # work); None: their unavailable days. A lapsed approval stops duty, not work,
    # so documentation time can still fall on those days.
    away: frozenset[int] | None = None

    def is_away(self, day: int) -> bool:
        return day in (self.away if self.away is not None else self.unavailable)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ProblemError(f"person {self.id}: unknown role {self.role!r}")
        if not 0 < self.fte <= 1.0:
            raise ProblemError(f"person {self.id}: fte must be in (0, 1], got {self.fte}")

    @property
    def sessional(self) -> bool:
        """Sessional locums close gaps only: no fair share, a cost per day."""
        return self.role == "locum" and self.locum_kind == "sessional"

    def counts_on(self, day: date) -> bool:
        """Whether duty on ``day`` counts towards cover (trainees only once warranted)."""
        return self.warranted_from is None or day >= self.warranted_from

    def warranted_for(self, day: date, months: int) -> bool:
        """Warranted for at least ``months`` whole months on ``day`` (unknown: yes)."""
        if self.warranted_from is None:
            return self.role != "trainee"
        wf = self.warranted_from
        y, m = divmod(wf.month - 1 + months, 12)
        year, month = wf.year + y, m + 1
        for d in (wf.day, 30, 29, 28):
            try:
                return day >= date(year, month, d)
            except ValueError:
                continue
        raise AssertionError("unreachable")

    def newly_warranted_on(self, day: date, weeks: int) -> bool:
        wf = self.warranted_from
        return wf is not None and wf <= day < wf + timedelta(weeks=weeks)


@dataclass(frozen=True)
class Request:
    """A wish: ``want`` True asks for duty, False asks to be left off."""

    person: str
    day: int
    want: bool
    weight: int
    shift: str | None = None


@dataclass(frozen=True)
class PriorDuty:
    """A duty held just before the horizon (from the previous period's rota), so
    rest, day-off-after-on-call, consecutive days and closure caps hold across the
    boundary. ``day`` is negative: -1 is the date before the first."""

    person: str
    day: int
    shift: str
    start: datetime
    end: datetime
    closure: bool = False
    key_day: bool = False


@dataclass(frozen=True)
class FixedCell:
    person: str
    day: int
    shift: str


@dataclass(frozen=True)
class ReferenceDuty:
    """A duty of the rota being repaired (the published version): ``rota_changes``
    counts each one dropped and each duty added beside them."""

    person: str
    day: int
    shift: str
    shadow: bool = False


@dataclass(frozen=True)
class Weights:
    """Cost per unit of each soft rule. Cover minimum dominates everything else."""

    cover_minimum: int = 10_000
    composition: int = 5_000
    documentation_time: int = 100  # per documentation morning moved or not placed
    cover_target: int = 200
    duty_fairness: int = 200
    weekend_fairness: int = 100
    night_fairness: int = 100
    isolated_duty_day: int = 40
    short_block: int = 10
    bank_holiday_fairness: int = 100
    shadow_days: int = 150
    sessional_locum: int = 1_000
    requests: int = 1
    cover_over: int = 0  # per person above target (off for AMHP services)
    rota_changes: int = 500  # per duty added or dropped against the reference rota


@dataclass(frozen=True)
class Closure:
    """Caps over the closure days (``Day.closure``/``Day.key_day``) in the horizon."""

    max_days_per_person: int = 2
    max_key_days_per_person: int = 1


@dataclass(frozen=True)
class Trainees:
    """Shadowing before warranting; support for the newly warranted after."""

    shadow_days_per_month: int = 4
    mentor_min_months: int = 12
    newly_warranted_weeks: int = 8
    max_shadows_per_slot: int = 1


@dataclass(frozen=True)
class Rules:
    """Resolved rule settings for one problem (defaults from DOMAIN.md)."""

    min_rest_hours: float = 11.0
    max_consecutive_duty_days: int = 3
    day_off_after_on_call: bool = True
    # Every shift has someone who is neither a locum nor newly warranted.
    established_on_every_shift: bool = True
    closure: Closure | None = field(default_factory=Closure)
    trainees: Trainees = field(default_factory=Trainees)
    max_on_calls_per_month: int | None = 10
    max_weekend_days_per_month: int | None = 6
    preferred_block_days: int = 3
    # Balance rota duty against weighted caseloads (False: a flat rota by FTE only).
    balance_caseload: bool = True
    weights: Weights = field(default_factory=Weights)
    # (a, b): shift b may not be worked the day after shift a.
    forbidden_successions: tuple[tuple[str, str], ...] = ()
    # fte_duty_limit: duty days per person per month at most the ceiling of their
    # FTE share plus this many (None: no limit, as the standard instances set).
    fte_limit_extra_days: int | None = 1
    # (role, level): a role rostered at a reduced level of its FTE share (managers
    # at 0.5 in AMHP services), in the fair shares and the FTE limit alike.
    role_levels: tuple[tuple[str, float], ...] = (("manager", 0.5),)
    # documentation_time: the days after a block's end within which its morning
    # may be placed when duties take the first ones.
    documentation_within_days: int = 5

    def duty_level(self, person: Person) -> float:
        """The person's FTE times their role's level: their weight in fair shares."""
        return person.fte * dict(self.role_levels).get(person.role, 1.0)


@dataclass(frozen=True)
class Problem:
    days: tuple[Day, ...]
    shift_types: tuple[ShiftType, ...]
    slots: tuple[Slot, ...]
    people: tuple[Person, ...]
    rules: Rules = field(default_factory=Rules)
    requests: tuple[Request, ...] = ()
    fixed: tuple[FixedCell, ...] = ()
    prior: tuple[PriorDuty, ...] = ()
    # Repairing a rota: the rota it repairs, and the first day that may change
    # (every duty before it is held as in the reference).
    reference: tuple[ReferenceDuty, ...] = ()
    freeze_before: int = 0

    def __post_init__(self) -> None:
        self._check_unique("shift type", [s.code for s in self.shift_types])
        self._check_unique("person", [p.id for p in self.people])
        self._check_unique("slot", [(s.day, s.shift) for s in self.slots])
        codes = {s.code for s in self.shift_types}
        ids = {p.id for p in self.people}
        for slot in self.slots:
            if slot.shift not in codes:
                raise ProblemError(f"slot on day {slot.day}: unknown shift {slot.shift!r}")
            if not 0 <= slot.day < len(self.days):
                raise ProblemError(f"slot {slot.shift}: day index {slot.day} out of range")
        for item in (*self.requests, *self.fixed, *self.reference):
            if item.person not in ids:
                raise ProblemError(f"{type(item).__name__}: unknown person {item.person!r}")
            if not 0 <= item.day < len(self.days):
                raise ProblemError(f"{type(item).__name__}: day index {item.day} out of range")

        for a, b in self.rules.forbidden_successions:
            if a not in codes or b not in codes:
                raise ProblemError(f"forbidden succession {a}->{b}: unknown shift")
        for person in self.people:
            unknown = set(person.limits.max_per_shift) - codes
            if unknown:
                raise ProblemError(f"person {person.id}: limits for unknown shifts {unknown}")
        for duty in self.prior:
            if duty.person not in ids or duty.shift not in codes or duty.day >= 0:
                raise ProblemError(f"prior duty {duty}: unknown person/shift or not before day 0")
        by_person: dict[str, list[PriorDuty]] = {}
        for duty in self.prior:
            by_person.setdefault(duty.person, []).append(duty)
        object.__setattr__(self, "_prior_by_person", by_person)
        if not 0 <= self.freeze_before <= len(self.days):
            raise ProblemError(f"freeze_before {self.freeze_before} outside the horizon")
        # Looked up for every (person, slot) pair while the model is built.
        object.__setattr__(self, "_shift_by_code", {s.code: s for s in self.shift_types})
        object.__setattr__(self, "_person_index", {p.id: i for i, p in enumerate(self.people)})
        object.__setattr__(
            self, "_slot_index", {(s.day, s.shift): i for i, s in enumerate(self.slots)}
        )
        object.__setattr__(
            self, "_reference", {(d.person, d.day, d.shift): d for d in self.reference}
        )
        object.__setattr__(self, "_memo", {})

    def memo(self, key: str, compute):
        """``compute()`` once per problem: figures derived from the problem alone that
        both the model and its explanations read (the FTE limits)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def in_reference(self, person: str, slot: Slot) -> bool:
        """Whether the rota being repaired has ``person`` on ``slot``."""
        return (person, slot.day, slot.shift) in self._reference

    def prior_for(self, person: str) -> list[PriorDuty]:
        return self._prior_by_person.get(person, [])

    def max_shadows(self, slot: Slot) -> int:
        """The slot's own room for shadows where set, else the service's."""
        own = slot.shadows
        return own if own is not None else self.rules.trainees.max_shadows_per_slot

    def max_consecutive_days(self, person: Person) -> int:
        """The person's own limit (a contract's) where set, else the service's."""
        own = person.limits.max_consecutive_days
        return own if own is not None else self.rules.max_consecutive_duty_days

    def date_of(self, day: int) -> date:
        """The date of a day index, negative indexes counting back before the horizon."""
        return self.days[0].date + timedelta(days=day)

    @staticmethod
    def _check_unique(what: str, keys: list) -> None:
        seen: set = set()
        for key in keys:
            if key in seen:
                raise ProblemError(f"duplicate {what} {key!r}")
            seen.add(key)

    def shift_type(self, code: str) -> ShiftType:
        return self._shift_by_code[code]

    def person_index(self, person: str) -> int:
        return self._person_index[person]

    def slot_index(self, day: int, shift: str) -> int | None:
        """The slot of ``shift`` on day ``day``, or None when it has no cover there."""
        return self._slot_index.get((day, shift))

    def month_of(self, day: int) -> tuple[int, int]:
        """(year, month) of a day index: the unit of the per-month rules."""
        d = self.days[day].date
        return d.year, d.month
