"""Import -> solve -> export through the real CLI, a real SQLite file and the real
solver; the export is checked by the independent spec checker."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess

import pytest
from sqlmodel import Session, create_engine, select

from amhp.store.tables import AssignmentRow, PractitionerRow, RotaVersion
from tests.support.cli import run_cli, solve_args
from tests.support.paths import ROOT
from tests.support.spec_checker import check_rota

FIXTURE = ROOT / "fixtures" / "warwickshire.yaml"


def amhp(*args: str, db: str) -> subprocess.CompletedProcess:
    return run_cli(*args, db=db)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'rota.db'}"


@pytest.fixture(scope="module")
def november(db, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("out") / "r.json"
    run = amhp(*solve_args(FIXTURE, "2026-11", time_limit=20, out=out), db=db)
    assert run.returncode == 0, run.stderr
    return json.loads(out.read_text())


def test_november_export_passes_every_spec_check(november):
    assert november["format"] == "amhp-rota/1"
    assert november["status"] in ("optimal", "feasible")
    assert check_rota(november) == []
    # Every weekday hub slot carries the fixture's cover levels.
    hub = [s for s in november["slots"] if s["shift"] == "HUB" and s["date"] == "2026-11-02"]
    assert (hub[0]["min"], hub[0]["target"], hub[0]["max"]) == (3, 4, 5)
    # The fixed cell is kept.
    assert "lp01" in hub[0]["assigned"]


def test_rota_is_stored_as_a_draft_with_its_assignments(db, november):
    engine = create_engine(db)
    with Session(engine) as session:
        rota = session.exec(select(RotaVersion).where(RotaVersion.month == "2026-11")).one()
        assert rota.state == "draft"
        rows = session.exec(select(AssignmentRow).where(AssignmentRow.rota_id == rota.id)).all()
        assigned = [r for r in rows if r.kind == "assigned"]
        shadows = [r for r in rows if r.kind == "shadow"]
        assert len(assigned) == sum(len(s["assigned"]) for s in november["slots"])
        assert len(shadows) == sum(len(s["shadows"]) for s in november["slots"])
        assert session.exec(select(PractitionerRow)).all()


def test_december_closure_export_passes(db, tmp_path):
    out = tmp_path / "dec.json"
    run = amhp(*solve_args("warwickshire", "2026-12", time_limit=20, out=out), db=db)
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text())
    assert doc["rules"]["closure"] == {
        "start": "2026-12-24",
        "end": "2027-01-01",
        "key_days": ["2026-12-25", "2026-12-26", "2027-01-01"],
        "max_days_per_person": 2,
        "max_key_days_per_person": 1,
    }
    assert check_rota(doc) == []
    # lp02 worked 25 Dec 2025, so is never rostered on 25 Dec 2026.
    xmas = [s for s in doc["slots"] if s["date"] == "2026-12-25"]
    assert all("lp02" not in s["assigned"] for s in xmas)
    # Locum contract ends 18 Dec: duty before, none after, and its cost reported.
    locum_dates = [s["date"] for s in doc["slots"] if "lc01" in s["assigned"]]
    assert locum_dates and max(locum_dates) <= "2026-12-18"
    assert doc["costs"]["locum_days"] == len(locum_dates)
    assert doc["costs"]["locum_cost"] == 420 * len(locum_dates)
    # tr02 is warranted on 7 Dec: shadow days before, counted duty from then on.
    shadowed = [s["date"] for s in doc["slots"] if "tr02" in s["shadows"]]
    counted = [s["date"] for s in doc["slots"] if "tr02" in s["assigned"]]
    assert shadowed and max(shadowed) < "2026-12-07"
    assert counted and min(counted) >= "2026-12-07"
    # Documentation time follows hub blocks; rest days follow on-calls.
    kinds = {r["kind"] for r in doc["recovery"]}
    assert kinds == {"documentation", "rest_day"}
    assert all(r["start"] < r["end"] for r in doc["recovery"])


def test_csv_export(db, tmp_path):
    out = tmp_path / "r.csv"
    run = amhp(
        "solve",
        "warwickshire",
        "--month",
        "2026-11",
        "--time-limit",
        "10",
        "--out",
        str(out),
        "--quiet",
        db=db,
    )
    assert run.returncode == 0, run.stderr
    rows = list(csv.reader(out.open()))
    assert rows[0][:3] == ["id", "name", "role"] and rows[0][3] == "2026-11-01"
    assert len(rows) == 1 + 30
    for row in rows[1:]:
        # Shadow days are marked ~CODE and are not duty days.
        assert int(row[-1]) == sum(1 for cell in row[3:-1] if cell and not cell.startswith("~"))


def test_bad_month_and_unknown_service_fail_cleanly(db):
    bad = amhp("solve", "warwickshire", "--month", "2026-13", db=db)
    assert bad.returncode == 2 and "--month" in bad.stderr
    missing = amhp("solve", "nowhere", "--month", "2026-11", db=db)
    assert missing.returncode == 1 and "no service 'nowhere'" in missing.stderr
    assert "Traceback" not in bad.stderr + missing.stderr


def test_a_failed_solve_of_a_file_stores_nothing(tmp_path):
    """The month, the file and the problem built from it are checked before the
    service is imported: each failure exits 2 and the database stays empty."""
    db = tmp_path / "none.db"
    text = FIXTURE.read_text(encoding="utf-8")
    cases = {
        "month": (FIXTURE, "2026-13", "--month"),
        "file": (tmp_path / "nan.yaml", "2026-11", "fte"),
        "fixed cell": (
            tmp_path / "fixed.yaml",
            "2026-11",
            "fixed[1]: Amara Patel (ap01) on HUB 2026-11-10",
        ),
    }
    (tmp_path / "nan.yaml").write_text(text.replace("fte: 0.8", "fte: .nan", 1), encoding="utf-8")
    # ap01 is on annual leave 9-13 November: fixing them to the hub then is valid
    # YAML and a valid service, but no month can be built with it.
    cell = "  - {person: lp01, date: 2026-11-02, shift: HUB}\n"
    assert cell in text
    on_leave = "  - {person: ap01, date: 2026-11-10, shift: HUB}\n"
    (tmp_path / "fixed.yaml").write_text(text.replace(cell, cell + on_leave), encoding="utf-8")
    for name, (path, month, words) in cases.items():
        done = run_cli(*solve_args(path, month, time_limit=5), db=f"sqlite:///{db}")
        assert done.returncode == 2, (name, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stderr, name
    if db.exists():
        engine = create_engine(f"sqlite:///{db}")
        with Session(engine) as session:
            assert session.exec(select(PractitionerRow)).first() is None


def test_no_rota_within_the_limit_says_so_and_stores_nothing(tmp_path):
    """A limit far too short for a 500-person month: exit 1 with the size of the
    search and what to do, not a silently longer run and not an empty grid."""
    service = tmp_path / "big.yaml"
    made = run_cli("generate", "--people", "500", "--seed", "1", "--out", str(service))
    assert made.returncode == 0, made.stderr
    db = f"sqlite:///{tmp_path / 'big.db'}"
    done = run_cli(*solve_args(service, "2026-11", time_limit=0.1), db=db)
    assert done.returncode == 1, done.stderr
    assert "no rota found within the time limit of 0.1 s" in done.stderr
    assert "500 practitioners" in done.stderr and "nothing was stored" in done.stderr
    engine = create_engine(db)
    with Session(engine) as session:
        assert session.exec(select(RotaVersion)).first() is None


def test_quiet_still_prints_the_gaps(tmp_path):
    """--quiet drops the grid, never the gaps: a month with gaps lists them."""
    db = f"sqlite:///{tmp_path / 'q.db'}"
    coventry = ROOT / "fixtures" / "coventry.yaml"
    run = amhp(*solve_args(coventry, "2026-12", time_limit=10), db=db)
    assert run.returncode == 0, run.stderr
    assert "Gaps below minimum" in run.stdout and "2026-12-" in run.stdout


def test_an_import_that_changes_nothing_says_so(tmp_path):
    db = f"sqlite:///{tmp_path / 'i.db'}"
    assert amhp("import", str(FIXTURE), db=db).stdout.startswith("created service warwickshire")
    again = amhp("import", str(FIXTURE), db=db)
    assert again.returncode == 0 and again.stdout.startswith("unchanged: service warwickshire")


def test_explain_with_no_match_says_so(november, tmp_path):
    rota = tmp_path / "nov.json"
    rota.write_text(json.dumps(november), encoding="utf-8")
    unknown = amhp("explain", str(rota), "--person", "nobody", db="sqlite://")
    assert unknown.returncode == 2 and "no person 'nobody'" in unknown.stderr
    none = amhp("explain", str(rota), "--date", "2030-01-01", db="sqlite://")
    assert none.returncode == 0, none.stderr
    assert "Nothing in this rota for 2030-01-01" in none.stdout and "Soft-rule" not in none.stdout
    someone = next(r["person"] for r in november["recovery"] if r["kind"] == "documentation")
    local = amhp("explain", str(rota), "--person", someone, db="sqlite://")
    assert re.search(r"documentation: \w{3} \d+ \w{3} 09:00", local.stdout), local.stdout
    assert "+00:00" not in local.stdout  # local times, not raw UTC
    bad = amhp("explain", str(rota), "--date", "2026-13-01", db="sqlite://")
    assert bad.returncode == 2 and "month must be in 1..12" in bad.stderr


def test_the_grid_fits_a_100_column_terminal_with_every_code_in_full(tmp_path):
    """Coventry's CRN-D and CRN-N (and roles) are printed whole, in pages of days
    that fit COLUMNS=100, with a legend of the codes."""
    db = f"sqlite:///{tmp_path / 'w.db'}"
    coventry = ROOT / "fixtures" / "coventry.yaml"
    args = [a for a in solve_args(coventry, "2026-11", time_limit=5) if a != "--quiet"]
    run = run_cli(*args, env={**os.environ, "COLUMNS": "100", "AMHP_DATABASE_URL": db})
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    grid = "\n".join(lines)
    assert "CRN-D" in grid and "CRN-N" in grid and "manager" in grid
    pages = grid.count("coventry 2026-11-")
    assert pages >= 2  # more than one page of days, each whole: its totals column shows
    assert sum("days┃" in line for line in lines) == pages
    assert "Crisis north out of hours" in grid  # the legend
