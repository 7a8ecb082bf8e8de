"""Sweeps: a grid validated per axis/option/field, solved across real worker
processes, summarised as a heat map whose figures follow the grid's order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amhp.service.file import ServiceFileError
from amhp.whatif.scenarios import load_sweep
from tests.support.paths import ROOT
from tests.support.samples import MINIMAL_SERVICE

GRID = """\
axes:
  - name: vacancies
    options:
      - {label: none}
      - label: one
        changes: [{kind: vacancy, person: a3, from: 2026-11-01}]
      - label: two
        changes:
          - {kind: vacancy, person: a3, from: 2026-11-01}
          - {kind: vacancy, person: a4, from: 2026-11-01}
  - name: hub minimum
    options:
      - {label: as now}
      - label: plus one
        changes: [{kind: cover, shift: HUB, min: 3}]
"""


def write(tmp_path, body: str) -> Path:
    (tmp_path / "mini.yaml").write_text(MINIMAL_SERVICE, encoding="utf-8")
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "base: mini.yaml\nhorizon: {start: '2026-11', months: 1}\ntime_limit_per_month: 3\n" + body,
        encoding="utf-8",
    )
    return path


def test_grid_is_every_combination_first_axis_slowest(tmp_path):
    spec, _ = load_sweep(write(tmp_path, GRID))
    combos = spec.combinations()
    assert [labels for labels, _ in combos] == [
        ("none", "as now"),
        ("none", "plus one"),
        ("one", "as now"),
        ("one", "plus one"),
        ("two", "as now"),
        ("two", "plus one"),
    ]
    assert [c.kind for c in combos[5][1]] == ["vacancy", "vacancy", "cover"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            GRID.replace("person: a4", "person: zz"),
            "axes[0].options[2].changes[1].person: unknown practitioner 'zz'",
        ),
        (GRID.replace("label: one", "label: none"), "option labels repeat on axis 'vacancies'"),
        (GRID.replace("name: hub minimum", "nme: hub minimum"), "axes[1].nme"),
        ("axes: []\n", "axes: List should have at least 1 item"),
        (
            GRID + "  - name: third\n    options: [{label: x}]\n",
            "axes: List should have at most 2 items",
        ),
        (
            # Each option is valid alone; together they add one person twice.
            "axes:\n"
            + "".join(
                f"  - name: {axis}\n    options:\n      - label: new\n        changes:\n"
                "          - kind: new_starter\n            from: 2026-11-01\n"
                "            practitioner: {id: n1, name: New, role: amhp, shift_types: [HUB]}\n"
                for axis in ("first", "second")
            ),
            "combination new × new: ",
        ),
    ],
)
def test_errors_name_axis_option_and_field(tmp_path, body, message):
    with pytest.raises(ServiceFileError) as info:
        load_sweep(write(tmp_path, body))
    assert message in str(info.value)


def test_sweep_cli_runs_across_processes_and_draws_the_heat_map(tmp_path):
    path = write(tmp_path, GRID)
    out, report = tmp_path / "s.json", tmp_path / "s.html"
    env = {**os.environ, "AMHP_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "amhp.cli",
            "sweep",
            str(path),
            "--out",
            str(out),
            "--report",
            str(report),
            "--processes",
            "2",
            "--workers",
            "2",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "6 combinations, 2 at once, 2 threads each" in run.stderr
    doc = json.loads(out.read_text())
    assert doc["format"] == "amhp-sweep/1"
    assert doc["axes"] == [
        {"name": "vacancies", "labels": ["none", "one", "two"]},
        {"name": "hub minimum", "labels": ["as now", "plus one"]},
    ]
    # Missing people (proven minimal per month) are monotone; slot-days could merge.
    assert all(c["gaps_proven"] for c in doc["cells"])
    gaps = {tuple(c["labels"]): c["shortfall_person_days"] for c in doc["cells"]}
    for cell in doc["cells"]:
        assert [m["month"] for m in cell["months"]] == ["2026-11"]
        assert cell["months_at_risk"] == int(cell["months"][0]["slot_days_below_min"] > 0)
    # Fewer people or a higher minimum never closes a gap.
    for hub in ("as now", "plus one"):
        assert gaps[("none", hub)] <= gaps[("one", hub)] <= gaps[("two", hub)]
    for vac in ("none", "one", "two"):
        assert gaps[(vac, "as now")] <= gaps[(vac, "plus one")]
    assert gaps[("two", "plus one")] > gaps[("none", "as now")]
    page = report.read_text()
    assert "<table class=heat>" in page and "http" not in page
    assert page.count('<td style="background:') == 6
    assert "<th scope=row>two × plus one</th>" in page
    # The console table carries the same figures as the file.
    assert "months at risk" in run.stdout and "plus one" in run.stdout


def test_heat_colours_keep_text_readable():
    from amhp.whatif.report import _heat_colour

    def contrast(a: str, b: str) -> float:
        def lum(h: str) -> float:
            h = h.lstrip("#")
            if len(h) == 3:
                h = "".join(c * 2 for c in h)
            out = []
            for i in (0, 2, 4):
                c = int(h[i : i + 2], 16) / 255
                out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
            return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]

        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    for step in range(11):
        bg, fg = _heat_colour(step / 10)
        assert contrast(bg, fg) >= 4.5, (step, bg, fg)
