"""Curtois & Qu instances 1–3 through the adapter and the real solver, checked by
the independent scorer: the roster breaks no hard rule, the scorer's objective is
the solver's, and the solver's bound never exceeds the proven optimum (a model
stricter than the benchmark would show up there). Not a timing test."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.curtois import DATA, best_known, parse, solve_instance, write_solution
from benchmarks.curtois_scorer import score
from tests.support.paths import ROOT


@pytest.mark.parametrize("number", [1, 2, 3])
def test_solver_roster_is_confirmed_by_the_scorer(number, tmp_path):
    path = DATA / f"Instance{number}.txt"
    result = solve_instance(path, time_limit=10, workers=8)
    assert result.status in ("optimal", "feasible")
    objective, violations = score(path, result.roster)
    assert violations == []
    assert objective == round(result.objective)
    best = best_known()[result.instance]
    assert round(result.bound) <= best <= objective
    if result.status == "optimal":
        assert objective == best
    # The solution file is what the scorer's command line reads.
    written = write_solution(result, tmp_path)
    doc = json.loads(written.read_text())
    assert set(doc) == {"instance", "objective", "bound", "roster"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "curtois_scorer.py"), str(path), str(written)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and "agrees" in run.stdout, run.stdout


def test_scorer_catches_broken_rosters():
    path = DATA / "Instance1.txt"
    inst = parse(path)
    result = solve_instance(path, time_limit=10, workers=8)
    roster = {e: list(days) for e, days in result.roster.items()}
    base, _ = score(path, roster)
    # Work on a day off.
    who, day = next((e, d[0]) for e, d in inst.days_off.items() if d)
    roster[who][day] = "D"
    _, bad = score(path, roster)
    assert any(f"works on day off {day}" in b for b in bad)
    # Over the weekend limit: everyone on every weekend day.
    greedy = {e: ["D" if d % 7 >= 5 else "" for d in range(inst.horizon)] for e in inst.staff}
    _, bad = score(path, greedy)
    assert any("weekends (max" in b for b in bad)
    assert any("minutes outside" in b for b in bad)
    # Cover: one person fewer on a covered day costs 100 (under) or saves 1 (over).
    clean = {e: list(days) for e, days in result.roster.items()}
    e, d = next((e, d) for e, days in clean.items() for d, s in enumerate(days) if s)
    clean[e][d] = ""
    changed, _ = score(path, clean)
    assert changed != base
