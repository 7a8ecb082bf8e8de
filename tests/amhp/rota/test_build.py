"""The builder: every service setting reaches the solver by name, and a person's
history (last year's closure days among it) changes the rota it should change."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

import solver
from amhp.rota.build import SERVICE_ONLY, SOLVER_ONLY, build_problem
from amhp.service import model
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from tests.support.samples import MINIMAL_SERVICE

PAIRS = [
    (model.RuleSettings, solver.Rules),
    (model.WeightSettings, solver.Weights),
    (model.TraineeSettings, solver.Trainees),
    (model.ClosureSettings, solver.Closure),
    (model.History, solver.History),
]


@pytest.mark.parametrize(("settings", "dataclass"), PAIRS, ids=lambda c: c.__name__)
def test_a_setting_exists_on_both_sides_or_is_named_as_one_sided(settings, dataclass):
    service_side = set(settings.model_fields)
    solver_side = {f.name for f in fields(dataclass)}
    assert service_side - solver_side <= set(SERVICE_ONLY)
    assert solver_side - service_side <= set(SOLVER_ONLY)


def test_a_service_that_sets_no_rule_gets_the_solvers_defaults():
    built = build_problem(parse_service(MINIMAL_SERVICE), Period.month("2026-11"))
    assert built.problem.rules == solver.Rules()
    assert {p.history for p in built.problem.people} == {solver.History()}


def test_every_setting_reaches_the_solver():
    """Each number changed from its default arrives changed (none dropped by the mapping)."""
    text = MINIMAL_SERVICE.replace(
        "practitioners:",
        """rules:
  min_rest_hours: 12
  max_consecutive_duty_days: 4
  day_off_after_on_call: false
  max_on_calls_per_month: 7
  max_weekend_days_per_month: 3
  preferred_block_days: 2
  closure: {max_days_per_person: 3, max_key_days_per_person: 2}
  trainees: {shadow_days_per_month: 2, mentor_min_months: 6, newly_warranted_weeks: 4,
             max_shadows_per_slot: 2}
  workload: {balance_caseload: false}
  weights: {cover_target: 7, requests: 3, cover_over: 2}
practitioners:""",
        1,
    )
    rules = build_problem(parse_service(text), Period.month("2026-11")).problem.rules
    assert rules == solver.Rules(
        min_rest_hours=12,
        max_consecutive_duty_days=4,
        day_off_after_on_call=False,
        max_on_calls_per_month=7,
        max_weekend_days_per_month=3,
        preferred_block_days=2,
        closure=solver.Closure(3, 2),
        trainees=solver.Trainees(2, 6, 4, 2),
        balance_caseload=False,
        weights=solver.Weights(cover_target=7, requests=3, cover_over=2),
    )


def closure_service(history_a: str = "", history_b: str = "") -> str:
    """Two AMHPs alike but for their history; four closure days, one duty a day."""
    return f"""
service: {{id: xmas, name: Christmas}}
shift_types:
  - {{code: D, name: Day, start: "09:00", end: "17:00"}}
cover:
  - {{shift: D, days: closure, min: 1}}
  - {{shift: D, days: weekend, min: 0}}
  - {{shift: D, days: weekday, min: 0}}
rules:
  max_consecutive_duty_days: 7
  closure: {{start: "12-24", end: "12-27", key_days: [], max_days_per_person: 4}}
  weights: {{duty_fairness: 0, isolated_duty_day: 0, short_block: 0}}
practitioners:
  - {{id: a, name: Ann, role: amhp, shift_types: [D]{history_a}}}
  - {{id: b, name: Bob, role: amhp, shift_types: [D]{history_b}}}
"""


WINDOW = Period(date(2026, 12, 24), date(2026, 12, 27))


def closure_days_worked(text: str) -> dict[str, int]:
    built = build_problem(parse_service(text), WINDOW)
    result = solver.solve(built.problem, solver.SolveParams(time_limit=30, workers=2))
    assert result.status == solver.SolveStatus.OPTIMAL
    held = {"a": 0, "b": 0}
    for pid, _si in result.assignments:
        held[pid] += 1
    return held


def test_history_closure_days_reach_the_solver():
    text = closure_service(", history: {closure_days: 3, key_days: [2025-12-25]}")
    people = {p.id: p for p in build_problem(parse_service(text), WINDOW).problem.people}
    assert people["a"].history.closure_days == 3
    assert people["a"].history.key_days == {date(2025, 12, 25)}
    assert people["b"].history == solver.History()


def test_last_years_closure_days_change_who_works_this_closure():
    even = closure_days_worked(closure_service())
    assert even == {"a": 2, "b": 2}
    a_did_more = closure_days_worked(closure_service(", history: {closure_days: 4}"))
    b_did_more = closure_days_worked(closure_service("", ", history: {closure_days: 4}"))
    assert a_did_more["a"] < a_did_more["b"]
    assert b_did_more["b"] < b_did_more["a"]


def test_a_callout_frees_the_next_morning_but_not_the_next_on_call():
    text = MINIMAL_SERVICE + "callouts:\n  - {person: a1, date: 2026-11-03}\n"
    service = parse_service(text)
    problem = build_problem(service, Period.month("2026-11")).problem
    ann = next(p for p in problem.people if p.id == "a1")
    assert ann.no_day_duty == {3: "called out on the night of 2026-11-03"}
    hub, on_call = (
        next(s for s in problem.slots if s.day == 3 and s.shift == c) for c in ("HUB", "ON")
    )
    assert solver.exclusion_reason(problem, ann, hub, solver.HARD_RULES) == ann.no_day_duty[3]
    assert solver.exclusion_reason(problem, ann, on_call, solver.HARD_RULES) is None


def test_a_callout_repaired_moves_the_next_mornings_duty_to_someone_else():
    from amhp.rota.month import solve_month
    from amhp.rota.reader import read_export
    from amhp.rota.repair import repair_month

    params = solver.SolveParams(time_limit=20, workers=2)
    service = parse_service(MINIMAL_SERVICE)
    published = solve_month(service, "2026-11", params=params).export
    hub_days = sorted(
        s["date"] for s in published["slots"] if s["shift"] == "HUB" and "a1" in s["assigned"]
    )
    morning = date.fromisoformat(hub_days[-1])
    night = morning.fromordinal(morning.toordinal() - 1)
    called_out = service.model_copy(update={"callouts": [model.Callout(person="a1", date=night)]})
    repaired = repair_month(called_out, "2026-11", published, 1, date(2026, 11, 1), params=params)
    doc = read_export(repaired.export)
    assert {"person": "a1", "date": morning.isoformat(), "shift": "HUB", "change": "removed"} in (
        repaired.export["changes"]
    )
    assert not any("a1" in s.assigned for s in doc.slots if s.date == morning and s.shift == "HUB")
