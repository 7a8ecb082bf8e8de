"""How long one construction group takes to its first rota, by group size: the
figures behind ``solver.construct.GROUP_PAIRS`` and ``GROUP_WORKERS``.

    PYTHONPATH=. .venv/bin/python benchmarks/construct_groups.py 24 --sizes 1,8
    PYTHONPATH=. .venv/bin/python benchmarks/construct_groups.py 20 --sizes 1 --workers 1

The first group of the instance (no cover placed yet) is built and solved until
its first rota; prints model build and search seconds per size.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from ortools.sat.python import cp_model

import solver
from benchmarks.curtois import DATA, parse, to_problem


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("instance", type=int)
    parser.add_argument("--sizes", default="1,8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=120.0)
    args = parser.parse_args()
    problem = to_problem(parse(DATA / f"Instance{args.instance}.txt"))
    for size in (int(x) for x in args.sizes.split(",")):
        started = time.monotonic()
        ctx = solver.build_model(solver.group_problem(problem, problem.people[:size], Counter()))
        built = time.monotonic() - started
        engine = cp_model.CpSolver()
        engine.parameters.num_workers = args.workers
        engine.parameters.max_time_in_seconds = args.limit
        engine.parameters.stop_after_first_solution = True
        code = engine.solve(ctx.model)
        print(
            f"Instance{args.instance}: {size} people, {args.workers} workers: "
            f"build {built:.1f} s, {engine.status_name(code)} after {engine.wall_time:.1f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
