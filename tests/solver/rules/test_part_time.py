"""fte_duty_limit: part-time people, managers most of all, are held to their share."""

from __future__ import annotations

from collections import Counter

from solver import Request, Rules
from solver.rules.part_time import fte_limits
from tests.support.tiny import duties_by_person, only, person, problem, run, slot

WEEKDAYS = [d for d in range(12) if d % 7 < 5]  # two working weeks from a Monday
MANAGERS_AT_HALF = Rules(fte_limit_extra_days=1, role_levels=(("manager", 0.5),))


def _keen_manager(rules: Rules, lo: int = 1):
    """Two full-time AMHPs and a 0.3 FTE manager who asks for every duty."""
    people = [person("a"), person("b"), person("m", role="manager", fte=0.3)]
    slots = [slot(d, lo=lo, target=2) for d in WEEKDAYS]
    wishes = tuple(Request("m", d, True, 1) for d in WEEKDAYS)
    weights = only(requests=1)
    return problem(slots, people, n_days=12, rules=rules, weights=weights, requests=wishes)


def test_a_part_time_manager_is_held_to_their_limit():
    held = _keen_manager(MANAGERS_AT_HALF)
    # 20 targets split 1 : 1 : 0.15 -> the manager's share is 1.4, limit ceil + 1 = 3.
    assert fte_limits(held)[2, (2026, 11)] == 3
    days = Counter(pid for pid, _ in run(held).assignments)
    assert days["m"] == 3
    free = _keen_manager(Rules(fte_limit_extra_days=None))  # off, as a standard instance sets
    assert Counter(pid for pid, _ in run(free).assignments)["m"] > 3


def test_the_limit_is_a_cause_when_it_leaves_a_gap():
    """Two needed every weekday, one full-time AMHP and a 0.3 FTE manager: the
    manager stops at their limit, and a gap where nothing else stops them names it."""
    both = [person("a"), person("m", role="manager", fte=0.3)]
    wide = problem([slot(d, lo=2) for d in WEEKDAYS], both, n_days=12, rules=MANAGERS_AT_HALF)
    limit = fte_limits(wide)[1, (2026, 11)]
    sol = run(wide)
    assert len(duties_by_person(sol)["m"]) == limit
    said = f"FTE limit: already {limit} duty days this month (0.3 FTE, manager at 50%)"
    assert any(f"M (m): {said}" in g.reasons for g in sol.gaps), sol.gaps
