"""The product's model against an independent peer (benchmarks/peer_model.py) on
the same AMHP instances, the same seconds each, both rotas scored by one
evaluator: ``solver.evaluate``, which holds a rota exactly as given and prices
it under every rule the product knows (a rota breaking a hard rule is
``infeasible``). Figures, not pass/fail.

    python -m benchmarks.peer [--seconds 30] [--seeds 0,1,2]
        [--cases warwickshire:2026-11,coventry:2026-11,30x1,100x1]

A case is a fixture service and month, or a generated service ``PEOPLExMONTHS``
from January 2027. The product runs its own search (repeatable); the peer runs
CP-SAT's default portfolio with 8 workers on the clock.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from pathlib import Path

import ortools

import solver
from amhp.rota.build import build_problem
from amhp.rota.search import search_params
from amhp.service.calendar import Period
from amhp.service.file import load_service, parse_service
from amhp.service.generator import synthetic_service_yaml
from benchmarks.peer_model import PeerModel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def instance(case: str) -> solver.Problem:
    if ":" in case:
        name, month = case.split(":")
        return build_problem(load_service(FIXTURES / f"{name}.yaml"), Period.month(month)).problem
    people, months = (int(v) for v in case.split("x"))
    text = synthetic_service_yaml(people, max(1, people // 25), 1, start="2027-01", months=months)
    first = Period.month("2027-01")
    last = Period.month(f"{2027 + (months - 1) // 12}-{(months - 1) % 12 + 1:02d}")
    return build_problem(parse_service(text), Period(first.start, last.end)).problem


def scored(problem: solver.Problem, duties, shadows=()) -> dict:
    """The one evaluator's verdict on a rota."""
    sol = solver.evaluate(problem, tuple(duties), tuple(shadows))
    by_rule = Counter()
    for pen in sol.penalties:
        by_rule[pen.rule] += pen.cost
    return {
        "status": str(sol.status),
        "cost": sol.objective,
        "missing": sum(g.missing for g in sol.gaps),
        "unled": sum(g.missing for g in sol.composition_gaps),
        "by_rule": by_rule,
    }


def product(problem: solver.Problem, seconds: float, seed: int) -> dict:
    started = time.monotonic()
    sol = solver.solve(problem, search_params(seconds, seed=seed))
    wall = time.monotonic() - started
    return {**scored(problem, sol.assignments, sol.shadows), "wall": wall}


def peer(problem: solver.Problem, seconds: float, seed: int) -> dict:
    started = time.monotonic()
    model = PeerModel(problem)
    duties = model.solve(max(seconds - (time.monotonic() - started), 1.0), seed=seed)
    wall = time.monotonic() - started
    if not duties:
        return {"status": "no rota", "cost": float("nan"), "missing": 0, "unled": 0,
                "by_rule": Counter(), "wall": wall}  # fmt: skip
    return {**scored(problem, duties), "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--cases", default="warwickshire:2026-11,coventry:2026-11,30x1,100x1")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"ortools {ortools.__version__}, {os.cpu_count()} cores, {args.seconds:g} s each\n")
    print("| case | model | evaluator cost per seed | mean | missing | unled | verdict | wall s |")
    print("|---|---|---|---:|---|---|---|---:|")
    largest: dict[str, Counter] = {}
    for case in args.cases.split(","):
        problem = instance(case)
        for name, run in (("product", product), ("peer", peer)):
            rows = [run(problem, args.seconds, seed) for seed in seeds]
            costs = [r["cost"] for r in rows]
            largest[f"{case} {name}"] = sum((r["by_rule"] for r in rows), Counter())
            print(
                f"| {case} | {name} | {' / '.join(f'{c:.0f}' for c in costs)} "
                f"| {statistics.mean(costs):.0f} "
                f"| {' / '.join(str(r['missing']) for r in rows)} "
                f"| {' / '.join(str(r['unled']) for r in rows)} "
                f"| {', '.join(sorted({r['status'] for r in rows}))} "
                f"| {max(r['wall'] for r in rows):.1f} |",
                flush=True,
            )
    print("\nWhere the cost lies (summed over the seeds, the five largest rules):\n")
    for label, by_rule in largest.items():
        top = ", ".join(f"{rule} {cost:.0f}" for rule, cost in by_rule.most_common(5))
        print(f"- {label}: {top}")


if __name__ == "__main__":
    main()
