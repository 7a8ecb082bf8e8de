"""How much CP-SAT work a first rota of a Curtois instance takes, by the full
subsolvers on the 2 interleaved workers and by seed: the figures behind
``solver.repeatable.FIRST_ROTA_SHARE``.

    PYTHONPATH=. .venv/bin/python -m benchmarks.first_rota --instances 8,9,10 \\
        --subsolvers default_lp,default_lp+max_lp,all
    PYTHONPATH=. .venv/bin/python -m benchmarks.first_rota --instances 8,14,15 --seeds 0,1,2,3

The whole model, nothing hinted, searched repeatably until its first rota
(``stop_after_first_solution``) or ``--work`` units. ``all`` is CP-SAT's whole
mix; ``a+b`` lists two full subsolvers, which leaves no worker for the
first-solution subsolver (feasibility jump). Prints a Markdown table; the work
does not depend on the machine's load, the seconds do.
"""

from __future__ import annotations

import argparse
import time

from ortools.sat.python import cp_model

import solver
from benchmarks.curtois import DATA, parse, to_problem

WORKERS = 2  # solver.params.REPEATABLE_WORKERS


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.first_rota")
    parser.add_argument("--instances", default="8,9,10")
    parser.add_argument("--subsolvers", default="default_lp")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--work", type=float, default=30.0)
    args = parser.parse_args()
    print("| instance | subsolvers | seed | status | work to first rota | s |")
    print("| ---: | --- | ---: | --- | ---: | ---: |")
    for number in (int(x) for x in args.instances.split(",")):
        model = solver.build_model(to_problem(parse(DATA / f"Instance{number}.txt"))).model
        for names in args.subsolvers.split(","):
            for seed in (int(x) for x in args.seeds.split(",")):
                engine = cp_model.CpSolver()
                engine.parameters.num_workers = WORKERS
                engine.parameters.interleave_search = True
                engine.parameters.random_seed = seed
                engine.parameters.max_deterministic_time = args.work
                engine.parameters.stop_after_first_solution = True
                if names != "all":
                    engine.parameters.subsolvers.extend(names.split("+"))
                started = time.monotonic()
                code = engine.solve(model)
                print(
                    f"| {number} | {names} | {seed} | {engine.status_name(code)} | "
                    f"{engine.response_proto.deterministic_time:.2f} | "
                    f"{time.monotonic() - started:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
