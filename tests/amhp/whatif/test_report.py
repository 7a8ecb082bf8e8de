"""The comparison a manager reads: people by name, money in the service's currency,
and axes that start at zero (an all-zero series drawn as such, not around zero)."""

from __future__ import annotations

import re

from amhp.whatif.report import comparison, gaps_chart, load_chart, locum_cost_chart


def month(label: str, gaps: int, cost: float, loads: dict[str, float]) -> dict:
    return {
        "month": label,
        "status": "optimal",
        "slot_days_below_min": gaps,
        "slot_days_below_target": gaps,
        "shortfall_person_days": gaps,
        "locum_days_needed": cost / 450,
        "locum_cost": cost,
        "gaps_with_locum": 0,
        "currency": "GBP",
        "max_load": max(loads.values(), default=0.0),
        "load_spread": 0.1,
        "total_load": loads,
    }


def doc(gaps: tuple[int, int], costs: tuple[float, float]) -> dict:
    loads = {"ap01": 0.4, "ap02": 0.5}
    return {
        "base": "mini",
        "horizon": {"start": "2027-01-01", "end": "2027-02-28"},
        "names": {"ap01": "Oluwaseun Adebayo-Fitzgerald", "ap02": "Ann Lee"},
        "scenarios": [
            {
                "name": "base",
                "months": [
                    month("2027-01", gaps[0], costs[0], loads),
                    month("2027-02", gaps[1], costs[1], loads),
                ],
            },
            {
                "name": "Ann leaves",
                "months": [
                    month("2027-01", gaps[0] + 1, costs[0] + 450, {"ap01": 0.6}),
                    month("2027-02", gaps[1] + 2, costs[1] + 900, {"ap01": 0.7}),
                ],
            },
        ],
    }


def texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg) if t.strip()]


def test_people_are_named_on_the_load_chart():
    labels = texts(load_chart(doc((0, 0), (0, 0))))
    assert "Oluwaseun Adebayo-Fitzgerald" in labels and "Ann Lee" in labels
    assert "ap01" not in labels


def test_costs_carry_the_currency():
    labels = texts(locum_cost_chart(doc((1, 2), (450, 1350))))
    ticks = [t for t in labels if t.startswith("£")]
    assert ticks and all(re.fullmatch(r"£[\d,]+", t) for t in ticks), labels
    table = comparison(doc((1, 2), (450, 1350)))
    assert "<td>£1,800</td>" in table and "<td>£3,150</td>" in table


def test_all_zero_gaps_are_drawn_from_zero_and_said():
    empty = {
        **doc((0, 0), (0, 0)),
        "scenarios": [doc((0, 0), (0, 0))["scenarios"][0]],
    }
    labels = texts(gaps_chart(empty))
    assert "no gaps in any scenario" in labels
    minus = "\N{MINUS SIGN}"  # matplotlib's
    numbers = [t for t in labels if re.fullmatch(rf"[{minus}-]?\d+(\.\d+)?", t)]
    assert numbers and all(not n.startswith((minus, "-")) for n in numbers), numbers
    assert all(float(n).is_integer() for n in numbers)  # whole counts, not 0.04 steps


def test_month_axis_is_in_words():
    labels = texts(gaps_chart(doc((1, 2), (0, 0))))
    assert "Jan 2027" in labels and "Feb 2027" in labels
