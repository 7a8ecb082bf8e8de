"""The what-if locum figure is what a rota that really has the locums uses: not
the slot-day shortfall, since a locum never staffs a shift alone."""

from __future__ import annotations

import solver
from amhp.rota.month import solve_month
from amhp.rota.reader import read_export
from amhp.service.file import parse_service
from amhp.whatif.horizon import solve_horizon
from tests.support.samples import MINIMAL_SERVICE

PARAMS = solver.SolveParams(time_limit=120, workers=2, deterministic_time=4)
RATE = 450.0

# Ann (lead) and Bob only: the hub needs two each weekday and the on-call one, so
# every weekday is short; the on-call is a single-person shift no locum may take.
TWO_LEFT = MINIMAL_SERVICE.replace(
    "  - {id: a3, name: Cat, role: amhp, shift_types: [HUB]}\n"
    "  - {id: a4, name: Dan, role: amhp, shift_types: [HUB, ON]}\n",
    "",
)
LOCUMS = "".join(
    f"  - {{id: l{n}, name: Locum {n}, role: locum, shift_types: [HUB, ON],"
    f" contract: {{kind: sessional, day_rate: {RATE}}}}}\n"
    for n in (1, 2, 3)
)


def test_the_locum_figure_is_the_locum_days_of_a_rota_with_locums():
    service = parse_service(TWO_LEFT)
    (month,) = solve_horizon(service, ["2026-11"], PARAMS, RATE)
    assert month.gaps_proven and month.locum_days_proven
    # The independent rota: the same service with sessional locums written in.
    text = TWO_LEFT.replace("leave:\n", LOCUMS + "leave:\n", 1)
    solved = solve_month(parse_service(text), "2026-11", None, PARAMS)
    assert solved.solution.gaps_proven and solved.solution.locum_days_proven
    rota = read_export(solved.export)
    used = sum(1 for s in rota.slots for pid in s.assigned if pid.startswith("l"))
    left = sum(g.missing for g in rota.gaps)
    assert (month.locum_days_needed, month.gaps_with_locum) == (used, left)
    assert month.locum_cost == used * RATE and month.currency == "GBP"
    # The shortfall over-counts: the on-call gaps stay, whatever the locums.
    assert 0 < month.locum_days_needed < month.shortfall_person_days
    assert month.gaps_with_locum > 0
    on_call_short = {g.date for g in rota.gaps if g.shift == "ON"}
    assert on_call_short and all(
        not any(pid.startswith("l") for pid in s.assigned) for s in rota.slots if s.shift == "ON"
    )


def test_no_gaps_no_locum_solve():
    service = parse_service(MINIMAL_SERVICE.replace("min: 2, target: 2", "min: 1, target: 1"))
    (month,) = solve_horizon(service, ["2026-11"], PARAMS, RATE)
    assert month.shortfall_person_days == 0
    assert (month.locum_days_needed, month.locum_cost, month.gaps_with_locum) == (0, 0.0, 0)
