"""The rota grid as people read it, built from an ``amhp-rota/1`` export: people ×
days, each cell the duties, shadows, documentation time and rest days of that
person on that date; gaps per day with their causes; totals per person. The web
page only draws this, so what it shows is exactly what the export says."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from amhp.rota.reader import (
    AwayRun,
    ExportCompositionGap,
    ExportGap,
    ExportPerson,
    ExportShift,
    RotaExport,
    read_export,
)

NOT_WORKING = "not a working day"


@dataclass
class Cell:
    duties: list[str] = field(default_factory=list)  # shift codes counted towards cover
    shadows: list[str] = field(default_factory=list)  # supernumerary (trainees)
    recovery: list[str] = field(default_factory=list)  # "documentation" | "rest_day"
    unavailable: bool = False
    why: str | None = None  # the reason, where the export gives it
    # The first day of a run of unavailability: the one the keyboard reaches.
    run_start: bool = False
    # A repair or a cover: duties added and removed against the version it changes.
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Row:
    person: ExportPerson
    cells: list[Cell]
    duty_days: int
    weekends: int
    nights: int
    load: float | None
    away: list[AwayRun] = field(default_factory=list)

    @property
    def away_listed(self) -> list[AwayRun]:
        """Runs worth listing beside the grid: a person's usual days off are not news."""
        return [r for r in self.away if r.why != NOT_WORKING]


@dataclass
class DayGaps:
    gaps: list[ExportGap]
    # Shifts that day short of a required role (a lead in the hub).
    roles: list[ExportCompositionGap] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(g.missing for g in self.gaps)

    @property
    def any(self) -> bool:
        return bool(self.gaps or self.roles)


@dataclass
class Grid:
    rota: RotaExport
    days: list[date]
    rows: list[Row]
    gaps: list[DayGaps]
    shifts: dict[str, ExportShift]

    @property
    def total_missing(self) -> int:
        return sum(d.missing for d in self.gaps)

    @property
    def away(self) -> list[Row]:
        """People away this month for a reason other than their usual days off."""
        return [r for r in self.rows if r.away_listed]

    @property
    def shifts_without_role(self) -> int:
        return len(self.rota.composition_gaps)


def build_grid(export: dict | RotaExport) -> Grid:
    rota = export if isinstance(export, RotaExport) else read_export(export)
    start, end = rota.period.start, rota.period.end
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    cells = {p.id: [Cell() for _ in days] for p in rota.people}
    for p in rota.people:
        for d in p.unavailable:
            if d in index:
                cells[p.id][index[d]].unavailable = True
        for run in p.unavailable_why:
            for i, d in enumerate(days):
                if run.covers(d):
                    cells[p.id][i].why = f"{run.why} ({run.span})"
                    cells[p.id][i].run_start = d == run.start or i == 0
    weekends: dict[str, set[date]] = {pid: set() for pid in cells}
    nights: dict[str, int] = dict.fromkeys(cells, 0)
    for slot in rota.slots:
        d = slot.date
        for pid in slot.assigned:
            cells[pid][index[d]].duties.append(slot.shift)
            if d.weekday() >= 5:
                weekends[pid].add(d - timedelta(days=d.weekday() - 5))
            nights[pid] += rota.shift_by_code[slot.shift].kind == "on_call"
        for pid in slot.shadows:
            cells[pid][index[d]].shadows.append(slot.shift)
    for item in rota.recovery:
        # A rest day runs from the end of the on-call to the next evening: it is
        # shown on the day it protects, not the night it starts.
        d = (item.end if item.kind == "rest_day" else item.start).date()
        if d in index and item.person in cells:
            cells[item.person][index[d]].recovery.append(item.kind)
    for change in rota.changes:
        if change.person in cells and change.date in index:
            cell = cells[change.person][index[change.date]]
            (cell.added if change.change == "added" else cell.removed).append(change.shift)
    by_day: dict[date, list[ExportGap]] = {}
    for gap in rota.gaps:
        by_day.setdefault(gap.date, []).append(gap)
    roles_by_day: dict[date, list[ExportCompositionGap]] = {}
    for short in rota.composition_gaps:
        roles_by_day.setdefault(short.date, []).append(short)
    rows = [
        Row(
            person=p,
            cells=cells[p.id],
            duty_days=p.duty_days,
            weekends=len(weekends[p.id]),
            nights=nights[p.id],
            load=p.total_load,
            away=list(p.unavailable_why),
        )
        for p in rota.people
    ]
    return Grid(
        rota,
        days,
        rows,
        [DayGaps(by_day.get(d, []), roles_by_day.get(d, [])) for d in days],
        rota.shift_by_code,
    )
