"""Every mistake in a service file names the file, the line and the field path."""

from __future__ import annotations

import subprocess
import sys

import pytest

from amhp.service.file import ServiceFileError, parse_service
from tests.support.samples import MINIMAL_SERVICE

CASES = [
    # (description, old text, new text, expected path, expected line, words in message)
    (
        "fte above 1",
        "role: amhp, fte: 0.8",
        "role: amhp, fte: 1.5",
        "practitioners[1].fte",
        13,
        "less than or equal to 1",
    ),
    (
        "unknown shift type",
        "role: amhp, shift_types: [HUB]",
        "role: amhp, shift_types: [HUB, X]",
        "practitioners[2].shift_types[1]",
        14,
        "unknown shift type 'X'",
    ),
    ("leave ends first", "end: 2026-11-13", "end: 2026-11-01", "leave[0]", 17, "before"),
    ("min above target", "min: 2, target: 2", "min: 3, target: 2", "cover[0]", 9, "min <= target"),
    (
        "misspelt rule",
        "areas: [north]",
        "areas: [north]\nrules: {min_rest_hour: 11}",
        "rules.min_rest_hour",
        5,
        "unknown field",
    ),
    (
        "bad clock",
        'start: "17:00", end: "23:00"',
        'start: "25:00", end: "23:00"',
        "shift_types[1].start",
        7,
        "hour must be in 0..23",
    ),
    # Hostile or careless input: each class named in the issue on bad input.
    (
        "impossible date",
        "end: 2026-11-13",
        "end: 2026-02-30",
        "leave[0].end",
        17,
        "not a date on the calendar",
    ),
    (
        "bare-number time",
        'start: "09:00", end: "17:00"',
        "start: 9, end: 17",
        "shift_types[0].start",
        6,
        "'HH:MM'",
    ),
    (
        "boolean time",
        'start: "09:00", end: "17:00"',
        'start: "09:00", end: true',
        "shift_types[0].end",
        6,
        "'HH:MM'",
    ),
    ("infinite fte", "fte: 0.8", "fte: .inf", "practitioners[1].fte", 13, "finite"),
    ("not-a-number fte", "fte: 0.8", "fte: .nan", "practitioners[1].fte", 13, "finite"),
    (
        "oversized weight",
        "areas: [north]",
        "areas: [north]\nrules: {weights: {duty_fairness: 1000000000000000000}}",
        "rules.weights.duty_fairness",
        5,
        "less than or equal to 100000",
    ),
    (
        "unknown holiday country",
        "name: Mini AMHP Service",
        "name: Mini\n  holiday_country: XX",
        "service.holiday_country",
        4,
        "unknown country 'XX'",
    ),
    (
        "unknown subdivision",
        "name: Mini AMHP Service",
        "name: Mini\n  holiday_subdivision: ZZ",
        "service.holiday_subdivision",
        4,
        "known: ENG, NIR, SCT, WLS",
    ),
    (
        "shift in the skipped hour",
        'start: "17:00", end: "23:00"',
        'start: "00:30", end: "01:30"',
        "shift_types[1].end",
        7,
        "does not exist on",
    ),
    ("NUL in a name", "name: Ann,", 'name: "A\\0nn",', "practitioners[0].name", 12, "U+0000"),
    ("newline in a name", "name: Ann,", 'name: "A\\nnn",', "practitioners[0].name", 12, "U+000A"),
    ("reversing mark", "name: Ann,", 'name: "A\\u202Enn",', "practitioners[0].name", 12, "U+202E"),
    ("huge name", "name: Ann,", f"name: {'A' * 5000},", "practitioners[0].name", 12, "at most 200"),
    (
        "duplicate location",
        "areas: [north]",
        "areas: [north]\nlocations: [{id: hq, name: HQ}, {id: hq, name: Annexe}]",
        "locations[1].id",
        5,
        "duplicate id 'hq'",
    ),
    (
        "two cover rules for one shift and day kind",
        "  - {shift: ON, days: weekday, min: 1}",
        "  - {shift: ON, days: weekday, min: 1}\n  - {shift: ON, days: weekday, min: 2}",
        "cover[2]",
        11,
        "a second rule for ON on weekday",
    ),
    (
        "closure day that does not exist",
        "areas: [north]",
        'areas: [north]\nrules: {closure: {start: "02-30", end: "03-02"}}',
        "rules.closure.start",
        5,
        "not a day of the year",
    ),
    (
        "duplicate key",
        "  - {person: a2, kind: annual, start: 2026-11-09, end: 2026-11-13}",
        "  - {person: a2, kind: annual, start: 2026-11-09, end: 2026-11-13}\nleave: []",
        "leave",
        18,
        "given twice (first on line 16)",
    ),
    (
        "role given twice",
        "role: lead,",
        "role: lead, role: trainee,",
        "practitioners[0].role",
        12,
        "given twice",
    ),
    (
        "unknown zone",
        "name: Mini AMHP Service",
        "name: Mini\n  timezone: Mars/Olympus",
        "service.timezone",
        4,
        "unknown time zone",
    ),
    ("duplicate id", "{id: a4,", "{id: a3,", "practitioners[3].id", 15, "duplicate id 'a3'"),
    (
        "leave for nobody",
        "{person: a2, kind",
        "{person: zz, kind",
        "leave[0].person",
        17,
        "unknown practitioner 'zz'",
    ),
    ("bad role", "role: lead", "role: boss", "practitioners[0].role", 12, "amhp"),
    (
        "trainee without date",
        "name: Cat, role: amhp",
        "name: Cat, role: trainee",
        "practitioners[2]",
        14,
        "warranted_from",
    ),
    ("missing section", "cover:\n", "kover:\n", "cover", None, "required"),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_service_names_field_and_line(old, new, path, line, words):
    assert old in MINIMAL_SERVICE
    text = MINIMAL_SERVICE.replace(old, new, 1)
    with pytest.raises(ServiceFileError) as info:
        parse_service(text, "svc.yaml")
    match = [e for e in info.value.errors if e.path == path]
    assert match, f"no error at {path}: {info.value}"
    assert words in match[0].message
    if line is not None:
        assert match[0].line == line
        assert f"svc.yaml:{line}: {path}: " in str(info.value)


def _fails_fast(text: str) -> str:
    with pytest.raises(ServiceFileError) as info:
        parse_service(text, "svc.yaml")
    return str(info.value)


def test_alias_bomb_is_refused_without_expanding_it():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    message = _fails_fast("\n".join(lines) + "\n")  # 9**10 values once expanded
    assert "once its aliases are expanded" in message


def test_deep_nesting_is_refused_with_its_line():
    message = _fails_fast("service: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "svc.yaml:1: (top level): nested more than 32 levels deep" in message


def test_tags_are_refused():
    message = _fails_fast("service: !!python/object/apply:os.system [echo hi]\n")
    assert "tags such as" in message


def test_octal_and_sexagesimal_forms_stay_text():
    from amhp.service.safe_yaml import read_yaml

    doc = read_yaml("a: 0123\nb: 09:00\nc: 1:30:00\nd: yes\ne: 12\nf: 2026-02-30\n")
    assert doc.data == {
        "a": "0123",
        "b": "09:00",
        "c": "1:30:00",
        "d": "yes",
        "e": 12,
        "f": "2026-02-30",
    }


def test_invalid_yaml_reports_line():
    with pytest.raises(ServiceFileError) as info:
        parse_service(MINIMAL_SERVICE + "  - [unclosed\n", "svc.yaml")
    assert info.value.errors[0].line is not None
    assert "not valid YAML" in str(info.value)


def test_valid_sample_parses():
    service = parse_service(MINIMAL_SERVICE)
    assert [p.id for p in service.practitioners] == ["a1", "a2", "a3", "a4"]
    assert service.shift_types[1].crosses_midnight is False
    assert service.rules.min_rest_hours == 11  # DOMAIN default


def test_cli_validate_exit_code_and_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL_SERVICE.replace("fte: 0.8", "fte: 0"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "amhp.cli", "validate", str(bad)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert f"{bad}:13: practitioners[1].fte: " in run.stderr
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL_SERVICE, encoding="utf-8")
    ok = subprocess.run(
        [sys.executable, "-m", "amhp.cli", "validate", str(good)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr


def test_openapi_example_service_is_valid():
    from amhp.service.model import EXAMPLE_SERVICE, ServiceDefinition

    assert ServiceDefinition.model_validate(EXAMPLE_SERVICE).service.id == "mini"
