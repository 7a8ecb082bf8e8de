"""Recovery time as calendar periods: the solver's rules say which time off follows
which duty (``solver.recovery_periods``); this gives each its local hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import solver

REST_DAY_ENDS = time(17, 0)  # the working day the on-call frees


@dataclass(frozen=True)
class RecoveryPeriod:
    person: str
    kind: str  # "documentation" or "rest_day"
    start: datetime
    end: datetime
    after: int  # slot index of the duty it follows


def recovery_periods(
    problem: solver.Problem, solution: solver.Solution, zone: ZoneInfo
) -> list[RecoveryPeriod]:
    out = []
    for r in solver.recovery_periods(problem, solution):
        if r.window is not None:
            start, end = r.window
        else:  # a rest day: from the end of the duty to the end of that working day
            start = problem.slots[r.after].end
            end = datetime.combine(problem.days[r.day].date, REST_DAY_ENDS, tzinfo=zone)
        if end > start:
            out.append(RecoveryPeriod(r.person, r.kind, start, end, r.after))
    return out
