"""A service too large for one model, solved in parts: its people split by area
into parts of about eighty, the cover of every slot divided between the parts
first, in proportion to who in each could take it, and each part solved as a
problem of its own. The parts' rotas, joined, are the rota.

Why: at 5,000 people the whole model has 709,000 variables. It took 24.5 s to
build, and CP-SAT took 119 s just to read back a complete rota hinted to it;
with 60 s asked there was no rota at all (benchmarks/RESULTS.md). Each part is
far smaller than the models the whole-model search handles well.

What the split costs, and why it is safe:

- Rules about one person are whole in their part: each person is in exactly
  one, with every slot of the month and the whole problem's duty limits.
- Rules between people (a locum never alone on a shift, a shadow beside an
  experienced AMHP) are checked within each part, which is stricter than they
  are (the argument of solver.construct).
- Cover is divided, so one part cannot make up for another's shortfall, and
  the fair shares are each part's. A slot only people of one area can take (a
  crisis shift) goes to that area's part whole; what is divided is the hub.
- Nothing is proven about the joined rota's cost. Its gaps are proven when they
  meet the lower bound worked out from who could take each slot at all
  (``Split.gap_bound``): for a service that can cover its month, zero.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import nan

from solver.context import candidate_pairs
from solver.explain import explained_gaps
from solver.greedy import suits as greedy_suits
from solver.params import SolveParams
from solver.problem import Problem, Slot
from solver.rules.hard import HARD_RULES
from solver.rules.part_time import carry_limits
from solver.rules.soft import cover_short, roles_short
from solver.solution import Solution, SolveStatus

# Models with more (person, slot) pairs than this are solved in parts. Not tuned:
# above a year of Curtois 21 (100,646 pairs) and 1,000 generated people (50,103),
# below 5,000 people (253,746), whose one model gives no rota in a minute.
DECOMPOSE_ABOVE_PAIRS = 120_000
# A part's size in (person, slot) pairs: 80 people of a generated service. The
# fixed cost of a part's solve (presolve, completing and reading back its rota)
# grows faster than its size: measured at 5,000 people (ad hoc runs, figures in
# benchmarks/RESULTS.md), a part of 280 people took 4.3 s with no search at
# all, one of 80 people 0.8 s.
PART_PAIRS = 5_000
# What a repeatable solve in parts spends besides searching, per (person, slot)
# pair (building the problem, the split and the parts' models, the export: at
# 5,000 people, 254,000 pairs, 20 s of model building, 4 s of splitting and 3 s
# for the rest) and per part (its greedy rota, read back with every duty held,
# and explained: 0.14 s); measured at 5,000 people, ad hoc, figures in
# benchmarks/RESULTS.md.
PAIR_SECONDS = 1.1e-4
PART_SECONDS = 0.15
# A searched part's search: a start-up (completing the greedy rota's hint, the
# search's presolve) and CP-SAT's work at this rate, measured on 80-person parts
# (ad hoc: 0.2 units in 0.9 s, 1.17 in 2.7 s).
SEARCH_SECONDS = 0.5
PART_WORK_RATE = 0.5
# The least work worth giving a part: with 0.2 units the search had not even
# loaded the greedy rota, with 1 it was 15 % cheaper. A repeatable solve whose
# time cannot give every part this much searches the first parts and leaves the
# rest at their greedy rotas.
MIN_PART_WORK = 1.0


def pairs_by_person(problem: Problem) -> list[int]:
    """Each person's (person, slot) pairs: the slots of the shift types they do."""
    per_shift = Counter(slot.shift for slot in problem.slots)
    return [sum(per_shift[s] for s in person.shift_types) for person in problem.people]


def suits(problem: Problem) -> bool:
    """Many pairs, and every part can start from a greedy rota (solver.greedy:
    no working-pattern limits, not a repair). Without one, a part whose share of
    the time finds no rota leaves the whole without one: measured on Curtois
    22-24 (working patterns), no roster in 3.5, 6.1 and 67.7 s."""
    return sum(pairs_by_person(problem)) > DECOMPOSE_ABOVE_PAIRS and greedy_suits(
        problem, any_size=True
    )


def partition(problem: Problem, part_pairs: int = PART_PAIRS) -> list[tuple[int, ...]]:
    """The people (indexes) of each part: whole areas, in the order they first
    appear, packed into parts of about ``part_pairs`` pairs; an area larger than
    that is split between parts. People without an area form one area."""
    pairs = pairs_by_person(problem)
    areas: dict[str | None, list[int]] = defaultdict(list)
    for pi, person in enumerate(problem.people):
        areas[person.area].append(pi)
    parts: list[list[int]] = []
    current: list[int] = []
    size = 0
    for members in areas.values():
        area_pairs = sum(pairs[pi] for pi in members)
        if current and size + area_pairs > part_pairs:
            parts.append(current)
            current, size = [], 0
        for pi in members:
            if current and size + pairs[pi] > part_pairs and area_pairs > part_pairs:
                parts.append(current)  # an area too large for one part
                current, size = [], 0
            current.append(pi)
            size += pairs[pi]
    if current:
        parts.append(current)
    return [tuple(sorted(p)) for p in parts]


@dataclass(frozen=True)
class Able:
    """Per slot, per part: the part's people who could take the slot at all
    (their shift type, not away, no hard rule excluding it outright), and how
    many could attend it as a shadow, as the model's variables are made."""

    take: list[list[list[int]]]
    shadow: list[list[int]]

    def everyone(self) -> dict[int, list[int]]:
        """Per slot, everyone who could take it, whichever part they are in."""
        return {si: [pi for pis in parts for pi in pis] for si, parts in enumerate(self.take)}


def able(problem: Problem, parts: Sequence[Sequence[int]]) -> Able:
    part_of = {pi: k for k, members in enumerate(parts) for pi in members}
    take: list[list[list[int]]] = [[[] for _ in parts] for _ in problem.slots]
    shadow = [[0] * len(parts) for _ in problem.slots]
    for pi, si, counted in candidate_pairs(problem, HARD_RULES):
        if counted:
            take[si][part_of[pi]].append(pi)
        else:
            shadow[si][part_of[pi]] += 1
    return Able(take, shadow)


class _Divider:
    """Splits amounts between parts in proportion to weights, each part at most
    its weight, carrying each part's fraction over to the next slot of the same
    kind: a hub needing one lead a day among twelve parts gives each part its
    turn, rather than one part every day."""

    def __init__(self, parts: int) -> None:
        self.owed: dict[object, list[float]] = defaultdict(lambda: [0.0] * parts)

    def divide(self, kind: object, amount: int, weights: Sequence[int]) -> list[int]:
        total = sum(weights)
        given = [0] * len(weights)
        if amount <= 0 or total == 0:
            return given
        amount = min(amount, total)
        owed = self.owed[kind]
        due = [owed[k] + amount * w / total for k, w in enumerate(weights)]
        for k, w in enumerate(weights):
            given[k] = min(max(int(due[k]), 0), w)
        while (left := amount - sum(given)) != 0:
            sign = 1 if left > 0 else -1
            room = [k for k, w in enumerate(weights) if (given[k] < w if sign > 0 else given[k])]
            pick = max(room, key=lambda k: sign * (due[k] - given[k]))
            given[pick] += sign
        for k in range(len(weights)):
            owed[k] = max(-1.0, min(1.0, due[k] - given[k]))
        return given


def divide_slots(problem: Problem, parts: Sequence[Sequence[int]], who: Able) -> list[list[Slot]]:
    """Each part's slots: every slot of the problem (indexes unchanged), with its
    share of the minimum, target and maximum, and of each required role, in
    proportion to ``who`` could take it in each part, and of its room for
    shadows, by who may shadow. A part's maximum is never below its fixed cells
    on the slot."""
    part_of = {pi: k for k, members in enumerate(parts) for pi in members}
    fixed: Counter = Counter()
    for cell in problem.fixed:
        si = problem.slot_index(cell.day, cell.shift)
        if si is not None:
            fixed[part_of[problem.person_index(cell.person)], si] += 1
    divider = _Divider(len(parts))
    out: list[list[Slot]] = [list(problem.slots) for _ in parts]
    for si in sorted(range(len(problem.slots)), key=lambda s: problem.slots[s].start):
        slot, able_here = problem.slots[si], who.take[si]
        weights = [len(pis) for pis in able_here]
        low = divider.divide((slot.shift, "min"), slot.min, weights)
        more = divider.divide((slot.shift, "target"), slot.target - slot.min, weights)
        most = divider.divide((slot.shift, "max"), slot.max - slot.target, weights)
        shadows = divider.divide((slot.shift, "shadows"), problem.max_shadows(slot), who.shadow[si])
        roles = []
        for n, req in enumerate(slot.requirements):
            holders = [
                sum(1 for pi in pis if problem.people[pi].role in req.roles) for pis in able_here
            ]
            roles.append((req, divider.divide((slot.shift, "role", n), req.min, holders)))
        for k in range(len(parts)):
            target = low[k] + more[k]
            out[k][si] = dataclasses.replace(
                slot,
                min=low[k],
                target=target,
                max=max(target + most[k], fixed[k, si]),
                shadows=shadows[k],
                requirements=tuple(
                    dataclasses.replace(req, min=shares[k]) for req, shares in roles if shares[k]
                ),
            )
    return out


@dataclass(frozen=True)
class Split:
    """The parts of a problem: each part's people (indexes into the whole) and
    its problem, and the fewest people the joined rota can be short, summed over
    the slots (a slot's minimum less everyone who could take it at all), and
    likewise the fewest required roles."""

    people: tuple[tuple[int, ...], ...]
    problems: tuple[Problem, ...]
    gap_bound: int
    role_bound: int
    pairs: tuple[int, ...]  # each part's (person, slot) pairs, its share of the time

    def share(self, k: int) -> float:
        return self.pairs[k] / max(sum(self.pairs), 1)


def split(problem: Problem, part_pairs: int = PART_PAIRS) -> Split:
    parts = partition(problem, part_pairs)
    who = able(problem, parts)
    slots = divide_slots(problem, parts, who)
    pairs = pairs_by_person(problem)
    problems = []
    for members, own in zip(parts, slots, strict=True):
        ids = {problem.people[pi].id for pi in members}
        part = dataclasses.replace(
            problem,
            people=tuple(problem.people[pi] for pi in members),
            slots=tuple(own),
            requests=tuple(r for r in problem.requests if r.person in ids),
            fixed=tuple(f for f in problem.fixed if f.person in ids),
            prior=tuple(d for d in problem.prior if d.person in ids),
        )
        carry_limits(problem, part, members)
        problems.append(part)
    everyone = who.everyone()
    return Split(
        people=tuple(parts),
        problems=tuple(problems),
        gap_bound=cover_short(problem, everyone, "min"),
        role_bound=roles_short(problem, everyone),
        pairs=tuple(sum(pairs[pi] for pi in members) for members in parts),
    )


# (part's problem, its parameters, the stop event) -> its solution: solve.solve,
# passed in so that this module need not import the model builder, which calls here.
SolvePart = Callable[[Problem, SolveParams, threading.Event | None], Solution]


def solve_in_parts(
    problem: Problem,
    params: SolveParams,
    solve_part: SolvePart,
    stop: threading.Event | None = None,
    announce: Callable[[str], None] = lambda _name: None,
    part_pairs: int = PART_PAIRS,
) -> Solution:
    """Split the problem (parts of about ``part_pairs`` pairs), solve each part in
    turn within its share of the limits, and join their rotas; no rota
    (``unknown``, or ``infeasible`` fixed cells) when a part has none."""
    started = time.monotonic()
    parts = split(problem, part_pairs)
    pool = SearchPool(parts, params)
    solutions: list[Solution] = []
    for k, sub in enumerate(parts.problems):
        left = started + params.time_limit - time.monotonic()
        if left <= 0 or (stop is not None and stop.is_set()):
            return _none(SolveStatus.UNKNOWN, started, solutions, parts)
        announce(f"part {k + 1} of {len(parts.problems)}")
        found = solve_part(sub, pool.params(k, left), stop)
        pool.spent(found)
        if found.status == SolveStatus.UNKNOWN and not (stop is not None and stop.is_set()):
            found = _unsearched(sub, pool.params(k, left), solve_part, started + params.time_limit)
        solutions.append(found)
        if not found.status.found:
            status = SolveStatus.INFEASIBLE if found.status == SolveStatus.INFEASIBLE else None
            return _none(status or SolveStatus.UNKNOWN, started, solutions, parts)
    return join(problem, parts, solutions, time.monotonic() - started)


def _unsearched(
    sub: Problem, params: SolveParams, solve_part: SolvePart, deadline: float
) -> Solution:
    """A part that found no rota in its share of the wall-clock cap (a loaded
    machine): its greedy rota read back, with no search and all the time left.
    That rota depends on when the cap struck, so the whole is not repeatable."""
    left = deadline - time.monotonic()
    if left <= 0:
        return Solution(SolveStatus.UNKNOWN, nan, nan, 0.0)
    found = solve_part(
        sub, dataclasses.replace(params, time_limit=left, deterministic_time=0.0), None
    )
    return dataclasses.replace(found, stats={**found.stats, "repeatable": False})


def search_seconds(seconds: float, parts: Split) -> float:
    """The seconds of a repeatable solve left for searching once every part's
    model is built and its rota read (PAIR_SECONDS, PART_SECONDS): worked out
    from the sizes, not the clock, so the parts' budgets stay repeatable."""
    fixed = PAIR_SECONDS * sum(parts.pairs) + PART_SECONDS * len(parts.problems)
    return max(seconds - fixed, 0.0)


def search_cost(work: float) -> float:
    """The seconds a part's search of ``work`` takes (SEARCH_SECONDS, PART_WORK_RATE)."""
    return SEARCH_SECONDS + work / PART_WORK_RATE


class SearchPool:
    """The parts' limits, handed out in turn. Each part gets its share, by its
    pairs, of the seconds left among the parts still to solve (the wall-clock
    cap), and of an explicit work budget. A repeatable solve asked for seconds
    searches with what its fixed costs leave (search_seconds): each part its
    share of the seconds not yet spent, but at least MIN_PART_WORK while that
    lasts, and none after. What a part spent is counted from its work, not the
    clock, so the same problem gets the same parts searched on any machine."""

    def __init__(self, parts: Split, params: SolveParams) -> None:
        self.parts = parts
        self.base = params
        work = params.seconds_of_work
        self.seconds = None if work is None else search_seconds(work, parts)

    def params(self, k: int, left: float) -> SolveParams:
        """Part ``k``'s parameters, ``left`` seconds before the wall-clock cap."""
        share = self.parts.share(k)
        rest = sum(self.parts.share(j) for j in range(k, len(self.parts.problems)))
        budget = self.base.deterministic_time
        cap = left * share / rest
        if self.seconds is not None:
            budget = self.work(share / rest)
            cap = left * self.expected(k, budget) / self.expected_from(k)
        elif budget is not None:
            budget *= share
        return dataclasses.replace(
            self.base,
            time_limit=cap,
            seconds_of_work=None,
            deterministic_time=budget,
            decompose=False,
            greedy=True,
            prove=False,
        )

    def expected(self, k: int, work: float) -> float:
        """The seconds part ``k`` is expected to take with ``work`` to search."""
        fixed = PAIR_SECONDS * self.parts.pairs[k] + PART_SECONDS
        return fixed + (search_cost(work) if work > 0 else 0.0)

    def expected_from(self, k: int) -> float:
        """The seconds parts ``k``.. are expected to take, the search left included:
        a part's share of the wall-clock cap is its share of this, so a searched
        part is not cut short by a cap sized for one that only reads its rota back
        (measured at 5,000 people on a machine running the test suite: 5.9 units
        of work done against 8.9 idle)."""
        fixed = sum(self.expected(j, 0.0) for j in range(k, len(self.parts.problems)))
        return fixed + (self.seconds or 0.0)

    def work(self, fraction: float) -> float:
        """The work for a part owed ``fraction`` of the search seconds left."""
        least = search_cost(MIN_PART_WORK)
        if self.seconds is None or self.seconds < least:
            return 0.0
        seconds = min(max(self.seconds * fraction, least), self.seconds)
        return (seconds - SEARCH_SECONDS) * PART_WORK_RATE

    def spent(self, found: Solution) -> None:
        """Count a part's search (its work; a part given none searched not at all)."""
        work = found.stats.get("work", 0.0)
        if self.seconds is not None and work > 0:
            self.seconds = max(self.seconds - search_cost(work), 0.0)


def join(problem: Problem, parts: Split, solutions: Sequence[Solution], wall: float) -> Solution:
    """One rota of the parts' rotas: their duties and penalties together, the gaps
    counted and explained over the whole problem. Its cost is the sum of the
    parts' (a divided slot's cover is costed part by part), and no bound is known."""
    assignments = tuple(a for s in solutions for a in s.assignments)
    shadows = tuple(a for s in solutions for a in s.shadows)
    placed: dict[int, list[int]] = defaultdict(list)
    for pid, si in assignments:
        placed[si].append(problem.person_index(pid))
    gaps_proven = cover_short(problem, placed, "min") == parts.gap_bound
    roles_proven = gaps_proven and roles_short(problem, placed) == parts.role_bound
    gaps, composition = explained_gaps(
        problem, assignments, shadows, False, gaps_proven, roles_proven
    )
    sessional = {p.id for p in problem.people if p.sessional}
    return Solution(
        status=SolveStatus.FEASIBLE,
        objective=sum(s.objective for s in solutions),
        bound=nan,
        wall_time=wall,
        assignments=assignments,
        shadows=shadows,
        penalties=tuple(p for s in solutions for p in s.penalties),
        gaps=gaps,
        composition_gaps=composition,
        stats=_stats(solutions, parts),
        gaps_proven=gaps_proven,
        composition_proven=roles_proven,
        # Proven only when none is used: no fewer is possible.
        locum_days_proven=not any(pid in sessional for pid, _si in assignments),
    )


def _none(
    status: SolveStatus, started: float, solutions: Sequence[Solution], parts: Split
) -> Solution:
    wall = time.monotonic() - started
    return Solution(status, nan, nan, wall, stats=_stats(solutions, parts))


def _stats(solutions: Sequence[Solution], parts: Split) -> dict:
    summed = ("variables", "constraints", "assignment_vars", "shadow_vars", "work")
    stats = {name: sum(s.stats.get(name, 0) for s in solutions) for name in summed}
    stats["work"] = round(stats["work"], 3)
    stats["parts"] = len(parts.problems)
    stats["model_built"] = len(solutions) == len(parts.problems) and all(
        s.stats.get("model_built") for s in solutions
    )
    stats["repeatable"] = bool(solutions) and all(s.stats.get("repeatable") for s in solutions)
    return stats
