"""Weighted against flat: the same month solved with and without caseload
balancing, to show what protected-caseload weighting does to total load."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

import solver
from amhp.rota.workload import PersonLoad, load_spread, person_loads
from amhp.runs import operations
from amhp.service.model import ServiceDefinition


@dataclass(frozen=True)
class Comparison:
    month: str
    weighted: dict[str, PersonLoad]
    flat: dict[str, PersonLoad]
    weighted_status: str
    flat_status: str

    @property
    def weighted_spread(self) -> float:
        return load_spread(self.weighted)

    @property
    def flat_spread(self) -> float:
        return load_spread(self.flat)


def without_balancing(definition: ServiceDefinition) -> ServiceDefinition:
    rules = definition.rules
    workload = rules.workload.model_copy(update={"balance_caseload": False})
    return definition.model_copy(update={"rules": rules.model_copy(update={"workload": workload})})


def compare_flat_and_weighted(
    definition: ServiceDefinition, month: str, params: solver.SolveParams
) -> Comparison:
    results = {}
    for name, service in (("weighted", definition), ("flat", without_balancing(definition))):
        r = operations.generate_rota(service, month, params, store=False)
        results[name] = (person_loads(service, r.built.problem, r.solution), r.solution.status)
    return Comparison(
        month,
        results["weighted"][0],
        results["flat"][0],
        results["weighted"][1],
        results["flat"][1],
    )


def print_comparison(console: Console, c: Comparison) -> None:
    table = Table(title=f"Total load per FTE, {c.month}: caseload-weighted vs flat rota")
    for col in (
        "person",
        "caseload pts",
        "days weighted",
        "days flat",
        "load weighted",
        "load flat",
        "protection",
        "cap",
    ):
        table.add_column(col, justify="right")
    for pid, w in c.weighted.items():
        if w.caseload_points is None:
            continue
        f = c.flat[pid]
        table.add_row(
            pid,
            f"{w.caseload_points:.1f}",
            str(w.duty_days),
            str(f.duty_days),
            f"{w.total_load:.3f}",
            f"{f.total_load:.3f}",
            f"{w.caseload_protection:.0%}",
            f"{w.caseload_cap}",
        )
    console.print(table)
    console.print(
        f"load spread (max - min): weighted {c.weighted_spread:.3f} ({c.weighted_status}), "
        f"flat {c.flat_spread:.3f} ({c.flat_status})"
    )
