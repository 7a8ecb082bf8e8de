"""Rules documentation, explanations and the workload comparison as users see them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import solver
from amhp.rota.rules_doc import DOC_PATH, render, setting_keys
from amhp.rota.workload_compare import compare_flat_and_weighted
from amhp.service.file import load_service
from tests.support.cli import run_cli, solve_args
from tests.support.paths import DATA, ROOT
from tests.support.samples import MINIMAL_SERVICE


def cli(*args: str, db: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return run_cli(*args, db=db, cwd=cwd)


def test_every_registry_rule_is_documented_and_docs_are_fresh():
    names = {r.name for r in (*solver.HARD_RULES, *solver.SOFT_RULES)}
    assert set(setting_keys()) <= names  # a field marks only rules the solver has
    assert setting_keys()["christmas_key_days"] == [
        "rules.closure.key_days",
        "rules.closure.max_key_days_per_person",
        "practitioners[].history.key_days",
    ]
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: amhp rules --write"
    for name in names:
        assert f"`{name}`" in render()


def test_fixed_cell_breaking_a_hard_rule_is_an_error(tmp_path):
    bad = tmp_path / "fixed.yaml"
    bad.write_text(
        MINIMAL_SERVICE + "fixed:\n  - {person: a1, date: 2026-11-02, shift: ON}\n"
        "  - {person: a1, date: 2026-11-03, shift: HUB}\n",
        encoding="utf-8",
    )
    run = cli("solve", str(bad), "--month", "2026-11", db=f"sqlite:///{tmp_path / 'f.db'}")
    assert run.returncode == 2
    assert (
        "fixed[0]: Ann (a1) on ON 2026-11-02 breaks min_rest_hours: rest before HUB" in run.stderr
    )
    assert "fixed[1]: Ann (a1) on HUB 2026-11-03 breaks min_rest_hours" in run.stderr


def test_explain_filters_by_person_and_date(tmp_path):
    mini = tmp_path / "mini.yaml"
    mini.write_text(
        MINIMAL_SERVICE + "  - {person: a3, kind: annual, start: 2026-11-02, "
        "end: 2026-11-30}\n  - {person: a4, kind: sickness, start: 2026-11-02, "
        "end: 2026-11-30}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    db = f"sqlite:///{tmp_path / 'e.db'}"
    assert cli(*solve_args(mini, "2026-11", out=out), db=db).returncode == 0
    shown = cli("explain", str(out), "--person", "a3", "--date", "2026-11-10", db=db)
    assert shown.returncode == 0, shown.stderr
    assert "gap 2026-11-10 HUB" in shown.stdout and "Cat (a3): annual leave" in shown.stdout
    assert "Dan (a4): sickness" not in shown.stdout
    missing = cli("explain", str(out), "--person", "zz", db=db)
    assert missing.returncode == 2 and "no person 'zz'" in missing.stderr


def test_weighted_rota_evens_total_load_more_than_flat():
    service = load_service(ROOT / "fixtures" / "warwickshire.yaml")
    c = compare_flat_and_weighted(service, "2026-11", solver.SolveParams(time_limit=15))
    assert c.weighted_spread < c.flat_spread
    # Heavier caseloads do fewer rota days than lighter ones under the weighted rota.
    heavy = c.weighted["ap11"]  # 27 points
    light = c.weighted["ap12"]  # 14 points, same FTE
    assert heavy.caseload_points > light.caseload_points
    assert heavy.duty_days < light.duty_days
    assert light.caseload_protection > 0 and light.caseload_cap is not None


def test_workload_command_prints_both_spreads(tmp_path):
    run = cli(
        "workload",
        str(DATA / "mini.yaml"),
        "--month",
        "2026-11",
        "--time-limit",
        "5",
        db=f"sqlite:///{tmp_path / 'w.db'}",
    )
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith("load spread"))
    weighted, flat = re.findall(r"(?:weighted|flat) (\d+\.\d+)", line)
    assert float(weighted) >= 0 and float(flat) >= 0
