"""An independent scorer for Curtois & Qu solutions: recomputes the objective and
checks every hard rule from the instance file and the roster alone.

Written from the rules in shared/benchmarks/curtois/BEST_KNOWN.md and sharing no
code with the adapter or the solver (it has its own little parser), so a bug in
either shows up as a disagreement here.

    python benchmarks/curtois_scorer.py INSTANCE.txt SOLUTION.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _read(path: Path) -> dict[str, list[list[str]]]:
    data: dict[str, list[list[str]]] = {}
    section = None
    for raw in path.read_text(encoding="ascii").replace("\r", "").split("\n"):
        if not raw or raw.startswith("#"):
            continue
        if raw.startswith("SECTION_"):
            section = raw
            data[section] = []
        else:
            data[section].append(raw.split(","))
    return data


def _runs(flags: list[bool], value: bool) -> list[tuple[int, int]]:
    """Maximal runs (start, end inclusive) where flags equal value."""
    out, start = [], None
    for i, f in enumerate([*flags, not value]):
        if f == value and start is None:
            start = i
        elif f != value and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def score(instance: Path, roster: dict[str, list[str]]) -> tuple[int, list[str]]:
    """(objective, hard-rule violations): an empty list means feasible."""
    d = _read(instance)
    horizon = int(d["SECTION_HORIZON"][0][0])
    length = {row[0]: int(row[1]) for row in d["SECTION_SHIFTS"]}
    follow = {row[0]: {x for x in row[2].split("|") if x} for row in d["SECTION_SHIFTS"]}
    bad: list[str] = []
    if set(roster) != {row[0] for row in d["SECTION_STAFF"]}:
        bad.append("roster staff differ from the instance's")
    for row in d["SECTION_STAFF"]:
        e = row[0]
        days = roster.get(e, [""] * horizon)
        if len(days) != horizon:
            bad.append(f"{e}: {len(days)} days, not {horizon}")
            continue
        for s in days:
            if s and s not in length:
                bad.append(f"{e}: unknown shift {s}")
        maxes = dict(pair.split("=") for pair in row[1].split("|"))
        for s, m in maxes.items():
            if days.count(s) > int(m):
                bad.append(f"{e}: {days.count(s)} x {s} > {m}")
        minutes = sum(length.get(s, 0) for s in days if s)
        if not int(row[3]) <= minutes <= int(row[2]):
            bad.append(f"{e}: {minutes} minutes outside [{row[3]}, {row[2]}]")
        for i in range(horizon - 1):
            if days[i] and days[i + 1] in follow.get(days[i], set()):
                bad.append(f"{e}: {days[i + 1]} on day {i + 1} after {days[i]}")
        work = [bool(s) for s in days]
        for a, b in _runs(work, True):
            if b - a + 1 > int(row[4]):
                bad.append(f"{e}: {b - a + 1} days in a row from day {a} (max {row[4]})")
            if a > 0 and b < horizon - 1 and b - a + 1 < int(row[5]):
                bad.append(f"{e}: only {b - a + 1} days in a row from day {a} (min {row[5]})")
        for a, b in _runs(work, False):
            if a > 0 and b < horizon - 1 and b - a + 1 < int(row[6]):
                bad.append(f"{e}: only {b - a + 1} days off from day {a} (min {row[6]})")
        weekends = sum(1 for k in range(horizon // 7) if work[7 * k + 5] or work[7 * k + 6])
        if weekends > int(row[7]):
            bad.append(f"{e}: {weekends} weekends (max {row[7]})")
    for row in d.get("SECTION_DAYS_OFF", []):
        for day in row[1:]:
            if day and roster.get(row[0], [""] * horizon)[int(day)]:
                bad.append(f"{row[0]}: works on day off {day}")
    objective = 0
    for e, day, s, w in d.get("SECTION_SHIFT_ON_REQUESTS", []):
        if roster.get(e, [""] * horizon)[int(day)] != s:
            objective += int(w)
    for e, day, s, w in d.get("SECTION_SHIFT_OFF_REQUESTS", []):
        if roster.get(e, [""] * horizon)[int(day)] == s:
            objective += int(w)
    for day, s, need, under, over in d["SECTION_COVER"]:
        n = sum(1 for days in roster.values() if days[int(day)] == s)
        objective += int(under) * max(0, int(need) - n) + int(over) * max(0, n - int(need))
    return objective, bad


def main() -> int:
    instance, solution = Path(sys.argv[1]), Path(sys.argv[2])
    doc = json.loads(solution.read_text())
    objective, bad = score(instance, doc["roster"])
    for line in bad:
        print("violation:", line)
    agree = "agrees" if objective == doc["objective"] else f"differs from {doc['objective']}"
    print(f"{doc['instance']}: objective {objective} ({agree}), {len(bad)} violations")
    return 0 if not bad and objective == doc["objective"] else 1


if __name__ == "__main__":
    sys.exit(main())
