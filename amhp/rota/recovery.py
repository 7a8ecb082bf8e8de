"""Recovery time that follows duty: documentation time on the next working morning
after the last day of a block, and a rest day after an on-call. These are derived
from the solved rota; the solver's ``documentation_time`` and
``day_off_after_on_call`` rules keep them free of duties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import solver
from solver.rules.hard import next_working_day

REST_DAY_ENDS = time(17, 0)  # the working day the on-call frees


@dataclass(frozen=True)
class Recovery:
    person: str
    kind: str  # "documentation" or "rest_day"
    start: datetime
    end: datetime
    after: int  # slot index of the duty it follows


def recovery_periods(
    problem: solver.Problem, solution: solver.Solution, zone: ZoneInfo
) -> list[Recovery]:
    held: dict[str, list[int]] = {}
    for pid, si in solution.assignments + solution.shadows:
        held.setdefault(pid, []).append(si)
    people = {p.id: p for p in problem.people}
    out: list[Recovery] = []
    for pid, slots in held.items():
        person = people[pid]
        days = {problem.slots[s].day for s in slots}
        for si in sorted(slots, key=lambda s: problem.slots[s].start):
            slot = problem.slots[si]
            shift = problem.shift_type(slot.shift)
            if shift.kind == "on_call":
                rest = _rest_day(problem, slots, slot, zone)
                if rest:
                    out.append(Recovery(pid, "rest_day", rest[0], rest[1], si))
            elif shift.documentation and slot.day + 1 not in days:
                e = next_working_day(person, slot.day, len(problem.days))
                window = problem.days[e].documentation if e is not None else None
                if window:
                    out.append(Recovery(pid, "documentation", window[0], window[1], si))
    return out


def _rest_day(problem: solver.Problem, slots: list[int], on_call: solver.Slot, zone: ZoneInfo):
    """From the end of the on-call to the end of the next working day, cut short by
    any later duty the person holds (a further on-call)."""
    next_date = problem.days[on_call.day].date + timedelta(days=1)
    end = datetime.combine(next_date, REST_DAY_ENDS, tzinfo=zone)
    for s in slots:
        other = problem.slots[s]
        if on_call.end <= other.start < end:
            end = other.start
    return (on_call.end, end) if end > on_call.end else None
