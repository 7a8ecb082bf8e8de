"""Run a benchmark suite and write its table (Markdown and JSON, with the machine's
cores and the library versions) to benchmarks/results/. Figures, not pass/fail.

    scripts/bench curtois [--time-limit 60] [--instances 1-3,7] [--workers 8]
    scripts/bench amhp    [--time-limit 60] [--sizes 10,30,100,300] [--months 1,3,12]

Each case runs in a fresh process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import ortools

import solver

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "ortools": ortools.__version__,
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def curtois_case(
    number: int,
    time_limit: float,
    workers: int,
    cp_sat: tuple = (),
    construct: bool | None = None,
    groups_only: bool | None = None,
    repeatable: bool = False,
) -> dict:
    from benchmarks.curtois import DATA, best_known, solve_instance, write_solution
    from benchmarks.curtois_scorer import score

    path = DATA / f"Instance{number}.txt"
    result = solve_instance(
        path, time_limit, workers, cp_sat, construct, groups_only=groups_only, repeatable=repeatable
    )
    best = best_known()[result.instance]
    found = solver.SolveStatus(result.status).found
    if found:
        write_solution(result, RESULTS / "curtois")
        checked, violations = score(path, result.roster)
    else:  # no roster within the limit (and the grace after it): nothing to check
        checked, violations = None, []
    return {
        "instance": result.instance,
        "status": result.status,
        "objective": round(result.objective) if found else None,
        "bound": round(result.bound) if result.bound == result.bound else None,
        "best_known": best,
        "gap_to_best_known": round((result.objective - best) / best, 4) if found else None,
        "first_solution_s": round(result.first_solution_s or float("nan"), 2),
        "seconds": round(result.seconds, 1),
        "variables": result.variables,
        "scorer_objective": checked,
        "scorer_violations": len(violations),
        "peak_mb": _peak_mb(),
    }


def amhp_case(
    people: int, months: int, time_limit: float, workers: int, repeatable: bool = False
) -> dict:
    import solver
    from amhp.rota.build import build_problem
    from amhp.service.calendar import Period
    from amhp.service.file import parse_service
    from amhp.service.generator import synthetic_service_yaml

    start = "2027-01"
    service = parse_service(
        synthetic_service_yaml(people, max(1, people // 25), 1, start=start, months=months)
    )
    first = Period.month(start)
    last = first
    for _ in range(months - 1):
        nxt = last.end.toordinal() + 1
        last = Period.month(datetime.fromordinal(nxt).strftime("%Y-%m"))
    t0 = time.monotonic()
    built = build_problem(service, Period(first.start, last.end))
    build_s = time.monotonic() - t0
    seen: dict[str, float] = {}

    def progress(p: solver.Progress) -> None:
        seen.setdefault("first", p.elapsed)
        if p.objective and (p.objective - p.bound) / p.objective <= 0.01:
            seen.setdefault("within_1pct", p.elapsed)

    params = (
        solver.repeatable(time_limit)
        if repeatable
        else solver.SolveParams(time_limit=time_limit, workers=workers)
    )
    sol = solver.solve(built.problem, params, progress)
    gap = (sol.objective - sol.bound) / sol.objective if sol.objective else 0.0
    if sol.status == solver.SolveStatus.OPTIMAL:
        seen.setdefault("within_1pct", sol.wall_time)
    return {
        "people": people,
        "months": months,
        "search": "repeatable" if repeatable else "portfolio",
        "variables": sol.stats.get("variables"),
        "constraints": sol.stats.get("constraints"),
        "build_s": round(build_s, 1),
        "first_rota_s": round(seen.get("first", float("nan")), 2),
        "within_1pct_s": round(seen.get("within_1pct", float("nan")), 1),
        "status": sol.status,
        "optimal_s": round(sol.wall_time, 1) if sol.status == solver.SolveStatus.OPTIMAL else None,
        "objective": sol.objective,
        "bound": sol.bound,
        "gap_at_end": round(gap, 4),
        "gaps_proven": sol.gaps_proven,
        "seconds": round(sol.wall_time, 1),
        "peak_mb": _peak_mb(),
    }


def _literal(text: str):
    """A parameter value as CP-SAT wants it: int, float, bool or the text itself."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def _numbers(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out += list(range(int(lo), int(hi or lo) + 1))
    return out


def _table(rows: list[dict]) -> str:
    keys = list(dict.fromkeys(k for r in rows for k in r))
    lines = ["| " + " | ".join(keys) + " |", "|" + " --- |" * len(keys)]
    for r in rows:
        lines.append("| " + " | ".join("" if r.get(k) is None else str(r[k]) for k in keys) + " |")
    return "\n".join(lines)


def summary(suite: str, rows: list[dict]) -> str:
    if suite == "curtois":
        solved = [r for r in rows if r.get("objective") is not None]
        reached = [r["instance"] for r in solved if r["objective"] <= r["best_known"]]
        first18 = [r for r in solved if int(r["instance"][8:]) <= 18]
        mean = sum(r["gap_to_best_known"] for r in first18) / len(first18) if first18 else 0
        agree = all(
            r["scorer_objective"] == r["objective"] and not r["scorer_violations"] for r in solved
        )
        missing = [r.get("instance", r.get("case", "?")) for r in rows if r not in solved]
        return (
            f"best known reached on {len(reached)} of {len(rows)} "
            f"({', '.join(reached) or 'none'}); mean gap to best known on 1-18 run here: "
            f"{mean:.2%}; no roster: {', '.join(missing) or 'none'}; "
            f"scorer agrees on every roster: {'yes' if agree else 'NO'}"
        )
    return ""


def solver_workers() -> int:
    """The interleaved workers of the product's repeatable search."""
    import solver

    return solver.repeatable(1).workers


def write_tables(suite: str, args, info: dict, rows: list[dict], stamp: str) -> str:
    """Written after every case, so an interrupted run keeps what it measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    command = f"scripts/bench {suite} --time-limit {args.time_limit:g}"
    command += "".join(f" --cp-sat {x}" for x in args.cp_sat)
    if suite == "curtois":
        command += f" --instances {args.instances} --workers {args.workers}"
        command += f" --construct {args.construct} --groups-only {args.groups_only}"
    else:
        command += f" --sizes {args.sizes} --months {args.months}"
    command += f" --search {args.search}"
    workers = args.workers
    if args.search == "repeatable":
        workers = f"{solver_workers()} interleaved"
    doc = {"suite": suite, "command": command, "args": vars(args), "machine": info}
    doc["rows"] = rows
    (RESULTS / f"{suite}-{stamp}.json").write_text(json.dumps(doc, indent=1) + "\n")
    text = (
        f"## {suite} ({info['date']})\n\n    {command}\n\n"
        f"{info['cores']} cores, Python {info['python']}, OR-tools {info['ortools']}, "
        f"{workers} workers, {args.time_limit:g} s per case.\n\n{_table(rows)}\n"
    )
    if summary(suite, rows):
        text += f"\n{summary(suite, rows)}\n"
    (RESULTS / f"{suite}-{stamp}.md").write_text(text)
    (RESULTS / f"{suite}-latest.md").write_text(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench")
    parser.add_argument("suite", choices=["curtois", "amhp"])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--instances", default="1-24")
    parser.add_argument("--sizes", default="10,30,100,300")
    parser.add_argument("--months", default="1,3,12")
    parser.add_argument(
        "--cp-sat",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a CP-SAT parameter to measure, e.g. linearization_level=2 (curtois)",
    )
    parser.add_argument(
        "--construct",
        choices=["auto", "on", "off"],
        default="auto",
        help="start from a rota built a few people at a time (auto: by model size)",
    )
    parser.add_argument(
        "--groups-only",
        choices=["auto", "on", "off"],
        default="auto",
        help="build and improve the rota group by group, no whole model (auto: by size)",
    )
    parser.add_argument(
        "--search",
        choices=["portfolio", "repeatable"],
        default="portfolio",
        help="the product's repeatable search (a work budget) or the free portfolio",
    )
    args = parser.parse_args()
    choice = {"auto": None, "on": True, "off": False}
    construct, groups_only = choice[args.construct], choice[args.groups_only]
    repeatable = args.search == "repeatable"
    cp_sat = tuple((k, _literal(v)) for k, v in (x.split("=", 1) for x in args.cp_sat))
    if args.suite == "curtois":
        cases = [
            (
                curtois_case,
                (n, args.time_limit, args.workers, cp_sat, construct, groups_only, repeatable),
            )
            for n in _numbers(args.instances)
        ]
    else:
        cases = [
            (amhp_case, (p, m, args.time_limit, args.workers, repeatable))
            for p in _numbers(args.sizes)
            for m in _numbers(args.months)
        ]
    info = machine()
    print(f"# {args.suite}: {info}", flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    rows: list[dict] = []
    text = ""
    context = multiprocessing.get_context("spawn")
    for func, params in cases:
        # One fresh process per case: its peak memory is its own.
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            try:
                row = pool.submit(func, *params).result()
            except Exception as exc:  # a case that fails is a row, not the end of the run
                row = {"case": repr(params), "error": f"{type(exc).__name__}: {exc}"}
        rows.append(row)
        print(json.dumps(row), flush=True)
        text = write_tables(args.suite, args, info, rows, stamp)
    print(text)


if __name__ == "__main__":
    main()
