"""The rota grid as people read it, built from an ``amhp-rota/1`` export: people ×
days, each cell the duties, shadows, documentation time and rest days of that
person on that date; gaps per day with their causes; totals per person. The web
page only draws this, so what it shows is exactly what the export says."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass
class Cell:
    duties: list[str] = field(default_factory=list)  # shift codes counted towards cover
    shadows: list[str] = field(default_factory=list)  # supernumerary (trainees)
    recovery: list[str] = field(default_factory=list)  # "documentation" | "rest_day"
    unavailable: bool = False


@dataclass
class Row:
    person: dict
    cells: list[Cell]
    duty_days: int
    weekends: int
    nights: int
    load: float | None


@dataclass
class DayGaps:
    gaps: list[dict]  # {"shift", "missing", "reasons"}

    @property
    def missing(self) -> int:
        return sum(g["missing"] for g in self.gaps)


@dataclass
class Grid:
    days: list[date]
    rows: list[Row]
    gaps: list[DayGaps]
    shifts: dict[str, dict]  # code -> shift entry of the export

    @property
    def total_missing(self) -> int:
        return sum(d.missing for d in self.gaps)


def _local_date(instant: str) -> date:
    return datetime.fromisoformat(instant).date()


def build_grid(export: dict) -> Grid:
    start = date.fromisoformat(export["period"]["start"])
    end = date.fromisoformat(export["period"]["end"])
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}
    shifts = {s["code"]: s for s in export["shifts"]}
    cells = {p["id"]: [Cell() for _ in days] for p in export["people"]}
    for p in export["people"]:
        for text in p.get("unavailable", []):
            d = date.fromisoformat(text)
            if d in index:
                cells[p["id"]][index[d]].unavailable = True
    weekends: dict[str, set[date]] = {pid: set() for pid in cells}
    nights: dict[str, int] = dict.fromkeys(cells, 0)
    for slot in export["slots"]:
        d = date.fromisoformat(slot["date"])
        for pid in slot["assigned"]:
            cells[pid][index[d]].duties.append(slot["shift"])
            if d.weekday() >= 5:
                weekends[pid].add(d - timedelta(days=d.weekday() - 5))
            nights[pid] += shifts[slot["shift"]]["kind"] == "on_call"
        for pid in slot.get("shadows", []):
            cells[pid][index[d]].shadows.append(slot["shift"])
    for item in export.get("recovery", []):
        # A rest day runs from the end of the on-call to the next evening: it is
        # shown on the day it protects, not the night it starts.
        d = _local_date(item["end" if item["kind"] == "rest_day" else "start"])
        if d in index and item["person"] in cells:
            cells[item["person"]][index[d]].recovery.append(item["kind"])
    by_day: dict[date, list[dict]] = {}
    for gap in export["gaps"]:
        by_day.setdefault(date.fromisoformat(gap["date"]), []).append(gap)
    rows = []
    for p in export["people"]:
        rows.append(
            Row(
                person=p,
                cells=cells[p["id"]],
                duty_days=p["duty_days"],
                weekends=len(weekends[p["id"]]),
                nights=nights[p["id"]],
                load=p.get("total_load"),
            )
        )
    return Grid(days, rows, [DayGaps(by_day.get(d, [])) for d in days], shifts)
