"""Time per month of a what-if horizon, for the Warwickshire fixture and a generated
100-person service, and month by month against one model over the same months.

    python benchmarks/whatif_horizon.py [--months 12] [--time-limit 8] [--workers 8]
                                        [--one-model 3]

Prints a Markdown table per service: each month's status, objective, bound, gaps
and seconds. With ``--one-model N`` it also solves the first N months as a single
model given the same total time and compares gaps and soft cost with the monthly
solves of those months. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import ortools

import solver
from amhp.rota.build import build_problem
from amhp.rota.carry_in import prior_duties
from amhp.rota.export import to_export
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml
from amhp.service.model import ServiceDefinition
from amhp.whatif.horizon import solve_horizon
from amhp.whatif.scenarios import apply_changes, load_scenarios

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "scenarios" / "warwickshire-2026.yaml"


def services(months: int) -> list[tuple[str, ServiceDefinition, list[str]]]:
    spec, base = load_scenarios(FIXTURE)
    labels = spec.horizon.month_labels()[:months]
    fixture = apply_changes(base, spec.common_changes, spec.horizon.end)
    generated = parse_service(synthetic_service_yaml(100, 6, 1, start=labels[0], months=months))
    return [
        ("warwickshire (30 people)", fixture, labels),
        ("generated 100 people", generated, labels),
    ]


def per_month(name: str, service: ServiceDefinition, labels: list[str], params) -> None:
    print(f"\n### {name}: {len(labels)} months, {params.time_limit:g} s limit per month\n")
    print("| month | status | gaps | locum days | load spread | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    started = time.monotonic()
    stamps = [started]
    results = solve_horizon(
        service, labels, params, 0.0, on_month=lambda _m: stamps.append(time.monotonic())
    )
    for r, t0, t1 in zip(results, stamps[:-1], stamps[1:], strict=True):
        print(
            f"| {r.month} | {r.status} | {r.slot_days_below_min} | {r.locum_days_needed} | "
            f"{r.load_spread} | {t1 - t0:.1f} |",
            flush=True,
        )
    total = time.monotonic() - started
    print(f"\ntotal {total:.1f} s, {total / len(labels):.1f} s per month of horizon")


def one_model(name: str, service: ServiceDefinition, labels: list[str], params) -> None:
    """The same months as one model with the monthly solves' total time."""
    period = Period(Period.month(labels[0]).start, Period.month(labels[-1]).end)
    built = build_problem(service, period, prior_duties(service, period.start, None))
    long = solver.SolveParams(time_limit=params.time_limit * len(labels), workers=params.workers)
    sol = solver.solve(built.problem, long)
    export = to_export(built, sol)
    gaps = len(export["gaps"])
    monthly_gaps = 0
    monthly_cost = 0.0
    previous = None
    for label in labels:
        month = Period.month(label)
        b = build_problem(service, month, prior_duties(service, month.start, previous))
        s = solver.solve(b.problem, params)
        previous = to_export(b, s)
        monthly_gaps += len(previous["gaps"])
        monthly_cost += s.objective
    print(
        f"\n{name}, {len(labels)} months: one model {sol.status} in {sol.wall_time:.0f} s, "
        f"{gaps} gaps, objective {sol.objective:.0f} (bound {sol.bound:.0f}, "
        f"{sol.stats['variables']} variables); month by month {monthly_gaps} gaps, "
        f"objectives summed {monthly_cost:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--one-model", type=int, default=0, metavar="N")
    args = parser.parse_args()
    print(
        f"# cores {os.cpu_count()}, python {platform.python_version()}, "
        f"ortools {ortools.__version__}, workers {args.workers}"
    )
    params = solver.SolveParams(time_limit=args.time_limit, workers=args.workers)
    for name, service, labels in services(args.months):
        per_month(name, service, labels, params)
        if args.one_model:
            one_model(name, service, labels[: args.one_model], params)


if __name__ == "__main__":
    main()
