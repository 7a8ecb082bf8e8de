"""A model past its deadline stops growing (solver/deadline.py); once built, what
the search adds is never cut short."""

from __future__ import annotations

import time

import pytest

import solver
from solver.deadline import CHECK_EVERY, DeadlineModel, OutOfTime
from tests.support.tiny import person, problem, slot


def test_adding_past_the_deadline_stops_within_a_few_thousand_additions():
    model = DeadlineModel(deadline=time.monotonic() - 1)
    x = model.new_bool_var("x")
    with pytest.raises(OutOfTime):
        for _ in range(CHECK_EVERY + 1):
            model.add(x <= 1)


def test_without_a_deadline_nothing_stops():
    model = DeadlineModel()
    x = model.new_bool_var("x")
    for _ in range(3 * CHECK_EVERY):
        model.add(x <= 1)
    assert len(model.proto.constraints) == 3 * CHECK_EVERY


def test_a_model_out_of_time_while_built_gives_no_rota_and_says_it_was_not_built():
    p = problem([slot(d) for d in range(3)], [person("a"), person("b")])
    with pytest.raises(OutOfTime):
        solver.build_model(p, deadline=time.monotonic() - 1)
    sol = solver.solve(p, solver.SolveParams(time_limit=0))
    assert sol.status == solver.SolveStatus.UNKNOWN and sol.stats == {"model_built": False}


def test_a_built_model_is_disarmed_so_the_search_can_add_to_it():
    p = problem([slot(0)], [person("a")])
    ctx = solver.build_model(p, deadline=time.monotonic() + 60)
    assert ctx.model.deadline is None
