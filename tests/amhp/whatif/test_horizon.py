"""What-if scenarios on the small service: validation names scenario, change and
field; each change type changes the service; results are amhp-whatif/1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from amhp.service.file import ServiceFileError, parse_service
from amhp.whatif.scenarios import ChangeError, apply_changes, load_scenarios
from tests.support.paths import ROOT
from tests.support.samples import MINIMAL_SERVICE

END = date(2026, 12, 31)


def write(tmp_path, body: str) -> Path:
    (tmp_path / "mini.yaml").write_text(MINIMAL_SERVICE, encoding="utf-8")
    path = tmp_path / "whatif.yaml"
    path.write_text(
        "base: mini.yaml\nhorizon: {start: '2026-11', months: 2}\ntime_limit_per_month: 2\n" + body,
        encoding="utf-8",
    )
    return path


def changed(*changes: dict):
    from amhp.whatif.scenarios import Scenario

    scenario = Scenario.model_validate({"name": "s", "changes": list(changes)})
    return apply_changes(parse_service(MINIMAL_SERVICE), scenario.changes, END)


def test_each_change_type_changes_the_service():
    assert changed({"kind": "vacancy", "person": "a3", "from": "2026-12-01"}).practitioner(
        "a3"
    ).contract.end == date(2026, 11, 30)
    starter = changed(
        {
            "kind": "new_starter",
            "from": "2026-12-01",
            "practitioner": {"id": "n1", "name": "Nia", "role": "amhp", "shift_types": ["HUB"]},
        }
    )
    assert starter.practitioner("n1").contract.start == date(2026, 12, 1)
    assert changed({"kind": "warranting", "person": "a3", "date": "2027-01-04"}).practitioner(
        "a3"
    ).warranted_from == date(2027, 1, 4)
    sick = changed({"kind": "sickness", "person": "a1", "start": "2026-11-02", "end": "2026-11-20"})
    assert sick.leave[-1].kind == "sickness"
    cover = changed({"kind": "cover", "shift": "HUB", "days": "weekday", "min": 3})
    hub = next(c for c in cover.cover if c.shift == "HUB")
    assert (hub.min, hub.resolved_target, hub.resolved_max) == (3, 3, 3)
    merged = changed({"kind": "consolidate", "shifts": ["ON"], "into": "HUB"})
    assert {c.shift for c in merged.cover} == {"HUB"}
    assert all(p.shift_types == ["HUB"] for p in merged.practitioners)
    rate = changed({"kind": "leave_rate", "rate": 0.1, "seed": 3})
    assert len(rate.leave) == 1 + 4 * round(52 * 0.1)


def test_errors_name_scenario_change_and_field(tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n  - name: ok\n    changes: []\n"
        "  - name: bad\n    changes:\n      - {kind: vacancy, person: zz, "
        "from: 2026-12-01}\n",
    )
    with pytest.raises(ServiceFileError) as info:
        load_scenarios(path)
    assert "scenarios[1].changes[0].person: unknown practitioner 'zz'" in str(info.value)
    path = write(
        tmp_path,
        "scenarios:\n  - name: typo\n    changes:\n"
        "      - {kind: vacancy, persn: a1, from: 2026-12-01}\n",
    )
    with pytest.raises(ServiceFileError) as info:
        load_scenarios(path)
    assert "scenarios[0].changes[0].vacancy.persn" in str(info.value)
    with pytest.raises(ChangeError):
        changed({"kind": "locum_contract", "person": "a1", "end": "2026-12-01"})


def test_whatif_results_and_ordering(tmp_path):
    path = write(
        tmp_path,
        "scenarios:\n"
        "  - name: a3 leaves\n    changes:\n"
        "      - {kind: vacancy, person: a3, from: 2026-11-01}\n"
        "  - name: a3 and a4 leave\n    changes:\n"
        "      - {kind: vacancy, person: a3, from: 2026-11-01}\n"
        "      - {kind: vacancy, person: a4, from: 2026-11-01}\n",
    )
    out = tmp_path / "w.json"
    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    report, xlsx = tmp_path / "w.html", tmp_path / "w.xlsx"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "amhp.cli",
            "whatif",
            str(path),
            "--out",
            str(out),
            "--report",
            str(report),
            "--xlsx",
            str(xlsx),
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text())
    assert doc["format"] == "amhp-whatif/1"
    assert doc["horizon"] == {"start": "2026-11-01", "end": "2026-12-31"}
    names = [s["name"] for s in doc["scenarios"]]
    assert names == ["base", "a3 leaves", "a3 and a4 leave"]
    keys = {
        "month",
        "status",
        "slot_days_below_min",
        "slot_days_below_target",
        "shortfall_person_days",
        "locum_days_needed",
        "locum_cost",
        "gaps_with_locum",
        "currency",
        "max_load",
        "load_spread",
    }
    gaps = {}
    for s in doc["scenarios"]:
        assert [m["month"] for m in s["months"]] == ["2026-11", "2026-12"]
        assert all(keys <= set(m) for m in s["months"])
        # Missing people, proven minimal each month (slot-days could merge).
        assert all(m["gaps_proven"] for m in s["months"])
        gaps[s["name"]] = sum(m["shortfall_person_days"] for m in s["months"])
    # Removing people never closes gaps.
    assert gaps["base"] <= gaps["a3 leaves"] <= gaps["a3 and a4 leave"]
    assert gaps["a3 and a4 leave"] > gaps["base"]
    for m in doc["scenarios"][2]["months"]:
        assert m["locum_cost"] == m["locum_days_needed"] * 450
    page = report.read_text()
    assert page.count("<svg") == 3 and "http" not in page.split("<svg")[0]  # gaps, cost, load
    for name in names:
        assert f"<th scope=row>{name}</th>" in page
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    rows = list(book["Months"].iter_rows(values_only=True))
    assert rows[0][:3] == ("scenario", "month", "status") and len(rows) == 1 + 3 * 2


def test_fixture_scenarios_load_and_apply():
    spec, base = load_scenarios(ROOT / "fixtures" / "scenarios" / "warwickshire-2026.yaml")
    assert spec.horizon.month_labels()[0] == "2026-09" and spec.horizon.months == 12
    for scenario in spec.scenarios:
        service = apply_changes(base, scenario.changes, spec.horizon.end)
        assert service != base
    hub_min = apply_changes(base, spec.scenarios[3].changes, spec.horizon.end)
    assert next(c for c in hub_min.cover if c.shift == "HUB" and c.days == "weekday").min == 4


def test_common_changes_apply_to_every_run(tmp_path):
    path = write(
        tmp_path,
        "common_changes:\n  - {kind: vacancy, person: a4, from: 2026-11-01}\n"
        "scenarios:\n  - name: s\n    changes: []\n",
    )
    spec, base = load_scenarios(path)
    from amhp.whatif.horizon import run_whatif

    doc = run_whatif(spec, base, "mini.yaml", workers=2)
    assert doc["common_changes"][0]["person"] == "a4"
    for s in doc["scenarios"]:
        assert all(m["duty_days"]["a4"] == 0 for m in s["months"])
    bad = write(
        tmp_path,
        "common_changes:\n  - {kind: vacancy, person: zz, from: 2026-11-01}\n"
        "scenarios:\n  - name: s\n    changes: []\n",
    )
    with pytest.raises(ServiceFileError) as info:
        load_scenarios(bad)
    assert "common_changes[0].person: unknown practitioner 'zz'" in str(info.value)
