"""The second pass (solver.regroup) on its own, from one constructed rota: the
figures behind its group size and passes, repeatable so they can be checked.

    PYTHONPATH=. .venv/bin/python -m benchmarks.regroup 13 --sizes 2,8 --work 20
    PYTHONPATH=. .venv/bin/python -m benchmarks.regroup 13 --construct-work 40 --work 40
    PYTHONPATH=. .venv/bin/python -m benchmarks.regroup 15 --start whole --sizes 1 --work 25

A year's instance needs far more construction work: on 22, 20 units built no
rota (a group of two needs about 5 units to its first rota, and there are 25).

The instance's first rota is built once by the construction (solver.construct)
on a work budget (``--construct-work``), so every run of the command starts from
the same rota; each group size then improves a copy of it with ``--work`` units
of CP-SAT's deterministic time, repeatably, and the rota is priced as the
product prices it (read back by a model of its own duties, solver.held). Prints
a Markdown table: size, cost before and after, passes, groups searched and
improved, and wall seconds (which vary with the machine; the costs do not).

``--start whole`` starts instead from the whole model's rota: the product's
repeatable search (solver.repeatable) of ``--whole-seconds``, as a solve of a
model below the group-by-group threshold makes it. The second pass from there,
measured before the product's search polished its own first rota, is what
prompted that polish (RESULTS.md, sixth session); the whole model's rota is now
polished already, so the figures are not comparable with those.
"""

from __future__ import annotations

import argparse
import time

import solver
from benchmarks.curtois import DATA, parse, to_problem


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.regroup")
    parser.add_argument("instance", type=int, help="Curtois & Qu instance number")
    parser.add_argument(
        "--sizes",
        default="1,2,6",
        help="people per group, comma-separated; 'grow': from one, as the product's pass",
    )
    parser.add_argument("--work", type=float, default=20.0, help="second pass's work per size")
    parser.add_argument("--construct-work", type=float, default=20.0)
    parser.add_argument("--limit", type=float, default=3600.0, help="wall-clock safety cap, s")
    parser.add_argument("--start", choices=["constructed", "whole"], default="constructed")
    parser.add_argument("--whole-seconds", type=float, default=30.0)
    args = parser.parse_args()
    problem = to_problem(parse(DATA / f"Instance{args.instance}.txt"))
    started = time.monotonic()
    if args.start == "whole":
        first, how = whole_rota(problem, args.whole_seconds), f"{args.whole_seconds:g} s repeatable"
    else:
        first = solver.constructed_rota(problem, args.construct_work, args.limit)
        how = f"constructed with {args.construct_work:g} units"
    if first is None:
        raise SystemExit(f"no first rota ({how})")
    before = solver.held_cost(problem, first)
    print(
        f"Instance{args.instance}: {how} in {time.monotonic() - started:.1f} s, "
        f"cost {before:.0f}\n",
        flush=True,
    )
    print("| size | work | before | after | passes | searched | improved | repeatable | wall s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for size in (None if x == "grow" else int(x) for x in args.sizes.split(",")):
        started = time.monotonic()
        rota, done = solver.regrouped_rota(problem, dict(first), args.work, size, args.limit)
        wall = time.monotonic() - started
        print(
            f"| {size or 'grow'} | {args.work:g} | {before:.0f} | "
            f"{solver.held_cost(problem, rota):.0f} | "
            f"{done['passes']} | {done['groups_searched']} | {done['groups_improved']} | "
            f"{'no' if done['out_of_time'] else 'yes'} | {wall:.1f} |",
            flush=True,
        )


def whole_rota(problem: solver.Problem, seconds: float) -> dict | None:
    """The whole model's rota, (person index, slot index) -> 1, from the product's
    repeatable search of about ``seconds`` with no gaps-first phase (as the
    Curtois suite solves), never group by group."""
    params = solver.repeatable(seconds, cover_first=False, groups_only=False)
    solution = solver.solve(problem, params)
    if solution.status not in (solver.SolveStatus.OPTIMAL, solver.SolveStatus.FEASIBLE):
        return None
    index = {person.id: pi for pi, person in enumerate(problem.people)}
    return {(index[pid], si): 1 for pid, si in solution.assignments}


if __name__ == "__main__":
    main()
