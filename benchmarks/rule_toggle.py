"""A boolean rule on and off, on the sample services' months, over several seeds:
status, objective, bound, people missing and seconds. Figures, not pass/fail; what
a new hard rule costs the search.

    python -m benchmarks.rule_toggle --rule established_on_every_shift [--time-limit 20]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import fields, replace

import solver
from amhp.rota.build import build_problem
from amhp.service.calendar import Period
from amhp.service.file import load_service
from benchmarks.fixture_solves import CASES, ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    toggles = [f.name for f in fields(solver.Rules) if f.type in ("bool", bool)]
    parser.add_argument("--rule", required=True, choices=toggles)
    parser.add_argument("--time-limit", type=float, default=20)
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    print(f"# {args.rule} on/off, {args.time_limit:g} s, 8 workers")
    print("| service | month | rule | seed | status | objective | bound | missing | s |")
    print("| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: |")
    for name, month in CASES:
        built = build_problem(load_service(ROOT / "fixtures" / f"{name}.yaml"), Period.month(month))
        for on in (True, False):
            rules = replace(built.problem.rules, **{args.rule: on})
            problem = replace(built.problem, rules=rules)
            for seed in (int(s) for s in args.seeds.split(",")):
                started = time.monotonic()
                params = solver.SolveParams(time_limit=args.time_limit, seed=seed)
                sol = solver.solve(problem, params)
                missing = sum(g.missing for g in sol.gaps)
                print(
                    f"| {name} | {month} | {'on' if on else 'off'} | {seed} | {sol.status} | "
                    f"{sol.objective:g} | {sol.bound:g} | {missing} | "
                    f"{time.monotonic() - started:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
