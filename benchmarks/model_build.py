"""Where building the model goes: seconds per rule for a generated service's month
(the context and its variables, each hard and soft rule's constraints, the
objective). Figures, not pass/fail.

    python -m benchmarks.model_build [--people 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import solver
from amhp.rota.build import build_problem
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml
from benchmarks.time_limits import MONTH


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    service = parse_service(
        synthetic_service_yaml(args.people, max(1, args.people // 40), args.seed)
    )
    problem = build_problem(service, Period.month(MONTH)).problem
    timings: list[tuple[str, float]] = []
    started = time.monotonic()
    solver.build_model(problem, on_step=lambda name, seconds: timings.append((name, seconds)))
    total = time.monotonic() - started
    print(f"{args.people} people, {MONTH}: model built in {total:.1f} s")
    print("| step | seconds |")
    print("| --- | ---: |")
    for name, seconds in sorted(timings, key=lambda t: -t[1]):
        if seconds >= 0.1:
            print(f"| {name} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
