"""A first rota built a few people at a time, for models too large to search whole.

Why: over a long horizon (half a year or a year of a large service) CP-SAT may not
find any rota in minutes when it searches the whole model, although each person's
rules on their own are quickly satisfied (measured on Curtois instance 20: the
whole model needs 7-21 s just to satisfy its hard rules, one person alone 0.1 s).
Cover is soft, so people can be rostered group by group: each group is solved
against the cover the earlier groups left missing, and the union of the groups'
rotas is a complete rota that keeps every rule about one person. It becomes the
hint of the whole model, whose search then starts from a rota instead of nothing.

Rules between people (a locum never alone on a shift, a shadow beside an
experienced AMHP) are checked within each group, which is stricter than they are:
a locum is only placed beside someone of the same group. So the union keeps them
too, and pairings across groups are left to the whole model's search.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable

from solver.problem import Person, Problem, Slot
from solver.rules.part_time import carry_limits

# People solved together: large enough that a group shares the cover sensibly,
# small enough that a group's model is solved in a fraction of a second...
GROUP_SIZE = 8
# ...so fewer where each person has many (person, slot) pairs. Measured on Curtois
# instance 24 (about 7 000 pairs a person): 8 people took 34 s to a first rota, one
# person 1.5 s (benchmarks/construct_groups.py); instance 20 (700 a person)
# solves groups of 8 within their share.
GROUP_PAIRS = 6_000
# CP-SAT workers per group: one worker can stall for seconds on a single person's
# pattern rules (total minutes against run lengths); two find a rota in 0.1 s.
GROUP_WORKERS = 2

# (group's problem, seconds, workers, work or None) -> its rota or None.
Solve = Callable[[Problem, float, int, float | None], dict[tuple[int, int], int] | None]


def residual_slots(problem: Problem, placed: Counter) -> tuple[Slot, ...]:
    """The slots with the people already placed taken off each level, so a group
    sees the cover still missing and the room still left under the maximum.
    A slot's role requirements are dropped once anyone is placed on it: a later
    group cannot tell whether they are met, and composition is soft, so the
    whole model's search settles it."""
    out = []
    for si, slot in enumerate(problem.slots):
        have = placed[si]
        if not have:
            out.append(slot)
            continue
        out.append(
            dataclasses.replace(
                slot,
                min=max(slot.min - have, 0),
                target=max(slot.target - have, 0),
                max=max(slot.max - have, 0),
                requirements=(),
            )
        )
    return tuple(out)


def group_problem(
    problem: Problem, group: tuple[Person, ...], placed: Counter, offset: int = 0
) -> Problem:
    """The sub-problem of one group (people ``offset``.. of the problem): its
    people, their requests, fixed cells and prior duties, the residual cover, and
    the whole problem's duty limits. Slot indexes are unchanged."""
    ids = {p.id for p in group}
    part = dataclasses.replace(
        problem,
        people=group,
        slots=residual_slots(problem, placed),
        requests=tuple(r for r in problem.requests if r.person in ids),
        fixed=tuple(f for f in problem.fixed if f.person in ids),
        prior=tuple(d for d in problem.prior if d.person in ids),
    )
    carry_limits(problem, part, range(offset, offset + len(group)))
    return part


def group_size(problem: Problem) -> int:
    """GROUP_SIZE people, or fewer so a group has about GROUP_PAIRS pairs."""
    pairs = sum(1 for p in problem.people for s in problem.slots if s.shift in p.shift_types)
    per_person = max(pairs / max(len(problem.people), 1), 1)
    return max(1, min(GROUP_SIZE, int(GROUP_PAIRS // per_person)))


def construct(
    problem: Problem,
    time_limit: float,
    solve_group: Solve,
    size: int | None = None,
    work: float | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> dict[tuple[int, int], int] | None:
    """Assignment (person index, slot index) -> 0/1 for everyone, or ``None`` when a
    group has no rota (its hard rules contradict each other, e.g. fixed cells, or
    the limit is far too short: no half-built rota) or ``stop`` says so before
    a group (a solve cancelled: no group after it is searched). Each group searches its
    share of ``time_limit``; once that is spent, the groups left get no time to
    search, and ``solve_group`` decides whether to look for a first rota in the
    time the whole solve has left (measured on Curtois instance 22 at 60 s: the
    construction's 18 s ran out with groups to go, and the solve had no rota).

    ``work`` (CP-SAT's deterministic time, for a repeatable solve) is split evenly
    between the groups, so what each group finds, and so the rota, does not depend
    on the clock; each group may then use all of the time left, which only stops
    a construction gone too long.

    ``solve_group(sub_problem, seconds, workers, work)`` returns the group's counted
    assignments keyed by (index within the group, slot index), or ``None``;
    passing it in keeps this module free of the model builder, which calls here.
    Supernumerary shadowing is left out of the result: it is never needed for a
    rota to be valid, and the whole model's search fills it in."""
    people = problem.people
    size = size or group_size(problem)
    groups = [people[i : i + size] for i in range(0, len(people), size)]
    placed: Counter = Counter()
    rota: dict[tuple[int, int], int] = {}
    deadline = time.monotonic() + time_limit
    group_work = work / len(groups) if work is not None and groups else None
    for g, group in enumerate(groups):
        if stop():
            return None
        left = max(deadline - time.monotonic(), 0.0)
        # With work, the work limits each group and the clock is only the
        # construction's safety cap: a share of the clock would cut a group short
        # on a loaded machine, and the rota would then depend on the load. Without,
        # past the construction's time a group gets none to search, and
        # ``solve_group`` may still look for its first rota within the whole
        # solve's limits.
        share = left if group_work is not None else left / (len(groups) - g)
        offset = g * size
        sub = group_problem(problem, group, placed, offset)
        found = solve_group(sub, share, GROUP_WORKERS, group_work)
        if found is None:
            return None
        for (pi, si), value in found.items():
            rota[offset + pi, si] = value
            placed[si] += value
    return rota
