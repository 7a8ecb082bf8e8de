"""The construction's second pass: each group of people re-solved against the
cover everyone else leaves, starting from its own rota, and kept only when
that costs less.

Why: the construction (solver.construct) rosters each group against what the
groups before it left, so the first groups took the slots they liked best
and the last ones met whatever cover was still missing. A group re-solved once
everyone is placed sees the whole horizon's cover as it stands: it can move a
duty from a slot others already fill to one still short.

Why a change never costs the whole more than it saves: each group's
sub-problem prices its people's own rules exactly, and the slots' cover with
everyone else's duties taken off each level; for cover priced linearly under
and over a level, that differs from the whole rota's cost by a constant (the
level clamped at zero is where others already reach it: no shortfall left
either way, and each person over costs the same). So a cheaper group rota is a
cheaper whole rota. Rules that share the slots' targets between everyone who
could take them are not priced so (solver.held.exact); solver.construct_only
only calls this where none is weighted.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable

from solver.construct import GROUP_WORKERS, group_problem, group_size
from solver.problem import Problem

Rota = dict[tuple[int, int], int]
# (group's problem, seconds, workers, work or None, its current rota keyed by
# (index within the group, slot index)) -> a rota that costs less, or None, and
# the work (CP-SAT's deterministic time) its search did.
Improve = Callable[[Problem, float, int, float | None, Rota], tuple[Rota | None, float]]
# The least seconds worth giving one group (its model built, the current rota
# loaded and searched from): with less left, no further group is searched.
MIN_GROUP_SECONDS = 0.5
# Passes a repeatable second pass shares its work between: each group's search
# may use an equal part of it (at most what is left). A group that proves its
# best rota sooner leaves the rest to the groups after it, and passes go on
# until the work is spent or none changes anything at the largest size.
REPEATABLE_PASSES = 2
# People a group of the first pass: one, then twice as many each time a pass
# changes nothing, up to the construction's group size. Measured on Curtois 13
# from one constructed rota (24,162) with 20 units of work, repeatably
# (benchmarks/regroup.py): groups of 1 reached 7,773 in 19.7 s, of 2 8,642, of 4
# 18,802, of 8 (the construction's size, used before) 22,233.
FIRST_SIZE = 1


def regroup(
    problem: Problem,
    rota: Rota,
    time_limit: float,
    improve: Improve,
    size: int | None = None,
    work: float | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> tuple[Rota, dict]:
    """``rota`` (person index, slot index) -> 0/1 improved group by group, pass
    after pass, until ``time_limit`` (or ``work``: each group's search is then
    repeatable, on the work the groups before it left) is spent, ``stop`` says
    so, or a whole pass changes nothing at the largest size. Groups start at one
    person (FIRST_SIZE) and double, up to the construction's group size, each
    time a pass changes nothing; ``size`` fixes it instead. Odd passes shift the
    groups by half a group, so neighbours of different groups meet. Returns the
    rota and what was done (passes, groups searched and improved, the work done,
    and whether the clock stopped it)."""
    people = len(problem.people)
    grow = size is None
    largest = group_size(problem)
    size = size or min(FIRST_SIZE, largest)
    deadline = time.monotonic() + time_limit
    placed = Counter(si for (_pi, si), value in rota.items() if value)
    # Each person's part of the rota: a year of Curtois 24 has 1.1 million
    # entries, too many to look through once a group.
    by_person: dict[int, Rota] = defaultdict(dict)
    for key, value in rota.items():
        by_person[key[0]][key] = value
    done = {
        "passes": 0,
        "groups_searched": 0,
        "groups_improved": 0,
        "work_done": 0.0,
        "out_of_time": False,
    }
    while not stop():
        groups = _groups(people, size, done["passes"])
        changed = False
        for g, members in enumerate(groups):
            left = deadline - time.monotonic()
            if left < MIN_GROUP_SECONDS or stop():
                done["out_of_time"] = left < MIN_GROUP_SECONDS
                return _joined(by_person), done
            group_work = None
            if work is not None:
                group_work = min(work / REPEATABLE_PASSES / len(groups), work - done["work_done"])
                if group_work <= 0:
                    return _joined(by_person), done
                seconds = left  # the work limits the group; the clock is the safety cap
            else:
                seconds = max(left / (len(groups) - g), MIN_GROUP_SECONDS)
            start = members.start
            mine = {key: v for pi in members for key, v in by_person[pi].items()}
            for (_pi, si), value in mine.items():
                placed[si] -= value
            group = problem.people[members.start : members.stop]
            sub = group_problem(problem, group, placed, start)
            current = {(pi - start, si): v for (pi, si), v in mine.items()}
            better, spent = improve(sub, seconds, GROUP_WORKERS, group_work, current)
            # Charged at most its share: an interleaved search overruns its work
            # by a chunk (2-3 x on a group of two), which would starve the groups
            # after it; the wall-clock cap bounds the overrun.
            done["work_done"] += spent if group_work is None else min(spent, group_work)
            done["groups_searched"] += 1
            if better is not None:
                changed = True
                done["groups_improved"] += 1
                mine = {(start + pi, si): v for (pi, si), v in better.items()}
                for pi in members:
                    by_person[pi] = {}
                for key, value in mine.items():
                    by_person[key[0]][key] = value
            for (_pi, si), value in mine.items():
                placed[si] += value
        done["passes"] += 1
        if not changed and grow and size < largest:
            size = min(size * 2, largest)  # nothing more one size finds: larger groups
        elif not changed:
            break
    return _joined(by_person), done


def _joined(by_person: dict[int, Rota]) -> Rota:
    return {key: value for part in by_person.values() for key, value in part.items()}


def _groups(people: int, size: int, n: int) -> list[range]:
    """The groups of pass ``n`` (person indexes): every ``size`` people, shifted
    by half a group on odd passes (the first group then has the half before it)."""
    shift = (size // 2) if n % 2 else 0
    starts = [0, *range(shift, people, size)] if shift else list(range(0, people, size))
    ends = [*starts[1:], people]
    return [range(a, b) for a, b in zip(starts, ends, strict=True)]
