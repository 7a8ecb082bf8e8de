"""The workload model's split (solver.workload): balancing's array form gives the
shares the plain split gives, on a service with pools, leave and part-timers."""

from __future__ import annotations

import pytest

import solver
from amhp.rota.build import build_problem
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from amhp.service.generator import synthetic_service_yaml
from solver.context import ModelContext
from solver.workload import (
    _balanced_load,
    _BalancedLoad,
    _Split,
    balanced_weights,
    full_time_days,
    split_targets,
)


@pytest.fixture(scope="module")
def ctx() -> ModelContext:
    service = parse_service(synthetic_service_yaml(60, 3, 4))
    problem = build_problem(service, Period.month("2026-11")).problem
    return solver.build_model(problem)


def test_array_split_equals_the_plain_split(ctx):
    pool = sorted(ctx.by_person)
    weights = {pi: 0.5 + (pi % 7) / 3 for pi in pool}  # uneven, so the split matters
    plain = split_targets(ctx.problem, ctx.by_slot, weights, shift_weighted=True)
    arrays = _Split(ctx.problem, ctx.by_slot, pool).shares(weights)
    assert arrays.keys() == plain.keys()
    assert all(arrays[pi] == pytest.approx(plain[pi], rel=1e-12) for pi in pool)
    assert len({round(v, 6) for v in plain.values()}) > 3


def test_balancing_moves_duty_off_heavy_caseloads(ctx):
    pool = sorted(ctx.by_person)
    weights = balanced_weights(ctx.problem, ctx.by_slot, pool)
    people = ctx.problem.people
    heavy = [pi for pi in pool if people[pi].caseload_share > 0.5 and people[pi].fte == 1]
    light = [pi for pi in pool if people[pi].caseload_share < 0.2 and people[pi].fte == 1]
    assert heavy and light
    assert max(weights[pi] for pi in heavy) < min(weights[pi] for pi in light)


def test_array_loads_equal_the_plain_loads(ctx):
    pool = sorted(ctx.by_person)
    shares = {pi: 1.0 + (pi % 5) for pi in pool}
    ft_days = full_time_days(ctx.problem)
    arrays = _BalancedLoad(ctx.problem, pool, ft_days)(shares)
    for pi in pool:
        plain = _balanced_load(ctx.problem, pi, shares[pi], ft_days)
        assert arrays[pi] == pytest.approx(plain, rel=1e-12)
