"""Build the CP-SAT model from the rule registries, solve it, and read back a plain
solution with every penalty and every gap explained."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from math import isnan, nan

from ortools.sat.python import cp_model

from solver.budget import Budget
from solver.construct import construct
from solver.construct_only import groups_work, solve_by_groups
from solver.construct_only import suits as groups_only_suits
from solver.context import ModelContext, PenaltyTerm
from solver.deadline import DeadlineModel, OutOfTime
from solver.decompose import solve_in_parts
from solver.decompose import suits as decompose_suits
from solver.explain import explained_gaps
from solver.greedy import greedy_rota
from solver.greedy import suits as greedy_suits
from solver.held import exact
from solver.hints import by_pair, by_variable, complete
from solver.hints import duties as _duties
from solver.hints import hint as _hint
from solver.hints import settle as _settle
from solver.params import SolveParams
from solver.problem import Problem
from solver.regroup import regroup
from solver.repeatable import (
    FIRST_ROTA_SUBSOLVERS,
    MAIN_IMPROVE_SHARE,
    MAIN_PROVERS,
    PHASE_IMPROVE_SHARE,
    PHASE_PROVERS,
    Polish,
    improve_then_prove,
    work_budget,
)
from solver.rules.hard import HARD_RULES
from solver.rules.soft import SOFT_RULES, Composition, CoverMinimum, RotaChanges, SessionalLocum
from solver.solution import Penalty, Progress, Solution, SolveStatus

# Share of the time limit the cover-first phase may use (it usually proves its
# optimum in a second or two and hands the rest on).
COVER_FIRST_SHARE = 0.4
COVER_FIRST_WORKERS = 8
# Rules minimised alone, in this order, before the full objective (cover_first),
# each with its share of the time limit: the gaps; the required roles (a lead in
# the hub); sessional-locum days (money); a repair's changes. A phase that proves
# its level early hands the rest of its share on.
LEXICOGRAPHIC = (
    (CoverMinimum.name, COVER_FIRST_SHARE),
    (Composition.name, 0.2),
    (SessionalLocum.name, 0.1),
    (RotaChanges.name, 0.2),
)
_SOFT_BY_NAME = {rule.name: rule for rule in SOFT_RULES}
MAIN_PHASE = "all_rules"  # the full objective, after the LEXICOGRAPHIC phases
# The share of a repeatable solve's work the first phase may use (it ends as soon
# as its level is proven, usually at once).
FIRST_PHASE_SHARE = 0.7
# Models with more assignment variables than this start from a constructed rota:
# on Curtois instance 20 (35 000) the whole model found no rota in 120 s.
CONSTRUCT_ABOVE = 30_000
# Share of the time limit the construction may use (it is usually far quicker).
CONSTRUCT_SHARE = 0.3
# Workers on models too large for one copy per worker in memory. Measured on
# Curtois instance 24 (1.1 million variables, 600 s, benchmarks/RESULTS.md): with
# 8 workers the process was killed at 24.3 GB resident on a 23 GB machine, with 2
# it peaked at 9.3 GB; instance 23 (380,000 variables, 8 workers) peaked at 1.9 GB.
MEMORY_VARIABLES = 500_000
MEMORY_WORKERS = 2
# The work a construction group may take to its first rota even when the solve's
# work is spent: a rota later than asked rather than none. Curtois 21 under the
# repeatable search: 20 groups of five needing 3.6-9.0 units each to a first
# rota, and after the eighth none of the solve's 40.9 units was left.
FIRST_ROTA_FLOOR_WORK = 10.0
# Share of the limits for completing a first rota's hint (every variable worked
# out for its duties: propagation and a first solution, usually far less).
COMPLETE_SHARE = 0.15


def build_model(
    problem: Problem,
    deadline: float | None = None,
    on_step: Callable[[str, float], None] | None = None,
    only: Iterable[tuple[int, int]] | None = None,
) -> ModelContext:
    """The whole model; :class:`OutOfTime` once past ``deadline`` (checked as it
    grows, solver.deadline). ``on_step`` hears each step's name and seconds (the
    context, each rule that applies, the objective): benchmarks/model_build.py.
    ``only`` (person index, slot index): a variable for these pairs alone, every
    other pair held off (solver.held)."""
    # Without a deadline (a construction group, a cover check) a plain model: no
    # look at the clock on every addition.
    model = DeadlineModel(deadline) if deadline is not None else cp_model.CpModel()
    clock = time.monotonic()

    def step(name: str) -> None:
        nonlocal clock
        if deadline is not None and time.monotonic() > deadline:
            raise OutOfTime
        if on_step is not None:
            now = time.monotonic()
            on_step(name, now - clock)
            clock = now

    held = frozenset(only) if only is not None else None
    ctx = ModelContext(problem, excluders=HARD_RULES, model=model, only=held)
    step("context")
    for hard in HARD_RULES:
        if hard.applies(problem):
            hard.post(ctx)
            step(hard.name)
    for soft in SOFT_RULES:
        if soft.weight(problem) > 0:  # a rule weighted 0 is off: no variables at all
            soft.post(ctx)
            step(soft.name)
    ctx.model.minimize(sum(t.weight * t.expr for t in ctx.terms))
    step("objective")
    if isinstance(model, DeadlineModel):
        model.deadline = None  # built: what the search adds later is not cut short
    return ctx


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Each better rota of the full objective: its cost, the bound, and the people
    it leaves missing (the cover-minimum terms' shortfalls)."""

    def __init__(
        self, on_progress: Callable[[Progress], None], started: float, ctx: ModelContext
    ) -> None:
        super().__init__()
        self._on_progress = on_progress
        self._started = started
        self._count = 0
        self._shortfalls = [t.expr for t in ctx.terms if t.rule == CoverMinimum.name]
        # The best bound heard so far: a later search (LNS alone) may report a
        # weaker one of its own, and the bound shown never falls.
        self.known_bound = float("-inf")
        self._last: Progress | None = None

    def on_solution_callback(self) -> None:
        self._count += 1
        self.known_bound = max(self.best_objective_bound, self.known_bound)
        self._last = Progress(
            elapsed=time.monotonic() - self._started,
            objective=self.objective_value,
            bound=self.known_bound,
            solutions=self._count,
            missing=sum(int(self.value(e)) for e in self._shortfalls),
        )
        self._on_progress(self._last)

    def conclude(self, bound: float) -> None:
        """The search proved ``bound`` after its last rota (the proving part comes
        after LNS): say so, so the last progress heard has the final bound."""
        if self._last is not None and bound > self.known_bound:
            self.known_bound = min(bound, self._last.objective)
            elapsed = time.monotonic() - self._started
            self._on_progress(replace(self._last, elapsed=elapsed, bound=self.known_bound))


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Solution:
    """Solve; setting ``stop`` from another thread ends the search early (the best
    rota so far is returned as ``feasible``, or ``unknown`` if there is none).
    ``on_phase`` hears each phase's name as it starts: the LEXICOGRAPHIC rules', then
    ``MAIN_PHASE``."""
    params = params or SolveParams()
    if _decomposes(problem, params):
        return solve_in_parts(problem, params, _solve_part, stop, on_phase or (lambda _n: None))
    if _groups_only(problem, params):
        return _solve_by_groups(problem, params, stop)
    started = time.monotonic()
    try:
        ctx = build_model(problem, started + params.time_limit)
    except OutOfTime:
        wall = time.monotonic() - started
        return Solution(SolveStatus.UNKNOWN, nan, nan, wall, stats={"model_built": False})
    params = _within_memory(params, ctx)
    solver = _new_solver(params)
    reporter = _Reporter(on_progress, started, ctx) if on_progress else None
    budget = Budget(params, started, work_budget(params, ctx))
    finished = threading.Event()
    if stop is not None:
        threading.Thread(target=_stop_when, args=(stop, finished, solver), daemon=True).start()
    stopped = stop.is_set if stop is not None else lambda: False
    announce = on_phase or (lambda _name: None)
    constructed = _hint_start(ctx, params, budget, stopped)
    if problem.reference and constructed is None:
        _hint(ctx, _reference_duties(ctx))
    try:
        phases, phase_rota = (
            _lexicographic(ctx, solver, params, budget, stopped, announce, constructed)
            if params.cover_first
            else ([], None)
        )
        proven = tuple(
            params.cover_first and _proven_through(phases, name)
            for name in (CoverMinimum.name, Composition.name, SessionalLocum.name)
        )
        phases_proven = all(c == cp_model.OPTIMAL for c in phases)
        code, bound = cp_model.UNKNOWN, float("nan")
        announce(MAIN_PHASE)
        if params.repeatable:
            work = budget.work_left
            share = MAIN_IMPROVE_SHARE if params.prove else 1.0
            code, bound = improve_then_prove(
                ctx,
                solver,
                budget,
                work,
                share,
                stopped,
                MAIN_PROVERS,
                reporter,
                first_rota=True,
                polish=_polisher(ctx, budget, stopped),
            )
            if reporter is not None and not isnan(bound):
                reporter.conclude(bound)
        elif not stopped() and budget.limit(solver):
            code = solver.solve(ctx.model, reporter)
            bound = solver.best_objective_bound
            budget.spent(solver)
        if code == cp_model.UNKNOWN:
            # Stopped, or out of time before the full objective found anything: the
            # best rota so far (the last phase's, else the constructed one) is the
            # answer, read back with every duty held; never "optimal".
            best = phase_rota or constructed
            if best is not None:
                solver = _new_solver(params)  # out of the stop's reach: reading back
                code = _found(_settle(ctx, solver, best))
        elif code == cp_model.FEASIBLE:
            solver = _settled(ctx, params, solver)
        if code == cp_model.OPTIMAL and not phases_proven:
            code = cp_model.FEASIBLE
    finally:
        finished.set()
    wall = time.monotonic() - started
    stats = {
        "variables": len(ctx.model.proto.variables),
        "constraints": len(ctx.model.proto.constraints),
        "assignment_vars": len(ctx.x),
        "shadow_vars": len(ctx.y),
        "model_built": True,
        "work": round(budget.work_spent, 3),
        "workers": params.workers,
        # A repeatable solve that hit the wall-clock cap stopped at a point the
        # machine's load chose: its rota may differ from an idle machine's.
        "repeatable": params.repeatable and budget.left() > 0,
    }
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Only contradictory hard input (fixed cells) or a time limit too short for
        # any rota lands here: said as it is (unknown), the limit never stretched.
        name = SolveStatus.INFEASIBLE if code == cp_model.INFEASIBLE else SolveStatus.UNKNOWN
        return Solution(name, float("nan"), bound, wall, stats=stats)
    return _read_solution(ctx, solver, code == cp_model.OPTIMAL, wall, stats, proven, bound)


def _within_memory(params: SolveParams, ctx: ModelContext) -> SolveParams:
    """At most MEMORY_WORKERS workers on a model of more than MEMORY_VARIABLES
    variables: each worker holds its own copy of the model."""
    return replace(params, workers=_workers(params.workers, ctx))


def _workers(asked: int, ctx: ModelContext) -> int:
    """``asked`` workers, or MEMORY_WORKERS if fewer and the model is that large."""
    if len(ctx.model.proto.variables) > MEMORY_VARIABLES:
        return min(asked, MEMORY_WORKERS)
    return asked


def _decomposes(problem: Problem, params: SolveParams) -> bool:
    if params.decompose is None:
        return decompose_suits(problem)
    return params.decompose and len(problem.people) > 1


def _solve_part(problem: Problem, params: SolveParams, stop: threading.Event | None) -> Solution:
    return solve(problem, params, stop=stop)


def _groups_only(problem: Problem, params: SolveParams) -> bool:
    if params.groups_only is None:
        return groups_only_suits(problem, gaps_first=params.cover_first)
    return params.groups_only


def _solve_by_groups(
    problem: Problem, params: SolveParams, stop: threading.Event | None
) -> Solution:
    """solver.construct_only, with this module's group solves and read-back."""
    started = time.monotonic()
    # The construction's groups past their share look for a first rota within
    # what is left of these limits (_solve_group).
    budget = Budget(params, started, groups_work(params))

    def read(whole: Problem, rota: dict, stats: dict) -> Solution:
        return _read_held(whole, rota, started, stats)

    stopped = stop.is_set if stop is not None else lambda: False
    solve_group = partial(_solve_group, budget=budget)
    return solve_by_groups(problem, params, solve_group, _improve_group, read, stopped)


def constructed_rota(problem: Problem, work: float, time_limit: float) -> dict | None:
    """The construction's first rota (solver.construct), (person index, slot index)
    -> 0/1, searched repeatably on ``work`` within ``time_limit``; ``None`` when
    a group found none. The steps of a group-by-group solve one at a time, for
    benchmarks/regroup.py."""
    budget = Budget(SolveParams(time_limit=time_limit), time.monotonic(), work)

    return construct(problem, time_limit, partial(_solve_group, budget=budget), work=work)


def regrouped_rota(
    problem: Problem, rota: dict, work: float, size: int | None, time_limit: float
) -> tuple[dict, dict]:
    """``rota`` improved by the second pass (solver.regroup) in groups of ``size``
    (None: one person, growing as the product's pass does) on ``work``; returns
    the rota and what the pass did."""
    return regroup(problem, rota, time_limit, _improve_group, size=size, work=work)


def held_cost(problem: Problem, rota: dict) -> float:
    """What ``rota`` costs, read back as a group-by-group solve reads it."""
    return _read_held(problem, rota, time.monotonic(), {}).objective


def _improve_group(
    problem: Problem, seconds: float, workers: int, work: float | None, current: dict
) -> tuple[dict | None, float]:
    """One group of the second pass (solver.regroup): a rota that costs less
    than ``current`` on the group's problem, searched from it within
    ``seconds`` (and ``work``: then repeatably), or ``None``; and the work its
    search did."""
    ctx = build_model(problem)
    if any(value and key not in ctx.x for key, value in current.items()):
        return None, 0.0  # not a rota of this problem: nothing to start from
    values = by_variable(ctx, current)
    values.update({var.index: 0 for var in ctx.y.values()})
    held = cp_model.CpSolver()
    held.parameters.num_workers = 1
    if _settle(ctx, held, values) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, 0.0
    cost = held.objective_value
    _hint(ctx, dict(enumerate(held.response_proto.solution)))
    solver = _group_solver(workers, seconds, work)
    code = solver.solve(ctx.model)
    spent = solver.response_proto.deterministic_time
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < cost:
        return _group_rota(ctx, solver, code), spent
    return None, spent


def _polisher(ctx: ModelContext, budget: Budget, stopped: Callable[[], bool]) -> Polish | None:
    """A polish for the whole objective's first rota (solver.repeatable): the
    second pass over the people (solver.regroup), each group re-solved against
    everyone else's duties, on the work it is given and counted in ``budget``.
    None where a group's model would not price its rota as the whole model does
    (solver.held.exact: shares of the slots' targets; shadow duties) or there is
    only one person."""
    problem = ctx.problem
    if ctx.y or len(problem.people) < 2 or not exact(problem):
        return None

    def polish(values: dict[int, int], work: float) -> dict[int, int] | None:
        rota = by_pair(ctx, values)
        better, done = regroup(
            problem, rota, budget.left(), _improve_group, work=work, stop=stopped
        )
        budget.count(done["work_done"])
        if not done["groups_improved"]:
            return None
        return by_variable(ctx, better)

    return polish


def _read_held(problem: Problem, rota: dict, started: float, stats: dict) -> Solution:
    """``rota`` read back by a model of its own duties alone (solver.held)."""
    reading = time.monotonic()
    ctx = build_model(problem, only=[key for key, value in rota.items() if value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    code = _settle(ctx, solver, {var.index: 1 for var in ctx.x.values()})
    stats = {
        **stats,
        "variables": len(ctx.model.proto.variables),
        "assignment_vars": len(ctx.x),
    }
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Every group kept the hard rules; a rota refused here is a bug, said as
        # no rota rather than a wrong one.
        return Solution(SolveStatus.UNKNOWN, nan, nan, time.monotonic() - started, stats=stats)
    solution = _read_solution(ctx, solver, False, 0.0, stats, (False, False, False), nan)
    now = time.monotonic()
    # What reading back took, the gaps' explanation included.
    stats["read_seconds"] = round(now - reading, 1)
    return replace(solution, wall_time=now - started, stats=stats)


def _new_solver(params: SolveParams) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = params.workers
    solver.parameters.random_seed = params.seed
    solver.parameters.log_search_progress = params.log
    solver.parameters.interleave_search = params.repeatable
    for name, value in params.cp_sat:
        setattr(solver.parameters, name, value)
    return solver


def _reference_duties(ctx: ModelContext) -> dict[int, int]:
    """The rota being repaired as a value per presence variable: the search starts
    from it (what is no longer possible simply has no variable)."""
    problem = ctx.problem
    return {
        var.index: int(problem.in_reference(problem.people[pi].id, problem.slots[si]))
        for (pi, si), var in ctx.present.items()
    }


def _settled(
    ctx: ModelContext, params: SolveParams, solver: cp_model.CpSolver
) -> cp_model.CpSolver:
    """The rota in ``solver`` read back with every duty held. A rota a limit cut
    short, or one reached from a hint, may carry slack in a penalty variable (an
    under-cover count above the real shortfall): measured on Curtois instance 12,
    reported 7541 where the independent scorer found 7540, and on instance 20
    38 201 against 36 379. Keeps ``solver`` if the read-back does not finish in
    its margin (a model of hundreds of thousands of variables)."""
    settled = _new_solver(params)
    code = _settle(ctx, settled, _duties(ctx, solver))
    if code == cp_model.OPTIMAL or (
        code == cp_model.FEASIBLE and settled.objective_value <= solver.objective_value
    ):
        return settled
    return solver


def _found(code: int) -> int:
    """A solve with every duty held proves nothing about other rotas; and should
    the held rota be refused, the whole model's own search must still find one."""
    return cp_model.FEASIBLE if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else cp_model.UNKNOWN


def _constructs(ctx: ModelContext, params: SolveParams) -> bool:
    if params.construct is None:
        return len(ctx.x) > CONSTRUCT_ABOVE
    return params.construct


def _hint_start(
    ctx: ModelContext, params: SolveParams, budget: Budget, stopped: Callable[[], bool]
) -> dict[int, int] | None:
    """Hint the rota the search starts from, and return it per assignment variable
    (proto index): for a service of many people the greedy one (solver.greedy),
    for another large model the construction's; ``None``: the search starts from
    nothing (or, in a repair, from the rota being repaired)."""
    greedy = params.greedy is not False and params.construct is not False
    if greedy and greedy_suits(ctx.problem, any_size=params.greedy is True):
        duties = {var.index: 0 for var in ctx.x.values()}
        duties.update({ctx.x[key].index: 1 for key in greedy_rota(ctx, budget.deadline)})
        _complete_hint(ctx, params, budget, duties)
        return duties
    if not _constructs(ctx, params):
        return None
    duties = _hint_constructed(ctx, params, budget, stopped)
    if duties is not None:
        _complete_hint(ctx, params, budget, duties)
    return duties


def _complete_hint(
    ctx: ModelContext, params: SolveParams, budget: Budget, duties: dict[int, int]
) -> None:
    """Hint ``duties`` with every other variable of the model worked out for them
    (solver.hints.complete), within COMPLETE_SHARE of the limits."""
    solver = _new_solver(params)
    if budget.limit(solver, COMPLETE_SHARE):
        complete(ctx, solver, duties)
        budget.spent(solver)
    else:
        _hint(ctx, duties)


def _hint_constructed(
    ctx: ModelContext, params: SolveParams, budget: Budget, stopped: Callable[[], bool]
) -> dict[int, int] | None:
    """The constructed rota per assignment variable (proto index), or ``None``
    when there is none (or the solve was stopped while building it) and the
    whole model must find one."""
    seconds = min(params.time_limit * CONSTRUCT_SHARE, budget.left())
    if seconds <= 0:
        return None
    work = budget.share(CONSTRUCT_SHARE) if params.repeatable else None
    if work is not None:
        seconds = budget.left()  # the work limits it; the clock is the safety cap

    solve_group = partial(_solve_group, budget=budget)
    rota = construct(ctx.problem, seconds, solve_group, work=work, stop=stopped)
    if rota is None:
        return None
    return by_variable(ctx, rota)


def _solve_group(
    problem: Problem,
    seconds: float,
    workers: int,
    work: float | None = None,
    budget: Budget | None = None,
) -> dict | None:
    """One group of the construction: its best rota within ``seconds`` (and
    ``work``: then searched repeatably, interleaved), or else the first one found
    within what is left of the whole solve's ``budget`` (of its work, at least
    FIRST_ROTA_FLOOR_WORK), whose work it counts (without a budget, a group
    that found nothing has none)."""
    ctx = build_model(problem)
    solver = _group_solver(workers, seconds, work)
    code = solver.solve(ctx.model)
    if budget is None:
        return _group_rota(ctx, solver, code)
    budget.spent(solver)
    if code == cp_model.UNKNOWN and budget.left() > 0:
        # The first rota, within the time left and, searching repeatably, the work
        # left (measured at 5,000 people: without that bound the groups' first
        # rotas ran on to the wall-clock cap, 4 x the seconds asked).
        solver.parameters.max_time_in_seconds = budget.left()
        solver.parameters.stop_after_first_solution = True
        if work is not None:
            # Bounded (FIRST_ROTA_FLOOR_WORK at least). With the default mix,
            # interleaved, a group of Curtois 20 (7 nurses, 26 weeks) found no
            # first rota in 27 units and the solve had none; the first-rota
            # subsolvers found each group's in 5-6.
            solver.parameters.max_deterministic_time = max(
                budget.work_left or 0.0, FIRST_ROTA_FLOOR_WORK
            )
            solver.parameters.subsolvers.extend(FIRST_ROTA_SUBSOLVERS)
        code = solver.solve(ctx.model)
        budget.spent(solver)
    return _group_rota(ctx, solver, code)


def _group_solver(workers: int, seconds: float, work: float | None) -> cp_model.CpSolver:
    """A solver for one group's model (the construction's or the second pass's):
    ``seconds``, and with ``work`` searched repeatably, interleaved."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = seconds
    if work is not None:
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = work
    return solver


def _group_rota(ctx: ModelContext, solver: cp_model.CpSolver, code: int) -> dict | None:
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {key: solver.value(var) for key, var in ctx.x.items()}


def _proven_through(codes: list[int], name: str) -> bool:
    """A LEXICOGRAPHIC phase's level is proven when it and every phase before it
    ended optimal (``codes``: the phases' statuses in that order)."""
    k = [n for n, _share in LEXICOGRAPHIC].index(name)
    return len(codes) > k and all(c == cp_model.OPTIMAL for c in codes[: k + 1])


def _lexicographic(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    params: SolveParams,
    budget: Budget,
    stopped: Callable[[], bool],
    announce: Callable[[str], None],
    start: dict[int, int] | None = None,
) -> tuple[list[int], dict[int, int] | None]:
    """The phases before the full objective, in LEXICOGRAPHIC order: each minimises
    one rule's terms alone, then that level becomes a constraint and the rota found
    is the hint for the next. Returns each phase's status (OPTIMAL when the phase
    had nothing to minimise) and the last rota found (per presence variable).
    A phase whose level the rota it starts from (``start``, per assignment
    variable, then each phase's) already holds at the rule's floor is proven
    without a search (_at_floor).

    Why: with every rule in one weighted objective, a time-limited search can end
    with a gap a better rota would have closed, so two runs of one service could
    report different gap counts. Gaps are what managers plan locums from; after
    them, a repair's changes are what every subscribed calendar sees."""
    codes: list[int] = []
    rota = None
    changed = False  # the model's objective replaced by a phase's
    for name, share in LEXICOGRAPHIC:
        terms = [t for t in ctx.terms if t.rule == name]
        if not terms:
            codes.append(cp_model.OPTIMAL)  # no such terms: nothing to do first
            continue
        announce(name)
        level = sum(t.weight * t.expr for t in terms)
        floor = _at_floor(ctx, name, rota if rota is not None else start)
        if floor is not None:
            ctx.model.add(level <= floor)
            codes.append(cp_model.OPTIMAL)
            continue
        if stopped() or not budget.limit(solver, share):
            codes.append(cp_model.UNKNOWN)  # not run: nothing proven
            break
        ctx.model.minimize(level)
        changed = True
        if params.repeatable:
            # The first phase (the gaps) may use more than its share: it ends as
            # soon as its level is proven, and on a large model finding a rota or
            # proving the level alone can take more (150 people x 3 months: 5.4
            # units for the gaps phase's first rota, which was also its optimum;
            # with 0.4 of an 11-unit budget no rota was found at all, and from the
            # greedy rota 300 people's gaps were not proven).
            work = budget.share(share if rota is not None else FIRST_PHASE_SHARE)
            code, _bound = improve_then_prove(
                ctx, solver, budget, work, PHASE_IMPROVE_SHARE, stopped, PHASE_PROVERS
            )
        else:
            # The proof needs the full portfolio (core and LP workers): with 2 workers
            # the bound of an understaffed month may not move for seconds; with 8 it is
            # proven in well under a second. The phase is short, so the extra threads
            # cost little.
            solver.parameters.num_workers = _workers(max(params.workers, COVER_FIRST_WORKERS), ctx)
            code = solver.solve(ctx.model)
            budget.spent(solver)
            solver.parameters.num_workers = params.workers
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            ctx.model.add(level <= round(solver.objective_value))
            rota = _duties(ctx, solver)
            _hint(ctx, rota)
        codes.append(code)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break  # no rota in this phase: the full objective searches on its own
    if changed:  # back to the whole objective, for the main search or reading back
        ctx.model.minimize(sum(t.weight * t.expr for t in ctx.terms))
    return codes, rota


def _at_floor(ctx: ModelContext, name: str, rota: dict[int, int] | None) -> int | None:
    """The floor of rule ``name`` when ``rota`` (per variable index) already costs
    no more: that level is then proven with no search at all (measured: a gaps
    phase of 40,000 variables spent 4 s and its whole work share only loading a
    greedy rota that had no gaps). None otherwise."""
    rule = _SOFT_BY_NAME[name]
    if rota is None or (floor := rule.floor(ctx)) is None:
        return None
    placed: dict[int, list[int]] = {}
    for (pi, si), var in ctx.x.items():
        if rota.get(var.index):
            placed.setdefault(si, []).append(pi)
    cost = rule.cost_of(ctx.problem, placed)
    return floor if cost is not None and cost <= floor else None


def _stop_when(stop: threading.Event, finished: threading.Event, solver) -> None:
    while not finished.is_set():
        if stop.wait(0.2):
            solver.stop_search()
            return


def _read_solution(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    optimal: bool,
    wall: float,
    stats: dict,
    proven: tuple[bool, ...],
    bound: float,
) -> Solution:
    """``proven``: the gaps, then the missing required roles, then the sessional
    locum days, each proven minimal by its lexicographic phase."""
    problem = ctx.problem
    cover_proven, composition_proven, locums_proven = proven
    assignments = tuple(
        (problem.people[pi].id, si) for (pi, si), var in ctx.x.items() if solver.value(var)
    )
    shadows = tuple(
        (problem.people[pi].id, si) for (pi, si), var in ctx.y.items() if solver.value(var)
    )
    penalties = tuple(p for t in ctx.terms if (p := _penalty(solver, t)) is not None)
    gaps, composition = explained_gaps(
        problem, assignments, shadows, optimal, cover_proven, composition_proven or optimal
    )
    return Solution(
        status=SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE,
        objective=solver.objective_value,
        bound=bound,
        wall_time=wall,
        assignments=assignments,
        shadows=shadows,
        penalties=penalties,
        gaps=gaps,
        composition_gaps=composition,
        stats=stats,
        gaps_proven=cover_proven or optimal,
        composition_proven=composition_proven or optimal,
        locum_days_proven=locums_proven or optimal,
    )


def _penalty(solver: cp_model.CpSolver, term: PenaltyTerm) -> Penalty | None:
    value = _value(solver, term.expr)
    if value == 0:
        return None
    detail = term.detail
    if callable(detail):
        measure = value if term.measure is None else _value(solver, term.measure)
        detail = detail(measure)
    return Penalty(term.rule, term.weight * value, detail, term.person, term.slot)


def _value(solver: cp_model.CpSolver, expr) -> int:
    return int(expr) if isinstance(expr, int) else int(solver.value(expr))
