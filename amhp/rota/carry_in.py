"""Duties from the previous period's rota that the next solve must respect: rest
and the day off after an on-call across the month boundary, a run of duty days
already going, and closure days already worked in a window that spans New Year."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import solver
from amhp.rota.build import day_of
from amhp.rota.reader import read_export
from amhp.service.model import ServiceDefinition

LOOK_BACK_DAYS = 14  # covers rest, runs of duty and a closure window of up to two weeks


def prior_duties(
    service: ServiceDefinition, first_day: date, previous_export: dict | None
) -> tuple[solver.PriorDuty, ...]:
    """Duties (counted and shadow) in the last days before ``first_day``."""
    if not previous_export:
        return ()
    zone = ZoneInfo(service.service.timezone)
    people = {p.id for p in service.practitioners}
    shifts = {s.code for s in service.shift_types}
    since = first_day - timedelta(days=LOOK_BACK_DAYS)
    out = []
    for slot in read_export(previous_export).slots:
        if not since <= slot.date < first_day or slot.shift not in shifts:
            continue
        flags = day_of(service, slot.date, zone)
        for pid in slot.assigned + slot.shadows:
            if pid in people:
                out.append(
                    solver.PriorDuty(
                        person=pid,
                        day=(slot.date - first_day).days,
                        shift=slot.shift,
                        start=slot.start,
                        end=slot.end,
                        closure=flags.closure,
                        key_day=flags.key_day,
                    )
                )
    return tuple(out)
