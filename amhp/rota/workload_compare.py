"""Weighted against flat: the same month solved with and without caseload
balancing, to show what protected-caseload weighting does to total load."""

from __future__ import annotations

from dataclasses import dataclass

import solver
from amhp.rota.month import solve_month
from amhp.rota.workload import PersonLoad, load_spread, person_loads
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
        r = solve_month(service, month, params=params)
        results[name] = (person_loads(service, r.built.problem, r.solution), r.solution.status)
    return Comparison(
        month,
        results["weighted"][0],
        results["flat"][0],
        results["weighted"][1],
        results["flat"][1],
    )
