"""Curtois & Qu nurse-rostering instances 1–24 through the solver's general rules.

The adapter turns an instance into a plain ``solver.Problem``: shift lengths,
forbidden successions, per-person work limits (``WorkLimits``), days off,
weighted on/off requests and cover with under/over weights. Nothing in the solver
knows these instances exist; the AMHP defaults (rest hours, day off after on-call,
closure caps, fairness...) are switched off here, and the objective is exactly the
benchmark's: requests + 100 × under-cover + 1 × over-cover.

The solve is one phase (no cover-first): the benchmark's objective weighs cover
against requests, and a lexicographic solve would optimise something else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import solver

DATA = Path(__file__).resolve().parent / "data" / "curtois"  # copied from ../shared
EPOCH = date(2024, 1, 1)  # a Monday: instance day 0 is a Monday


@dataclass
class Instance:
    name: str
    horizon: int
    shifts: dict[str, int]  # id -> minutes
    cannot_follow: dict[str, list[str]]
    staff: dict[str, dict]  # id -> limits
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: list[tuple[int, str, int, int, int]] = field(default_factory=list)


def sections(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def parse(path: Path) -> Instance:
    s = sections(path.read_text(encoding="ascii"))
    shifts, cannot = {}, {}
    for line in s["SECTION_SHIFTS"]:
        sid, minutes, follow = line.split(",", 2)
        shifts[sid] = int(minutes)
        cannot[sid] = [x for x in follow.split("|") if x]
    staff = {}
    for line in s["SECTION_STAFF"]:
        eid, maxes, max_min, min_min, max_cons, min_cons, min_off, max_wk = line.split(",")
        staff[eid] = {
            "max_per_shift": {k: int(v) for k, v in (m.split("=") for m in maxes.split("|"))},
            "max_minutes": int(max_min),
            "min_minutes": int(min_min),
            "max_consecutive": int(max_cons),
            "min_consecutive": int(min_cons),
            "min_days_off": int(min_off),
            "max_weekends": int(max_wk),
        }
    inst = Instance(path.stem, int(s["SECTION_HORIZON"][0]), shifts, cannot, staff)
    for line in s.get("SECTION_DAYS_OFF", []):
        eid, *days = line.split(",")
        inst.days_off[eid] = [int(d) for d in days if d]
    for key, target in (
        ("SECTION_SHIFT_ON_REQUESTS", inst.on_requests),
        ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests),
    ):
        for line in s.get(key, []):
            eid, day, sid, weight = line.split(",")
            target.append((eid, int(day), sid, int(weight)))
    for line in s["SECTION_COVER"]:
        day, sid, req, under, over = line.split(",")
        inst.cover.append((int(day), sid, int(req), int(under), int(over)))
    return inst


def to_problem(inst: Instance) -> solver.Problem:
    weights = {(u, o) for *_, u, o in inst.cover}
    if len(weights) != 1:
        raise ValueError(f"{inst.name}: cover weights vary ({weights}); one pair is supported")
    (under, over) = weights.pop()
    off_weights = {f.name: 0 for f in solver.Weights.__dataclass_fields__.values()}
    rules = solver.Rules(
        min_rest_hours=0,
        max_consecutive_duty_days=inst.horizon,
        day_off_after_on_call=False,
        closure=None,
        max_on_calls_per_month=None,
        max_weekend_days_per_month=None,
        balance_caseload=False,
        fte_limit_extra_days=None,
        role_levels=(),
        weights=solver.Weights(
            **{**off_weights, "cover_minimum": under, "cover_over": over, "requests": 1}
        ),
        forbidden_successions=tuple(
            (a, b) for a, banned in inst.cannot_follow.items() for b in banned
        ),
    )
    days = tuple(
        solver.Day(EPOCH + timedelta(days=d), weekend=d % 7 >= 5) for d in range(inst.horizon)
    )
    shift_types = tuple(
        solver.ShiftType(sid, sid, hours=minutes / 60) for sid, minutes in inst.shifts.items()
    )
    slots = []
    for day, sid, req, _u, _o in inst.cover:
        start = datetime.combine(EPOCH + timedelta(days=day), time(8), UTC)
        end = start + timedelta(minutes=inst.shifts[sid])
        slots.append(solver.Slot(day, sid, start, end, req, req, max(req, len(inst.staff))))
    people = []
    for eid, lim in inst.staff.items():
        people.append(
            solver.Person(
                eid,
                eid,
                "amhp",
                shift_types=frozenset(s for s, m in lim["max_per_shift"].items() if m > 0),
                unavailable=dict.fromkeys(inst.days_off.get(eid, []), "day off"),
                limits=solver.WorkLimits(
                    max_per_shift=lim["max_per_shift"],
                    min_minutes=lim["min_minutes"],
                    max_minutes=lim["max_minutes"],
                    max_consecutive_days=lim["max_consecutive"],
                    min_consecutive_days=lim["min_consecutive"],
                    min_consecutive_days_off=lim["min_days_off"],
                    max_weekends=lim["max_weekends"],
                ),
            )
        )
    requests = [solver.Request(e, d, True, w, s) for e, d, s, w in inst.on_requests]
    requests += [solver.Request(e, d, False, w, s) for e, d, s, w in inst.off_requests]
    return solver.Problem(
        days, shift_types, tuple(slots), tuple(people), rules, requests=tuple(requests)
    )


@dataclass
class Result:
    instance: str
    objective: float
    bound: float
    status: solver.SolveStatus
    seconds: float
    first_solution_s: float | None
    roster: dict[str, list[str]]
    variables: int

    def solution_file(self) -> dict:
        return {
            "instance": self.instance,
            "objective": round(self.objective),
            # None: no bound known (a rota built group by group proves nothing).
            "bound": round(self.bound) if self.bound == self.bound else None,
            "roster": self.roster,
        }


def solve_instance(
    path: Path,
    time_limit: float,
    workers: int = 8,
    cp_sat: tuple = (),
    construct: bool | None = None,
    deterministic_time: float | None = None,
    groups_only: bool | None = None,
    repeatable: bool = False,
) -> Result:
    """``repeatable``: the product's search (solver.repeatable: a work budget
    sized to about ``time_limit`` idle, ``workers`` ignored) instead of the free
    portfolio of ``workers``."""
    inst = parse(path)
    problem = to_problem(inst)
    first: list[float] = []
    options = dict(
        cover_first=False,
        cp_sat=cp_sat,
        construct=construct,
        deterministic_time=deterministic_time,
        groups_only=groups_only,
    )
    if repeatable:
        params = solver.repeatable(time_limit, **options)
    else:
        params = solver.SolveParams(time_limit=time_limit, workers=workers, **options)
    sol = solver.solve(problem, params, on_progress=lambda p: first.append(p.elapsed))
    roster = {eid: [""] * inst.horizon for eid in inst.staff}
    for eid, si in sol.assignments:
        slot = problem.slots[si]
        roster[eid][slot.day] = slot.shift
    return Result(
        inst.name,
        sol.objective,
        sol.bound,
        sol.status,
        sol.wall_time,
        first[0] if first else None,
        roster,
        sol.stats.get("variables", 0),
    )


def write_solution(result: Result, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{result.instance}.json"
    path.write_text(json.dumps(result.solution_file(), indent=1) + "\n", encoding="utf-8")
    return path


def best_known() -> dict[str, int]:
    lines = (DATA / "best_known.csv").read_text().splitlines()[1:]
    return {row.split(",")[0]: int(row.split(",")[6]) for row in lines if row}
