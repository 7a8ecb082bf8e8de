"""Solve the sample services' months and print status, objective, bound, gap and
times (to first rota and total). Figures, not pass/fail.

    python benchmarks/fixture_solves.py [--time-limit 60] [--workers 8]
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import ortools

import solver
from amhp.rota.build import build_problem
from amhp.service.calendar import Period
from amhp.service.file import load_service

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("warwickshire", "2026-11"),
    ("warwickshire", "2026-12"),
    ("coventry", "2026-11"),
    ("coventry", "2026-12"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--one-phase", action="store_true", help="one weighted objective, no cover-first phase"
    )
    args = parser.parse_args()
    print(
        f"# cores {os.cpu_count()}, python {platform.python_version()}, "
        f"ortools {ortools.__version__}, time limit {args.time_limit} s, "
        f"workers {args.workers}, {'one phase' if args.one_phase else 'cover first'}"
    )
    print(
        "| service | month | status | objective | bound | gap | missing | without a required "
        "role | managers' duty days | first rota s | total s | vars |"
    )
    print("| --- | --- | --- | --- | --- | --- | ---: | ---: | --- | --- | --- | --- |")
    for service_id, month in CASES:
        service = load_service(ROOT / "fixtures" / f"{service_id}.yaml")
        built = build_problem(service, Period.month(month))
        first: list[float] = []
        sol = solver.solve(
            built.problem,
            solver.SolveParams(
                time_limit=args.time_limit, workers=args.workers, cover_first=not args.one_phase
            ),
            on_progress=lambda p, first=first: first.append(p.elapsed),
        )
        gap = (sol.objective - sol.bound) / sol.objective if sol.objective else 0.0
        print(
            f"| {service_id} | {month} | {sol.status} | {sol.objective:.0f} | "
            f"{sol.bound:.0f} | {gap:.1%} | {sum(g.missing for g in sol.gaps)} | "
            f"{len(sol.composition_gaps)} | {_managers(built.problem, sol)} | "
            f"{first[0] if first else float('nan'):.2f} | "
            f"{sol.wall_time:.1f} | {sol.stats['variables']} |",
            flush=True,
        )


def _managers(problem: solver.Problem, sol: solver.Solution) -> str:
    """Each manager's counted duty days, as "id n" (their reduced level at work)."""
    days = {p.id: 0 for p in problem.people if p.role == "manager"}
    for pid, _si in sol.assignments:
        if pid in days:
            days[pid] += 1
    return ", ".join(f"{pid} {n}" for pid, n in sorted(days.items())) or "-"


if __name__ == "__main__":
    main()
