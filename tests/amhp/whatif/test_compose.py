"""The builder's model: a draft row becomes a change of the file or problems by
field; a scenario is added only when the whole file would run."""

from __future__ import annotations

import pytest

from amhp.service.file import parse_service
from amhp.whatif.compose import (
    BUILDER_KINDS,
    BuildRefused,
    DraftChange,
    change_of,
    starting_spec,
    with_scenario,
)
from amhp.whatif.scenarios import parse_scenarios
from tests.support.samples import MINIMAL_SERVICE

BASE = parse_service(MINIMAL_SERVICE)
SPEC = starting_spec("2026-11", months=1, time_limit=2)


@pytest.mark.parametrize(
    ("draft", "change"),
    [
        (
            DraftChange("vacancy", person="a3", date="2026-11-10"),
            {"kind": "vacancy", "person": "a3", "from": "2026-11-10"},
        ),
        (
            DraftChange("warranting", person="a1", date="2026-11-02"),
            {"kind": "warranting", "person": "a1", "date": "2026-11-02"},
        ),
        (
            DraftChange("cover", shift="HUB", days="weekday", min="3"),
            {"kind": "cover", "shift": "HUB", "days": "weekday", "min": 3},
        ),
        (
            DraftChange("cover", shift="HUB", min="0"),
            {"kind": "cover", "shift": "HUB", "min": 0},
        ),
        (
            DraftChange("consolidate", shifts=["ON"], into="HUB"),
            {"kind": "consolidate", "shifts": ["ON"], "into": "HUB"},
        ),
    ],
)
def test_a_complete_row_is_the_change_the_file_format_names(draft, change):
    assert change_of(draft) == (change, {})


def test_each_kind_names_what_it_lacks():
    for kind in BUILDER_KINDS:
        change, problems = change_of(DraftChange(kind.kind))
        assert change is None and set(problems) == set(kind.fields) - {"days"}
    assert change_of(DraftChange("cover", shift="HUB", min="-1"))[1] == {
        "min": "give the new minimum (a whole number, 0 or more)"
    }
    assert "kind" in change_of(DraftChange("teleport"))[1]


def test_an_added_scenario_runs_and_keeps_the_earlier_ones():
    once = with_scenario(
        SPEC, "Cat leaves", [DraftChange("vacancy", "a3", "2026-11-10")], None, BASE
    )
    twice = with_scenario(
        once, "Hub three", [DraftChange(), DraftChange("cover", shift="HUB", min="3")], None, BASE
    )
    spec = parse_scenarios(twice, BASE)
    assert [s.name for s in spec.scenarios] == ["Cat leaves", "Hub three"]
    assert spec.scenarios[1].changes[0].min == 3
    assert spec.horizon.months == 1 and spec.time_limit_per_month == 2


def test_the_horizon_is_the_builders_when_given():
    text = with_scenario(
        SPEC,
        "Cat leaves",
        [DraftChange("vacancy", "a3", "2026-12-10")],
        {"start": "2026-12", "months": 2},
        BASE,
    )
    assert parse_scenarios(text, BASE).horizon.month_labels() == ["2026-12", "2027-01"]


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([DraftChange("vacancy", "zz", "2026-11-10")], {0: "person"}),
        ([DraftChange(), DraftChange("cover", shift="NOPE", min="2")], {1: "shift"}),
        ([DraftChange("locum_contract", "a1", "2026-11-10")], {0: "person"}),  # not a locum
        ([DraftChange("vacancy", "a3", "2026-11-31")], {0: "date"}),
    ],
)
def test_a_refusal_sits_on_the_row_and_field_that_caused_it(rows, where):
    with pytest.raises(BuildRefused) as refused:
        with_scenario(SPEC, "x", rows, None, BASE)
    assert {row: set(fields) for row, fields in refused.value.rows.items()} == {
        row: {field} for row, field in where.items()
    }


def test_a_nameless_empty_or_broken_file_is_refused_in_words():
    with pytest.raises(BuildRefused) as refused:
        with_scenario(SPEC, " ", [DraftChange()], None, BASE)
    assert refused.value.general == [
        "Give the scenario a name.",
        "Choose at least one change for the scenario.",
    ]
    with pytest.raises(BuildRefused) as refused:
        with_scenario(
            "- just\n- a list\n", "x", [DraftChange("cover", shift="HUB", min="2")], None, BASE
        )
    assert "mapping" in refused.value.general[0]
