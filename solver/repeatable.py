"""The repeatable search: CP-SAT's interleaved workers on a budget of work, so the
same problem gives the same rota on an idle machine or a busy one.

Each search (a lexicographic phase, then the whole objective) first *improves*:
large-neighbourhood search alone from the best rota so far, which is what moves
a rota quickly; then it *proves*: the LP-based subsolvers alone, hinted with the
best rota, which raise the bound and prove optimality where they can. Measured
(benchmarks/RESULTS.md): the default interleaved mix spent whole budgets on
subsolvers that neither improved nor proved (100 people: the lead-in-the-hub
phase unproven after 4.7 units, where LNS reached its optimum in 0.3), and its
full-problem chunks overran their budget threefold.

The budget is CP-SAT's deterministic time, sized from the seconds asked for and
the model (``work_per_second``): a large model does less work per second, so a
fixed rate overran (150 people x 3 months: 104.5 s for 60 s asked).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ortools.sat.python import cp_model

from solver.budget import Budget
from solver.context import ModelContext
from solver.hints import duties, hint, hinted, settle
from solver.params import SolveParams

# The subsolvers of the proving part, LP-based full searches measured one by one
# and in pairs (benchmarks/RESULTS.md). A lexicographic phase's level: max_lp and
# core (an understaffed Coventry December's gaps proven in 0.11 units of work,
# against 1.32 for the whole default mix and 0.30 for default_lp with max_lp).
PHASE_PROVERS = ("max_lp", "core")
# The whole objective's bound: default_lp and max_lp (the only pair with a bound
# on both 100 people, where max_lp alone and core had none after 2.5 units, and
# Warwickshire, where default_lp alone reached 460 against 900).
MAIN_PROVERS = ("default_lp", "max_lp")
# Share of a lexicographic phase's work spent improving its rota by LNS before
# proving its level (its rota usually reaches the level's trivial bound, zero
# missing, and that ends the phase at once).
PHASE_IMPROVE_SHARE = 0.25
# Share of the whole objective's work spent improving by LNS; the rest proves.
MAIN_IMPROVE_SHARE = 0.85
# The subsolver that looks for a first rota when nothing is hinted; with a single
# full subsolver on 2 interleaved workers, CP-SAT runs its first-solution
# subsolver (feasibility jump) on the other.
FIRST_ROTA_SUBSOLVERS = ("default_lp",)
# Share of the whole objective's work that finding a first rota may take when
# nothing is hinted (no phase came before it): the first prover alone beside
# CP-SAT's first-solution subsolver (feasibility jump), which has no worker of its
# own when both of the 2 workers run a prover. It stops at the first rota, so
# the share is a ceiling. Measured on Curtois (benchmarks/first_rota.py, figures
# in benchmarks/RESULTS.md): the pair default_lp and max_lp found no rota on 8-10
# in 30 units of work, and the product's search had ended with none on 8-12, 14
# and 15; default_lp with feasibility jump found one on 8, 14 and 15 in
# 0.08-5.05 units over seeds 0-3 (at 0.1 of the work, 15 at seed 0 still had
# none). Not for a lexicographic phase: there the provers find the first rota as
# they prove its level, and a first rota first made the fixture months 4-9 %
# dearer.
FIRST_ROTA_SHARE = 0.5
# Share of the whole objective's work a polish of that first rota may take,
# where the solve offers one (solve._polisher: solver.regroup's passes over the
# people, each re-solved against everyone else's duties), before LNS and the
# provers go on from the polished rota.
POLISH_SHARE = 0.4
# Models with more variables than this go on from the polished rota as from a
# hinted one (LNS, then the provers); smaller ones go straight to the provers,
# which prove or improve a small model better than LNS does. Measured on Curtois
# at 60 s, polished rota then LNS against straight to the provers (benchmarks/
# RESULTS.md, sixth session): 12 (12,809 variables) 5,825 against 7,221, 15
# (9,187) 5,946 against 6,436, 19 (14,060) 5,788 against 7,046; 8 (3,228) 1,746
# against 1,647, 6 (1,747) 2,251 against 2,046, and 2 and 3 proven only without LNS.
POLISH_LNS_ABOVE_VARIABLES = 4_000

# (the rota per presence variable, work) -> a cheaper rota, or None.
Polish = Callable[[dict[int, int], float], dict[int, int] | None]

# Work per second of an idle 2-core machine, by model size: the deterministic
# time a repeatable solve does per second falls as the model grows (more of the
# wall time goes on copying and presolving neighbourhoods, which CP-SAT does not
# count as work). A straight line in the logarithm of the number of variables,
# fitted to generated months solved at 30 s (benchmarks/work_rate.py; figures in
# RESULTS.md), and bounded.
RATE_AT_1000 = 0.9
RATE_PER_DECADE = 0.28
RATE_BOUNDS = (0.12, 0.9)
# Building beyond the calibrated sizes: benchmarks/model_build.py, 5,000 people
# (709,478 variables) built in 26-31 s, 2,000 (281,134) in 12 s.
CALIBRATED_VARIABLES = 100_000
BUILD_SECONDS_PER_VARIABLE = 4e-5


def work_per_second(variables: int) -> float:
    """CP-SAT work a second of repeatable search does on a model of this size."""
    rate = RATE_AT_1000 - RATE_PER_DECADE * math.log10(max(variables, 1) / 1000)
    return min(max(rate, RATE_BOUNDS[0]), RATE_BOUNDS[1])


def work_budget(params: SolveParams, ctx: ModelContext) -> float | None:
    """The solve's budget of work: given outright, else the seconds asked for at
    this model's rate (None: no budget, the clock alone)."""
    if params.deterministic_time is not None:
        return params.deterministic_time
    if params.seconds_of_work is not None:
        variables = len(ctx.model.proto.variables)
        return search_seconds(params.seconds_of_work, variables) * work_per_second(variables)
    return None


def search_seconds(seconds: float, variables: int) -> float:
    """The seconds asked less what building a model of this size takes beyond the
    rate's calibration (whose walls included building, up to 68,000 variables):
    at 5,000 people the build alone is about half a minute."""
    beyond = max(variables - CALIBRATED_VARIABLES, 0)
    return max(seconds - BUILD_SECONDS_PER_VARIABLE * beyond, 0.0)


def improve_then_prove(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    budget: Budget,
    work: float,
    improve_share: float,
    stopped: Callable[[], bool],
    provers: tuple[str, ...],
    reporter: cp_model.CpSolverSolutionCallback | None = None,
    first_rota: bool = False,
    polish: Polish | None = None,
) -> tuple[int, float]:
    """Minimise the model's objective repeatably with ``work``: ``improve_share`` of
    it improving by LNS from the hinted rota, the rest proving with the
    subsolvers ``provers`` from the best rota (no proving when ``improve_share``
    is 1). With nothing hinted all of it proves: the provers look for the first
    rota as they prove (they found one far sooner than the whole mix, measured on
    100 people: 0.5 units against 2.5), from one found first if ``first_rota``
    asks (_first_rota). Not improving by LNS alone from that rota is measured:
    Curtois 6 and 7 cost 2349 and 1172 that way, 2137 and 1067 proving from it.
    Given ``polish``, that first rota is polished (POLISH_SHARE of the work); a
    large model then improves by LNS from there, as from a hinted rota
    (POLISH_LNS_ABOVE_VARIABLES).
    Leaves that rota in ``solver``; returns the status (OPTIMAL once the best
    rota meets the proven bound) and the bound."""
    base = cp_model.SatParameters()
    base.copy_from(solver.parameters)
    best, cost = None, math.inf
    try:
        start = budget.work_spent
        unhinted = not hinted(ctx)
        if first_rota and unhinted and not stopped():
            code = _first_rota(ctx, solver, budget, work * FIRST_ROTA_SHARE, reporter)
            solver.parameters.copy_from(base)
            if code == cp_model.OPTIMAL:
                return code, solver.best_objective_bound
            if code == cp_model.FEASIBLE:
                best, cost = duties(ctx, solver), solver.objective_value
                if polish is not None and not stopped():
                    polished = _polished(ctx, solver, budget, polish, best, work * POLISH_SHARE)
                    solver.parameters.copy_from(base)
                    if polished is not None:
                        best, cost = polished
                        unhinted = len(ctx.model.proto.variables) <= POLISH_LNS_ABOVE_VARIABLES
        improving = (work - (budget.work_spent - start)) * improve_share
        if not unhinted and not stopped() and budget.give(solver, improving):
            solver.parameters.use_lns_only = True
            code = solver.solve(ctx.model, reporter)
            budget.spent(solver)
            if code == cp_model.OPTIMAL:
                return code, solver.best_objective_bound
            if code == cp_model.FEASIBLE:
                best, cost = duties(ctx, solver), solver.objective_value
                hint(ctx, best)
        solver.parameters.copy_from(base)
        proving = work - (budget.work_spent - start)
        if improve_share >= 1.0 or stopped() or not budget.give(solver, proving):
            return (cp_model.FEASIBLE if best else cp_model.UNKNOWN), math.nan
        solver.parameters.subsolvers.extend(provers)
        code = solver.solve(ctx.model, reporter)
        budget.spent(solver)
        bound = solver.best_objective_bound
        solver.parameters.copy_from(base)
        found = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if found and solver.objective_value <= cost:
            return code, bound
        if best is None:
            return code, bound
        settle(ctx, solver, best)  # the proving part found nothing better: read it back
        return (cp_model.OPTIMAL if cost <= bound else cp_model.FEASIBLE), bound
    finally:
        solver.parameters.copy_from(base)


def _first_rota(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    budget: Budget,
    work: float,
    reporter: cp_model.CpSolverSolutionCallback | None,
) -> int:
    """Look for a first rota within ``work`` (FIRST_ROTA_SHARE); when found, hint
    every variable of it, so the search that follows improves from it. Returns
    the status."""
    if not budget.give(solver, work):
        return cp_model.UNKNOWN
    solver.parameters.subsolvers.extend(FIRST_ROTA_SUBSOLVERS)
    solver.parameters.stop_after_first_solution = True
    code = solver.solve(ctx.model, reporter)
    budget.spent(solver)
    if code == cp_model.FEASIBLE:
        hint(ctx, dict(enumerate(solver.response_proto.solution)))
    return code


def _polished(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    budget: Budget,
    polish: Polish,
    rota: dict[int, int],
    work: float,
) -> tuple[dict[int, int], float] | None:
    """``rota`` polished within ``work`` and read back (every variable hinted, so
    LNS starts from it): the polished rota and its cost, or None when the polish
    changed nothing."""
    better = polish(rota, work)
    if better is None:
        return None
    code = settle(ctx, solver, better)  # clears the model's hint
    budget.spent(solver)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        hint(ctx, rota)  # the first rota stays the start
        return None
    hint(ctx, dict(enumerate(solver.response_proto.solution)))
    return better, solver.objective_value
