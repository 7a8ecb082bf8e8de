from datetime import date

import pytest

from amhp.core.months import month_label, months_from, parse_month


def test_a_label_parses_and_a_wrong_one_names_the_shape():
    assert parse_month("2026-12") == (2026, 12)
    for bad in ("2026-13", "2026-1", "26-01", "2026-00", "", "2026-12-01"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_month(bad)


def test_months_run_over_new_year_both_ways():
    assert months_from("2026-11", 3) == ["2026-11", "2026-12", "2027-01"]
    assert months_from(date(2026, 1, 31), 3, offset=-2) == ["2025-11", "2025-12", "2026-01"]
    assert month_label(date(2027, 1, 1)) == "2027-01"
