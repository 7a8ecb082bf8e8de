"""How a solve searches: its limits, workers and seed (``SolveParams``), and the
parameters of a repeatable solve (``repeatable``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SolveParams:
    time_limit: float = 60.0
    # Eight portfolio workers prove optimality far sooner than two, even on two
    # cores: the extra subsolvers (core, max_lp, probing) are what raise the bound.
    workers: int = 8
    seed: int = 0
    log: bool = False
    # Minimise the gaps first, then everything else with the gaps held at that
    # level: the number of gaps is then proven, not a by-product of a time limit.
    cover_first: bool = True
    # Further CP-SAT parameters by name (e.g. ("linearization_level", 2)), for
    # benchmarks that measure them; a name CP-SAT does not know is an error.
    cp_sat: tuple[tuple[str, object], ...] = ()
    # Build a first rota a few people at a time and hint it (solver.construct):
    # None decides by model size (CONSTRUCT_ABOVE assignment variables).
    construct: bool | None = None
    # Solve a very large service in parts, its people split by area and the cover
    # divided between them (solver.decompose): None decides by size
    # (DECOMPOSE_ABOVE_PAIRS (person, slot) pairs).
    decompose: bool | None = None
    # Build and improve the rota group by group and never as one whole model
    # (solver.construct_only): None decides by size (GROUPS_ONLY_ABOVE_PAIRS
    # (person, slot) pairs) and by whether a model of the rota alone prices it.
    groups_only: bool | None = None
    # Start from the greedy rota (solver.greedy) where it suits the problem:
    # None decides by size (GREEDY_ABOVE_PEOPLE); True at any size (the parts of
    # a decomposed solve, whose search budget may be too small to find a rota).
    greedy: bool | None = None
    # A limit on CP-SAT's deterministic time (its measure of work done, the same on
    # a busy machine as on an idle one) for the model's search, shared between the
    # phases as the time limit is. The time limit still holds as well. Tests use it
    # so that a saturated machine searches exactly as far as an idle one.
    deterministic_time: float | None = None
    # Repeatable search: CP-SAT's interleaved workers (deterministic whatever the
    # machine's load), so the same problem under the same work budget and workers
    # gives the same rota. Off: the free-running portfolio.
    repeatable: bool = False
    # The seconds a repeatable solve was asked for: its work budget is worked out
    # from them and the size of the model once it is built (solver.repeatable's
    # work_per_second), unless ``deterministic_time`` gives the budget outright.
    seconds_of_work: float | None = None
    # Prove the whole objective's bound after improving the rota. Off for the parts
    # of a service solved in parts: no bound of the whole is known from them, so
    # their work all goes on improving.
    prove: bool = True


# The wall-clock safety cap of a repeatable solve, as a multiple of the seconds
# asked for: a loaded machine takes longer for the same work; past the cap the
# search stops anyway (and is then no longer repeatable: Solution.stats says so).
WALL_CAP = 4.0
# Interleaved workers of a repeatable solve. The rota depends on their number, so
# it is fixed rather than the machine's; measured on Warwickshire 2026-11 at a
# 30 s budget, 2 reached cost 1950 and 8 reached 6040 (benchmarks/RESULTS.md).
REPEATABLE_WORKERS = 2


def repeatable(seconds: float, seed: int = 0, **more) -> SolveParams:
    """Parameters for a repeatable solve that takes about ``seconds`` on an idle
    2-core machine: a work budget rather than a clock (sized to the model once it
    is built), and a generous wall cap."""
    return SolveParams(
        time_limit=seconds * WALL_CAP,
        workers=REPEATABLE_WORKERS,
        seed=seed,
        repeatable=True,
        seconds_of_work=seconds,
        **more,
    )
