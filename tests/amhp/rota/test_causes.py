"""Causes that are true: one service built so that each person who does the hub
is kept off one short shift for a different reason, and the gap names each of
them, by name and id, with exactly that reason."""

from __future__ import annotations

from datetime import date

import solver
from amhp.rota.build import build_problem
from amhp.rota.causes import read_cause
from amhp.service.calendar import Period
from amhp.service.file import parse_service
from solver.rules.part_time import fte_limits

SHORT = date(2026, 12, 29)  # a Tuesday, inside the closure this service sets

SERVICE = """
service: {id: causes, name: Causes Service, timezone: Europe/London,
          holiday_country: GB, holiday_subdivision: ENG}
shift_types:
  - {code: HUB, name: Hub, location: hub, start: "09:00", end: "17:00", kind: day}
  - {code: EVE, name: Evening on-call, location: hub, start: "17:00", end: "23:00",
     kind: on_call}
cover:
  - {shift: HUB, dates: [2026-12-29], min: 2, target: 2, max: 2}
  - {shift: HUB, days: weekday, min: 1, target: 1, max: 2}
  - {shift: HUB, days: weekend, min: 1, target: 1, max: 2}
  - {shift: HUB, days: bank_holiday, min: 1, target: 1, max: 2}
  - {shift: HUB, days: closure, min: 1, target: 1, max: 2}
  - {shift: EVE, days: weekday, min: 0, target: 0, max: 1}
  - {shift: EVE, days: bank_holiday, min: 0, target: 0, max: 1}
  - {shift: EVE, days: closure, min: 0, target: 0, max: 1}
rules:
  min_rest_hours: 11
  max_consecutive_duty_days: 3
  day_off_after_on_call: false
  closure: {start: "12-29", end: "01-01", key_days: ["01-01"],
            max_days_per_person: 1, max_key_days_per_person: 1}
practitioners:
  - {id: on, name: Ann Onshift, role: lead, shift_types: [HUB], warranted_from: 2015-01-01}
  - {id: eve, name: Eve Evening, role: amhp, shift_types: [HUB, EVE], warranted_from: 2015-01-01}
  - {id: rest, name: Rhys Rested, role: amhp, shift_types: [HUB, EVE],
     warranted_from: 2015-01-01}
  - {id: away, name: Lena Leave, role: amhp, shift_types: [HUB], warranted_from: 2015-01-01}
  - {id: lapsed, name: Abe Lapsed, role: amhp, shift_types: [HUB], warranted_from: 2015-01-01,
     approval_expires: 2026-12-20}
  - {id: ended, name: Lou Locum, role: locum, shift_types: [HUB], warranted_from: 2015-01-01,
     contract: {kind: contracted, start: 2026-06-01, end: 2026-12-20, day_rate: 400}}
  - {id: notue, name: Wes Weekdays, role: amhp, working_days: [mon, wed, thu, fri],
     shift_types: [HUB], warranted_from: 2015-01-01}
  - {id: run, name: Rue Runner, role: amhp, shift_types: [HUB], warranted_from: 2015-01-01}
  - {id: xmas, name: Noel Closure, role: amhp, shift_types: [HUB], warranted_from: 2015-01-01}
  - {id: part, name: Pat Parttime, role: amhp, fte: 0.1, shift_types: [HUB],
     warranted_from: 2015-01-01}
leave:
  - {person: away, kind: annual, start: 2026-12-29, end: 2026-12-29}
fixed:
  - {person: on, date: 2026-12-29, shift: HUB}
  - {person: eve, date: 2026-12-29, shift: EVE}
  - {person: rest, date: 2026-12-28, shift: EVE}
  - {person: run, date: 2026-12-26, shift: HUB}
  - {person: run, date: 2026-12-27, shift: HUB}
  - {person: run, date: 2026-12-28, shift: HUB}
  - {person: xmas, date: 2026-12-30, shift: HUB}
"""

PERIOD = Period.month("2026-12")


def _service_with_the_part_timer_at_their_limit():
    """The part-timer's limit, then that many fixed duties early in the month."""
    first = build_problem(parse_service(SERVICE), PERIOD).problem
    part = first.person_index("part")
    limit = fte_limits(first)[part, (2026, 12)]
    days = [f"2026-12-{d:02d}" for d in range(1, 2 * limit, 2)]  # every other day, no runs
    cells = "".join(f"  - {{person: part, date: {d}, shift: HUB}}\n" for d in days)
    return build_problem(parse_service(SERVICE + cells), PERIOD).problem, limit


def _causes_of_the_short_shift() -> tuple[dict[str, str], dict[str, str], int]:
    problem, limit = _service_with_the_part_timer_at_their_limit()
    sol = solver.solve(problem, solver.SolveParams(time_limit=30, workers=2, deterministic_time=5))
    day = next(i for i, d in enumerate(problem.days) if d.date == SHORT)
    (gap,) = [g for g in sol.gaps if problem.slots[g.slot].day == day]
    causes = [read_cause(r) for r in gap.reasons]
    assert None not in causes, gap.reasons
    return {c.person: c.why for c in causes}, {c.person: c.who for c in causes}, limit


def test_each_kind_of_reason_is_named_once_with_the_person():
    why, who, limit = _causes_of_the_short_shift()
    assert who["on"] == "Ann Onshift (on)"
    assert why == {
        "on": "already on this shift",
        "eve": "on EVE on 2026-12-29",
        "rest": why["rest"],
        "away": "annual leave",
        "lapsed": "approval lapsed 2026-12-20",
        "ended": "contract ended 2026-12-20",
        "notue": "not a working day",
        "run": "would make 4 consecutive duty days (max 3)",
        "xmas": "closure cap: already 1 closure day, the most each",
        "part": why["part"],
    }
    assert why["rest"].startswith("rest ") and "EVE" in why["rest"], why["rest"]
    assert why["part"].startswith(f"FTE limit: already {limit} duty days this month (0.1 FTE"), why
