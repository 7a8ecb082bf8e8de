"""Repair against "generate again": a published month, then k AMHPs' duty days
reported as sickness (k = 1, 3, 10, chosen with a fixed seed among duties after
the first week); the month repaired (amhp/rota/repair.py) and solved afresh.
Prints changed duties against the published rota, gaps and time for both.
Figures, not pass/fail.

    python -m benchmarks.repair [--time-limit 30] [--sick 1,3,10] [--people 100]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import date

import ortools

import solver
from amhp.rota.month import solve_month
from amhp.rota.reader import read_export
from amhp.rota.repair import changes_between, repair_month
from amhp.service.file import load_service, parse_service
from amhp.service.generator import synthetic_service_yaml
from amhp.service.model import Leave, ServiceDefinition
from benchmarks.fixture_solves import ROOT

MONTH = "2026-12"
TODAY = date(2026, 12, 1)


def sick_days(export: dict, k: int, seed: int) -> list[tuple[str, date]]:
    """k (person, date) duties after the first week, one per person-date."""
    doc = read_export(export)
    duties = sorted(
        {(p, s.date) for s in doc.slots for p in s.assigned if s.date >= date(2026, 12, 7)}
    )
    return random.Random(seed).sample(duties, min(k, len(duties)))


def with_sickness(definition: ServiceDefinition, days) -> ServiceDefinition:
    leave = [Leave(person=p, kind="sickness", start=d, end=d) for p, d in days]
    return definition.model_copy(update={"leave": [*definition.leave, *leave]})


def row(
    name: str, definition: ServiceDefinition, published: dict, k: int, params: solver.SolveParams
) -> str:
    base = read_export(published)
    changed = with_sickness(definition, sick_days(published, k, seed=k))
    started = time.monotonic()
    repaired = repair_month(changed, MONTH, published, 1, TODAY, params=params)
    repair_s = time.monotonic() - started
    started = time.monotonic()
    fresh = solve_month(changed, MONTH, params=params)
    fresh_s = time.monotonic() - started
    total = sum(len(s.assigned) + len(s.shadows) for s in base.slots)
    moved = len(changes_between(base, read_export(fresh.export)))
    kept = len(repaired.export["changes"])
    gaps = (sum(g.missing for g in read_export(x.export).gaps) for x in (repaired, fresh))
    return (
        f"| {name} | {k} | {total} | {kept} | {repaired.solution.status} | {repair_s:.1f} | "
        f"{moved} | {fresh.solution.status} | {fresh_s:.1f} | {' / '.join(map(str, gaps))} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--sick", default="1,3,10")
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    params = solver.SolveParams(time_limit=args.time_limit)
    print(
        f"# cores {os.cpu_count()}, python {platform.python_version()}, "
        f"ortools {ortools.__version__}, time limit {args.time_limit} s per solve"
    )
    print(
        "| service | sick days | duties | repair: changes | status | s "
        "| generate again: changes | status | s | gaps repair / again |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    services = [
        ("warwickshire", load_service(ROOT / "fixtures" / "warwickshire.yaml")),
        (
            f"generated {args.people}",
            parse_service(synthetic_service_yaml(args.people, 3, 1, start=MONTH)),
        ),
    ]
    for name, definition in services:
        published = solve_month(definition, MONTH, params=params).export
        for k in (int(x) for x in args.sick.split(",")):
            print(row(name, definition, published, k, params), flush=True)


if __name__ == "__main__":
    main()
