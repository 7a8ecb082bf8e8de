"""Time limits are limits: a month solved for synthetic services of growing size,
wall time measured from the service definition in hand to the rota in hand (the
problem and model built, every phase, the rota read back and explained), against
the time limit given. Figures, not pass/fail.

    python -m benchmarks.time_limits [--time-limit 20] [--people 50,500,5000]
        [--search repeatable|portfolio] [--loaded]

``--loaded``: one spinning process per core and one more while each solve runs
(benchmarks.determinism.cores_busy), as a machine shared with other work.

With the repeatable search (the product's) the seconds asked become a budget of
work and the clock a safety cap at four times them, so "past the limit" is
measured against the seconds asked.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from contextlib import nullcontext

import ortools

from amhp.core.settings import Search
from amhp.rota.month import solve_month
from amhp.rota.search import search_params
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml
from benchmarks.determinism import cores_busy

MONTH = "2026-11"


def measure(people: int, limit: float, search: Search, seed: int = 1) -> dict:
    service = parse_service(synthetic_service_yaml(people, max(1, people // 40), seed))
    started = time.monotonic()
    params = search_params(limit, seed=seed, search=search)
    solved = solve_month(service, MONTH, None, params)
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
        "proven": sol.gaps_proven,
        "work": sol.stats.get("work", 0.0),
        # False: the wall-clock cap stopped a search, so the rota depends on the load
        "repeatable": bool(sol.stats.get("repeatable")),
        "assignment_vars": sol.stats.get("assignment_vars", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--people", default="50,500,5000")
    parser.add_argument("--search", type=Search, default=Search.REPEATABLE)
    parser.add_argument("--loaded", action="store_true", help="every core kept busy meanwhile")
    args = parser.parse_args()
    print(
        f"ortools {ortools.__version__}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores, {args.search} search"
        f"{', cores kept busy' if args.loaded else ''}"
    )
    print(
        "| people | assignment vars | limit s | wall s | of which solver s "
        "| past the limit s | status | gaps | gaps proven | work | repeatable |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---|")
    for n in (int(x) for x in args.people.split(",")):
        with cores_busy() if args.loaded else nullcontext():
            r = measure(n, args.time_limit, args.search)
        print(
            f"| {r['people']} | {r['assignment_vars']} | {r['limit']:.0f} | {r['wall']:.1f} "
            f"| {r['solver']:.1f} | {r['over']:+.1f} | {r['status']} | {r['gaps']} "
            f"| {'yes' if r['proven'] else 'no'} | {r['work']:.1f} "
            f"| {'yes' if r['repeatable'] else 'no'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
