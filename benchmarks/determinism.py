"""Repeatable search against the free-running portfolio, and repeatability itself.

1. Quality: each case month solved by both searches at each time to search and
   seed: the cost of the whole objective, the people missing (and whether that is
   proven), the bound and the wall time.
2. Repeatability: the first case's month solved repeatably twice at the first
   limit, once idle and once with every core busy (a spinning process per core,
   and one more); the two `amhp-rota/1` exports compared byte for byte but for
   `wall_time_s`, with the portfolio the same way for contrast.

Figures, not pass/fail; the table is printed as Markdown for RESULTS.md.

    python -m benchmarks.determinism [--limits 10,30,60] [--seeds 0,1,2]
        [--cases warwickshire:2026-11,coventry:2026-11] [--searches portfolio,repeatable]
        [--skip-quality] [--skip-repeatability]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import ortools

import solver
from amhp.core.settings import Search
from amhp.rota.month import solve_month
from amhp.rota.search import search_params
from amhp.service.file import load_service

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@contextmanager
def cores_busy():
    """One spinning process per core (and one more) while the block runs."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range((os.cpu_count() or 2) + 1)
    ]
    try:
        yield
    finally:
        for p in spinners:
            p.kill()
            p.wait()


def run(service, month: str, search: Search, limit: float, seed: int) -> dict:
    params = search_params(limit, seed=seed, search=search)
    started = time.monotonic()
    solved = solve_month(service, month, params=params)
    sol = solved.solution
    return {
        "cost": sol.objective,
        "bound": sol.bound,
        "missing": sum(g.missing for g in sol.gaps),
        "proven": sol.gaps_proven,
        "wall": time.monotonic() - started,
        "work": sol.stats.get("work", 0.0),
        # Everything but the wall time, which is the one field load must change.
        "export": json.dumps({**solved.export, "wall_time_s": None}, sort_keys=True),
    }


def quality(cases, limits, seeds, searches=(Search.PORTFOLIO, Search.REPEATABLE)) -> None:
    print(
        "| case | search | limit | cost per seed | mean cost | bound | missing "
        "| gaps proven | work | wall s |"
    )
    print("|---|---|---:|---|---:|---:|---|---|---:|---:|")
    for name, month in cases:
        service = load_service(FIXTURES / f"{name}.yaml")
        for limit in limits:
            for search in searches:
                rows = [run(service, month, search, limit, seed) for seed in seeds]
                costs = [r["cost"] for r in rows]
                print(
                    f"| {name} {month} | {search} | {limit:g} s "
                    f"| {' / '.join(f'{c:.0f}' for c in costs)} "
                    f"| {statistics.mean(costs):.0f} "
                    f"| {max(r['bound'] for r in rows):.0f} "
                    f"| {' / '.join(str(r['missing']) for r in rows)} "
                    f"| {'all' if all(r['proven'] for r in rows) else 'not all'} "
                    f"| {statistics.mean(r['work'] for r in rows):.1f} "
                    f"| {max(r['wall'] for r in rows):.1f} |",
                    flush=True,
                )


def repeatability(name: str, month: str, limit: float) -> None:
    service = load_service(FIXTURES / f"{name}.yaml")
    print("\n| search | limit | idle wall s | loaded wall s | exports identical |")
    print("|---|---:|---:|---:|---|")
    for search in (Search.REPEATABLE, Search.PORTFOLIO):
        idle = run(service, month, search, limit, 0)
        with cores_busy():
            loaded = run(service, month, search, limit, 0)
        same = "yes" if idle["export"] == loaded["export"] else "no"
        print(
            f"| {search} | {limit:g} s | {idle['wall']:.1f} | {loaded['wall']:.1f} | {same} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", default="10,30,60")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--cases", default="warwickshire:2026-11,coventry:2026-11")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-repeatability", action="store_true")
    parser.add_argument("--searches", default="portfolio,repeatable")
    args = parser.parse_args()
    limits = [float(x) for x in args.limits.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    cases = [tuple(c.split(":")) for c in args.cases.split(",")]
    print(
        f"ortools {ortools.__version__}, {os.cpu_count()} cores, "
        f"repeatable work per second: {solver.work_per_second(1_000):.2f} at 1,000 variables, "
        f"{solver.work_per_second(100_000):.2f} at 100,000\n"
    )
    searches = [Search(s) for s in args.searches.split(",")]
    if not args.skip_quality:
        quality(cases, limits, seeds, searches)
    if not args.skip_repeatability:
        repeatability(*cases[0], limits[min(1, len(limits) - 1)])


if __name__ == "__main__":
    main()
