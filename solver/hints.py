"""Rotas handed between searches: read out of a solver, set as a model's hint, and
read back exactly with every duty held (settling)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from solver.context import ModelContext

# Seconds a final step that only reads a rota back (every duty held) may take past
# the time limit: propagation, no search. What a solve takes past its limit is
# measured in benchmarks/time_limits.py (figures in benchmarks/RESULTS.md).
SETTLE_MARGIN = 2.0
# ...and per variable of the model beyond that: loading and presolving a model of
# hundreds of thousands of variables alone takes seconds (Curtois instance 23,
# 380,000 variables: its constructed rota was not read back within 2 s, and the
# solve had no rota).
SETTLE_SECONDS_PER_VARIABLE = 2e-5


def settle_margin(ctx: ModelContext) -> float:
    """The seconds reading a rota back may take past the limit, by model size."""
    return SETTLE_MARGIN + SETTLE_SECONDS_PER_VARIABLE * len(ctx.model.proto.variables)


def duties(ctx: ModelContext, solver: cp_model.CpSolver) -> dict[int, int]:
    """The rota in ``solver`` as a value per presence variable (proto index)."""
    return {var.index: solver.value(var) for var in ctx.present.values()}


def by_variable(ctx: ModelContext, rota: dict[tuple[int, int], int]) -> dict[int, int]:
    """A rota keyed by (person index, slot index) as a value per assignment
    variable (proto index), 0 where it has none."""
    return {var.index: rota.get(key, 0) for key, var in ctx.x.items()}


def by_pair(ctx: ModelContext, values: dict[int, int]) -> dict[tuple[int, int], int]:
    """A value per variable (proto index) as a rota keyed by (person index, slot
    index), over the assignment variables."""
    return {key: values.get(var.index, 0) for key, var in ctx.x.items()}


def hint(ctx: ModelContext, values: dict[int, int]) -> None:
    """Replace the model's hint (written straight into the proto: a year of a
    large service has a million assignment variables)."""
    ctx.model.clear_hints()
    proto_hint = ctx.model.proto.solution_hint
    proto_hint.vars.extend(list(values))
    proto_hint.values.extend(list(values.values()))


def hinted(ctx: ModelContext) -> bool:
    """Whether the model has a hint. Asked without touching the hint's field: an
    empty hint in the proto changes CP-SAT's search (measured: 3.96 units of
    work to prove 100 people's gaps against 1.46 without it)."""
    proto = ctx.model.proto
    return proto.has_solution_hint() and len(proto.solution_hint.vars) > 0


def settle(ctx: ModelContext, solver: cp_model.CpSolver, values: dict[int, int]) -> int:
    """Solve once with every duty held as in ``values``, so that ``solver`` holds
    this rota with each penalty at its least for those duties. Why: a rota
    reached from a hint may carry slack in a penalty variable (an under-cover count
    above the real shortfall), and the reported objective would then disagree with
    the rota; measured on Curtois instance 20, where the scorer found 36 379
    against the 38 201 reported."""
    hint(ctx, values)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = settle_margin(ctx)
    solver.parameters.max_deterministic_time = float("inf")
    try:
        return solver.solve(ctx.model)
    finally:
        solver.parameters.fix_variables_to_their_hinted_value = False
        ctx.model.clear_hints()


def complete(ctx: ModelContext, solver: cp_model.CpSolver, values: dict[int, int]) -> bool:
    """Hint every variable of the model, not only the duties in ``values``: the
    first solution with those duties held, within the work ``solver`` is given.
    Why: large-neighbourhood search starts only from a complete rota, and CP-SAT
    did not complete a greedy hint of 11,800 duties in a 40,000-variable model
    within 1.3 units of work (its whole share), so the search never began.
    Returns whether it did; otherwise the duties alone stay hinted."""
    hint(ctx, values)
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.stop_after_first_solution = True
    try:
        code = solver.solve(ctx.model)
    finally:
        solver.parameters.fix_variables_to_their_hinted_value = False
        solver.parameters.stop_after_first_solution = False
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    hint(ctx, dict(enumerate(solver.response_proto.solution)))
    return True
