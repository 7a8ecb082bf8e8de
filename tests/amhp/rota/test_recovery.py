"""Recovery events in the export follow the rules' settings (a real solve)."""

from __future__ import annotations

from datetime import date

import solver
from amhp.rota.build import build_problem
from amhp.rota.export import to_export
from amhp.service.calendar import Period
from amhp.service.file import parse_service

SERVICE = """
service: {id: rest, name: Rest}
shift_types:
  - {code: HUB, name: Hub, start: "09:00", end: "17:00"}
  - {code: ON, name: On call, start: "17:00", end: "23:00", kind: on_call}
cover:
  - {shift: HUB, days: weekday, min: 0, max: 1}
  - {shift: ON, days: weekday, min: 0, max: 1}
rules: {day_off_after_on_call: RULE}
practitioners:
  - {id: a1, name: Ann, role: amhp, shift_types: [HUB, ON]}
fixed:
  - {person: a1, date: 2026-11-03, shift: ON}
  - {person: a1, date: 2026-11-04, shift: ON}
"""


def recovery(day_off_after_on_call: bool) -> list[tuple[str, str]]:
    text = SERVICE.replace("RULE", str(day_off_after_on_call).lower())
    built = build_problem(parse_service(text), Period(date(2026, 11, 2), date(2026, 11, 8)))
    export = to_export(built, solver.solve(built.problem, solver.SolveParams(time_limit=20)))
    return [(r["kind"], r["end"][:10]) for r in export["recovery"]]


def test_rest_day_only_on_the_date_with_no_further_on_call():
    assert recovery(True) == [("rest_day", "2026-11-05")]


def test_no_rest_day_when_day_off_after_on_call_is_off():
    assert recovery(False) == []
