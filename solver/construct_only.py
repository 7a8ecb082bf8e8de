"""A rota built and improved a few people at a time, never as one whole model.

Why: a long horizon of a large service has too many (person, slot) pairs for
one model. Curtois instance 24 (150 nurses, a year: 1.1 million assignment
variables) needed 9.3 GB with two workers, and in ten minutes the construction
running beside it never finished, so there was no rota; on 22 and 23 the whole
model's search never improved on the constructed rota it was given.

Here the construction (solver.construct) builds the first rota group by group;
the second pass (solver.regroup) re-solves each group against the cover
everyone else leaves, for the rest of the time; and the rota is read back by a
model of its own duties alone (solver.held), which prices it as the whole
model would. No model ever holds more than one group's pairs or the rota's
duties. Nothing is proven: the status is ``feasible``, with no bound.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from math import nan

from solver.construct import GROUP_PAIRS, Solve, construct
from solver.decompose import pairs_by_person
from solver.held import exact
from solver.params import SolveParams
from solver.problem import Problem
from solver.regroup import Improve, Rota, regroup
from solver.repeatable import work_per_second
from solver.solution import Solution, SolveStatus

# Problems with more (person, slot) pairs than this are solved group by group.
# Not tuned: the threshold of solving in parts (solver.decompose), just below
# Curtois 22 (120,484 pairs), on which, as on 23, the whole model's search never
# moved from the constructed rota it was given (benchmarks/RESULTS.md, "Fourth
# session").
GROUPS_ONLY_ABOVE_PAIRS = 120_000
# ...and above this many when no level is proven first (``cover_first`` off: the
# gaps-first phase proves the fewest gaps, which groups never do). The
# construction's threshold (solver.solve.CONSTRUCT_ABOVE, in assignment
# variables, one per pair): every Curtois instance above it was cheaper group by
# group at 60 s than by the whole model searching from the constructed rota
# (13: 7,958 and 8,738 against 9,089 and 10,971; 20: 21,641 against 25,766; 21:
# 55,580 against 72,390; "Fifth session" in benchmarks/RESULTS.md). Below it
# (none of 1-21 has between 11,256 and 39,130 pairs) group by group was dearer on
# 14 and 16-19 and within a run's spread on 12 and 15.
GROUPS_ONLY_UNPROVEN_ABOVE_PAIRS = 30_000
# Share of the time limit (and of a repeatable solve's work) the construction
# may use; the second pass has the rest, less what reading the rota back takes.
# Measured on Curtois 22 at 60 s (single runs, which vary by a quarter): 0.5 gave
# 158,990 and 166,942, 0.8 146,840 and 116,323, 0.9 120,610; a group's first
# rota improves most with more time.
CONSTRUCTION_SHARE = 0.8
# Seconds kept back for reading the rota back: a start, per (person, slot) pair
# (the held model's pairs are picked out of all of them), and per cause its gaps
# are explained by (one per person who does a short slot's shift, at about 0.1 ms
# each: 14,950 in 1.5 s on Curtois 22; a year with 2,000 gaps has 300,000).
READ_SECONDS = 2.0
READ_SECONDS_PER_PAIR = 2e-6
EXPLAIN_SECONDS_PER_CAUSE = 1.5e-4

# (problem, rota, stats) -> the rota read back and explained.
Read = Callable[[Problem, Rota, dict], Solution]


def suits(problem: Problem, gaps_first: bool = True) -> bool:
    """Many pairs (fewer suffice when no ``gaps_first`` phase is to prove the
    fewest gaps), and a model of the rota's duties alone prices it exactly."""
    above = GROUPS_ONLY_ABOVE_PAIRS if gaps_first else GROUPS_ONLY_UNPROVEN_ABOVE_PAIRS
    return sum(pairs_by_person(problem)) > above and exact(problem)


def solve_by_groups(
    problem: Problem,
    params: SolveParams,
    solve_group: Solve,
    improve: Improve,
    read: Read,
    stop: Callable[[], bool] = lambda: False,
) -> Solution:
    """Construct, improve and read back within ``params``' limits; ``unknown``
    (no rota) when a group has none."""
    started = time.monotonic()
    pairs = sum(pairs_by_person(problem))
    work = groups_work(params)
    building = params.time_limit * CONSTRUCTION_SHARE
    share = None
    if work is not None:  # the work limits it; the clock is the safety cap
        share = work * CONSTRUCTION_SHARE
        building = params.time_limit
    rota = construct(problem, building, solve_group, work=share, stop=stop)
    if rota is None:
        wall = time.monotonic() - started
        return Solution(SolveStatus.UNKNOWN, nan, nan, wall, stats={"model_built": False})
    reading = READ_SECONDS + READ_SECONDS_PER_PAIR * pairs + _explaining(problem, rota)
    left = started + params.time_limit - reading - time.monotonic()
    rest = work - share if work is not None and share is not None else None
    rota, done = regroup(problem, rota, left, improve, work=rest, stop=stop)
    stats = {
        "model_built": False,
        "pairs": pairs,
        "work": work,
        **done,
        # With a work budget every group searches interleaved on a fixed share of
        # it; a second pass the clock cut short stopped where the load chose.
        "repeatable": work is not None and not done["out_of_time"],
    }
    return read(problem, rota, stats)


def _explaining(problem: Problem, rota: Rota) -> float:
    """The seconds explaining ``rota``'s gaps would take (EXPLAIN_SECONDS_PER_CAUSE),
    kept back before the second pass starts: that pass, priced by the same cover
    minimum, closes gaps far more often than it opens any."""
    on = Counter(si for (_pi, si), value in rota.items() if value)
    able = Counter(shift for person in problem.people for shift in person.shift_types)
    causes = sum(able[slot.shift] for si, slot in enumerate(problem.slots) if on[si] < slot.min)
    return EXPLAIN_SECONDS_PER_CAUSE * causes


def groups_work(params: SolveParams) -> float | None:
    """A repeatable solve's work: given outright, or the seconds asked at the rate
    of a group's model (about GROUP_PAIRS variables; solver.repeatable)."""
    if params.deterministic_time is not None:
        return params.deterministic_time
    if params.repeatable and params.seconds_of_work is not None:
        return params.seconds_of_work * work_per_second(GROUP_PAIRS)
    return None
