"""Lead presence in the proven first phase: a 160-person service with four led
quadrant hubs (`amhp generate --people 160 --areas 4 --seed 7`), one month, at
several time limits. For each: hub shifts left without their required role, the
gaps, sessional-locum days, whether each lexicographic level was proven, and the
seconds from the service in hand to the start of the phase after composition
(the composition level is then proven when `composition_proven` says so).
Figures, not pass/fail.

    python -m benchmarks.led_hubs [--limits 10,30,60] [--people 160] [--areas 4] [--seed 7]
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
COMPOSITION = "composition"  # the lexicographic phase of required roles
assert COMPOSITION in dict(solver.LEXICOGRAPHIC)


def measure(people: int, areas: int, seed: int, limit: float) -> dict:
    service = parse_service(synthetic_service_yaml(people, areas, seed))
    started = time.monotonic()
    starts: dict[str, float] = {}

    def heard(name: str) -> None:
        starts.setdefault(name, time.monotonic() - started)

    solved = solve_month(service, MONTH, None, solver.SolveParams(time_limit=limit), on_phase=heard)
    sol = solved.solution
    names = list(starts)
    after = names.index(COMPOSITION) + 1 if COMPOSITION in names else None
    first_phase_done = starts[names[after]] if after is not None and after < len(names) else None
    locum = {p.id for p in solved.built.problem.people if p.sessional}
    return {
        "limit": limit,
        "wall": time.monotonic() - started,
        "gaps": sum(g.missing for g in sol.gaps),
        "gaps_proven": sol.gaps_proven,
        "unled": len(sol.composition_gaps),
        "composition_proven": sol.composition_proven,
        "first_phase_s": first_phase_done,
        "locum_days": sum(1 for pid, _ in sol.assignments if pid in locum),
        "locum_days_proven": sol.locum_days_proven,
        "status": str(sol.status),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", default="10,30,60")
    parser.add_argument("--people", type=int, default=160)
    parser.add_argument("--areas", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"ortools {ortools.__version__}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores; "
        f"{args.people} people, {args.areas} areas, seed {args.seed}, {MONTH}"
    )
    print(
        "| limit s | wall s | gaps (proven) | shifts without a required role (proven) "
        "| first phase done at s | sessional-locum days (proven) | status |"
    )
    print("|---:|---:|---|---|---:|---|---|")
    for limit in (float(x) for x in args.limits.split(",")):
        r = measure(args.people, args.areas, args.seed, limit)
        done = "-" if r["first_phase_s"] is None else f"{r['first_phase_s']:.1f}"
        print(
            f"| {r['limit']:.0f} | {r['wall']:.1f} | {r['gaps']} ({_yes(r['gaps_proven'])}) "
            f"| {r['unled']} ({_yes(r['composition_proven'])}) | {done} "
            f"| {r['locum_days']} ({_yes(r['locum_days_proven'])}) | {r['status']} |",
            flush=True,
        )


def _yes(flag: bool) -> str:
    return "proven" if flag else "not proven"


if __name__ == "__main__":
    main()
