"""The work a second of repeatable search does, by model size: the figures behind
``solver.repeatable``'s RATE_AT_1000 and RATE_PER_DECADE. Generated services
(``PEOPLExMONTHS``, from January 2027), each solved repeatably for the seconds
given; the rate is the work done over the wall time from problem to solution
(building included, as a lead waits for it), and the cost is the rota's (seed
0). Figures, not pass/fail.

    python -m benchmarks.work_rate [--seconds 30] [--cases 10x1,30x1,100x1,30x3,300x1,150x3]
"""

from __future__ import annotations

import argparse
import time

import solver
from benchmarks.peer import instance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--cases", default="10x1,30x1,100x1,30x3,300x1,150x3")
    args = parser.parse_args()
    print("| case | variables | budgeted rate | work | wall s | measured rate | status | cost |")
    print("|---|---:|---:|---:|---:|---:|---|---:|")
    for case in args.cases.split(","):
        problem = instance(case)
        started = time.monotonic()
        sol = solver.solve(problem, solver.repeatable(args.seconds))
        wall = time.monotonic() - started
        variables = sol.stats.get("variables", 0)
        work = sol.stats.get("work", 0.0)
        print(
            f"| {case} | {variables} | {solver.work_per_second(variables):.2f} | {work:.1f} "
            f"| {wall:.1f} | {work / wall:.2f} | {sol.status} | {sol.objective:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
