"""The solve itself (solver/solve.py): a stop at each phase boundary reports only
what was proven, ``optimal`` only when the whole objective was; the phases run in
their stated order."""

from __future__ import annotations

import threading

import pytest

import solver
from solver import ReferenceDuty, Requirement, SolveStatus
from tests.support.tiny import only, person, problem, slot

PARAMS = solver.SolveParams(time_limit=60, workers=2)
# A repair: six day shifts that want a lead, a (a lead) works days 0-2, b days 3-5
# but is off sick on day 4; c is a lead too, and a sessional locum could help: so
# every phase has something to minimise.
PUBLISHED = tuple(ReferenceDuty("a" if d < 3 else "b", d, "D") for d in range(6))
LEAD = (Requirement(("lead",)),)
REPAIR = problem(
    [slot(d, "D", hi=2, requirements=LEAD) for d in range(6)],
    [
        person("a", "lead"),
        person("b", unavailable={4: "sickness"}),
        person("c", "lead"),
        person("l", "locum", locum_kind="sessional", day_rate=400),
    ],
    weights=only(rota_changes=500, duty_fairness=5, sessional_locum=1_000),
    reference=PUBLISHED,
)
PHASES = [name for name, _share in solver.LEXICOGRAPHIC] + [solver.MAIN_PHASE]


def solve_stopping_at(phase: str | None) -> tuple[solver.Solution, list[str]]:
    """Solve, setting the stop as ``phase`` is about to start (None: never)."""
    stop, heard = threading.Event(), []

    def on_phase(name: str) -> None:
        heard.append(name)
        if name == phase:
            stop.set()

    return solver.solve(REPAIR, PARAMS, stop=stop, on_phase=on_phase), heard


def test_phases_run_in_their_order_and_an_unstopped_solve_is_proven():
    sol, heard = solve_stopping_at(None)
    assert heard == PHASES
    assert sol.status == SolveStatus.OPTIMAL and sol.gaps_proven and sol.gaps == ()


def test_a_stop_before_the_first_phase_gives_no_rota_and_claims_nothing():
    sol, heard = solve_stopping_at(PHASES[0])
    assert heard == [PHASES[0], solver.MAIN_PHASE]  # neither runs
    assert sol.status == SolveStatus.UNKNOWN and not sol.assignments
    assert not sol.gaps_proven


@pytest.mark.parametrize("phase", PHASES[1:])
def test_a_stop_at_a_later_boundary_keeps_the_rota_so_far_never_optimal(phase):
    """After the gaps phase the gap count is proven; the rest is not, so the rota is
    ``feasible`` however good it happens to be."""
    sol, _heard = solve_stopping_at(phase)
    assert sol.status == SolveStatus.FEASIBLE and sol.assignments
    assert sol.gaps_proven and sol.gaps == ()
    # The rota read back is whole: the sick day is covered by someone who is free.
    on_day_4 = {pid for pid, si in sol.assignments if REPAIR.slots[si].day == 4}
    assert on_day_4 and "b" not in on_day_4


def test_progress_counts_the_people_missing_in_each_rota_found():
    """One person for a shift that needs two every day: each rota reported while
    searching leaves one missing a day, and says so."""
    from tests.support.tiny import person, problem, slot

    short = problem([slot(d, lo=2) for d in range(3)], [person("a")], n_days=3)
    heard: list = []
    sol = solver.solve(
        short, solver.SolveParams(time_limit=20, workers=1), on_progress=heard.append
    )
    assert heard and heard[-1].missing == sum(g.missing for g in sol.gaps) == 3


def test_a_model_past_the_memory_threshold_is_searched_by_fewer_workers(monkeypatch):
    """Each worker holds a copy of the model: above MEMORY_VARIABLES the solve
    uses MEMORY_WORKERS, below it the workers asked for, and the rota is still
    proven either way."""
    import importlib

    solve_module = importlib.import_module("solver.solve")
    eight = solver.SolveParams(time_limit=60, workers=8)
    assert solver.solve(REPAIR, eight).stats["workers"] == 8
    monkeypatch.setattr(solve_module, "MEMORY_VARIABLES", 1)
    capped = solver.solve(REPAIR, eight)
    assert capped.stats["workers"] == solve_module.MEMORY_WORKERS < 8
    assert capped.status == SolveStatus.OPTIMAL
