"""Time limits are limits: a month solved for synthetic services of growing size,
wall time measured from the service definition in hand to the rota in hand (the
problem and model built, every phase, the rota read back and explained), against
the time limit given. Figures, not pass/fail.

    python -m benchmarks.time_limits [--time-limit 20] [--people 50,500,5000]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import ortools

import solver
from amhp.rota.month import solve_month
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml

MONTH = "2026-11"


def measure(people: int, limit: float, seed: int = 1) -> dict:
    service = parse_service(synthetic_service_yaml(people, max(1, people // 40), seed))
    started = time.monotonic()
    solved = solve_month(service, MONTH, None, solver.SolveParams(time_limit=limit, seed=seed))
    wall = time.monotonic() - started
    sol = solved.solution
    return {
        "people": people,
        "limit": limit,
        "wall": wall,
        "solver": sol.wall_time,  # the rest of wall: building the problem, the export
        "over": wall - limit,
        "status": str(sol.status),
        "gaps": sum(g.missing for g in sol.gaps),
        "assignment_vars": sol.stats.get("assignment_vars", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--people", default="50,500,5000")
    args = parser.parse_args()
    print(
        f"ortools {ortools.__version__}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    print(
        "| people | assignment vars | limit s | wall s | of which solver s "
        "| past the limit s | status | gaps |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|")
    for n in (int(x) for x in args.people.split(",")):
        r = measure(n, args.time_limit)
        print(
            f"| {r['people']} | {r['assignment_vars']} | {r['limit']:.0f} | {r['wall']:.1f} "
            f"| {r['solver']:.1f} | {r['over']:+.1f} | {r['status']} | {r['gaps']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
