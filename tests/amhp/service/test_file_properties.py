"""Property tests over service files (hypothesis): a valid file always gives a rota
that passes the independent export checks, every gap with its causes; a file with
one mistake always gives exit 2 from ``amhp solve FILE`` with the file, a field
path and no traceback, and nothing in the database."""

from __future__ import annotations

import copy
import re
import sqlite3

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solver
from amhp.rota.month import solve_month
from amhp.service.file import parse_service
from amhp.service.safe_yaml import read_yaml
from tests.support.cli import run_cli, solve_args
from tests.support.spec_checker import check_rota

MONTH = "2026-12"
SHIFTS = [
    {"code": "HUB", "name": "Hub", "start": "09:00", "end": "17:00"},
    {"code": "ON", "name": "On call", "start": "17:00", "end": "23:00", "kind": "on_call"},
]
# Work-limited, so a busy machine searches as far as an idle one.
PARAMS = solver.SolveParams(time_limit=120, workers=2, deterministic_time=0.5)

names = (
    st.text(st.characters(categories=("L", "N", "Zs")), min_size=1, max_size=24)
    .map(str.strip)
    .filter(bool)
    # PyYAML writes "0E0" bare, and our YAML 1.2 reader reads it as a number: keep
    # names the written file really says (it found this one).
    .filter(lambda name: read_yaml(_text({"n": name})).data == {"n": name})
)
days = st.integers(1, 31).map(lambda d: f"2026-12-{d:02d}")


@st.composite
def people(draw) -> list[dict]:
    out = []
    for i in range(draw(st.integers(1, 5))):
        role = draw(st.sampled_from(["amhp", "amhp", "lead", "locum", "trainee"]))
        person = {
            "id": f"p{i}",
            "name": draw(names),
            "role": role,
            "fte": draw(st.sampled_from([0.4, 0.8, 1.0])),
            "shift_types": draw(st.sampled_from([["HUB"], ["HUB", "ON"]])),
        }
        if role == "locum":
            kind = draw(st.sampled_from(["contracted", "sessional"]))
            person["contract"] = {"kind": kind, "end": "2027-06-30", "day_rate": 320}
        if role == "trainee":
            person["warranted_from"] = draw(st.sampled_from(["2026-12-10", "2027-03-01"]))
        out.append(person)
    return out


@st.composite
def services(draw) -> dict:
    staff = draw(people())
    ids = [p["id"] for p in staff]
    leave = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = sorted(draw(st.lists(days, min_size=2, max_size=2)))
        kind = draw(st.sampled_from(["annual", "sickness", "training"]))
        leave.append(
            {"person": draw(st.sampled_from(ids)), "kind": kind, "start": start, "end": end}
        )
    requests = [
        {"person": draw(st.sampled_from(ids)), "date": draw(days), "want": draw(st.booleans())}
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {
        "service": {"id": "prop", "name": draw(names)},
        "shift_types": copy.deepcopy(SHIFTS),
        "cover": [
            {"shift": "HUB", "days": "weekday", "min": draw(st.integers(0, 3))},
            {"shift": "ON", "days": "weekday", "min": draw(st.integers(0, 1))},
        ],
        "practitioners": staff,
        "leave": leave,
        "requests": requests,
    }


def _text(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@given(services())
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_a_valid_file_always_gives_a_rota_that_passes_the_checks(data):
    definition = parse_service(_text(data), "prop.yaml")
    export = solve_month(definition, MONTH, None, PARAMS).export
    assert export["status"] in ("optimal", "feasible")
    assert check_rota(export) == []
    assert all(gap["reasons"] for gap in export["gaps"])  # and the checker saw each one


def _set(path: tuple, value):
    def mutate(data: dict) -> str:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return _text(data)

    return mutate


def _append(text: str):
    return lambda data: _text(data) + text


BOMB = "".join([f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 9)])
MUTATIONS = {
    "bare-number time": _set(("shift_types", 0, "start"), 9),
    "impossible date": _set(("practitioners", 0, "contract"), {"end": "2027-02-30"}),
    "not-a-number fte": _set(("practitioners", 0, "fte"), float("nan")),
    "infinite min": _set(("cover", 0, "min"), float("inf")),
    "oversized weight": _set(("rules",), {"weights": {"requests": 10**18}}),
    "unknown holiday calendar": _set(("service", "holiday_country"), "XX"),
    "control character": _set(("practitioners", 0, "name"), "Ann\u202e"),
    "closure day that does not exist": _set(("rules",), {"closure": {"start": "02-30"}}),
    "shift in the skipped hour": _set(("shift_types", 1, "end"), "01:30"),
    "unknown field": _set(("rules",), {"min_rest_hour": 11}),
    "duplicate key": _append("cover: []\n"),
    "tag": _append("extra: !!python/object/apply:os.system [true]\n"),
    "alias bomb": _append("b0: &b0 [x, x, x, x, x, x, x, x, x]\n" + BOMB),
}
FIELD = re.compile(r"prop\.yaml(:\d+)?: (\(top level\)|[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*): ")


@given(services(), st.sampled_from(sorted(MUTATIONS)))
@settings(max_examples=14, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_a_file_with_a_mistake_exits_2_naming_the_field_and_stores_nothing(
    tmp_path_factory, data, mistake
):
    tmp = tmp_path_factory.mktemp("mutated")
    path = tmp / "prop.yaml"
    path.write_text(MUTATIONS[mistake](data), encoding="utf-8")
    db = tmp / "prop.db"
    done = run_cli(*solve_args(path, MONTH, time_limit=5), db=f"sqlite:///{db}", cwd=tmp)
    assert done.returncode == 2, (mistake, done.stderr)
    assert "Traceback" not in done.stderr
    assert FIELD.search(done.stderr), (mistake, done.stderr)
    if db.exists():
        with sqlite3.connect(db) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master")}
            if "servicerow" in tables:
                assert conn.execute("select count(*) from servicerow").fetchone() == (0,)
