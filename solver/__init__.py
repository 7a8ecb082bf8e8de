"""CP-SAT rota model: a plain :class:`Problem` in, a plain :class:`Solution` out.

This package imports nothing else of the project, so it can be tested, benchmarked
and reused alone. The names below are its public face: code outside ``solver/``
imports only these (a test checks it).
"""

from solver.construct import group_problem
from solver.context import does_shift, exclusion_reason
from solver.cover import Candidate, cover_candidates, evaluate
from solver.exchange import Exchange, Move, Refusal, exchange
from solver.explain import fixed_cell_conflicts
from solver.params import SolveParams, repeatable
from solver.problem import (
    Closure,
    Day,
    FixedCell,
    History,
    Person,
    PriorDuty,
    Problem,
    ProblemError,
    ReferenceDuty,
    Request,
    Requirement,
    Rules,
    ShiftType,
    Slot,
    Trainees,
    Weights,
    WorkLimits,
)
from solver.recovery import recovery_periods, unplaced_documentation
from solver.repeatable import work_per_second
from solver.rules.hard import HARD_RULES
from solver.rules.soft import SOFT_RULES
from solver.solution import CompositionGap, Gap, Penalty, Progress, Recovery, Solution, SolveStatus
from solver.solve import (
    LEXICOGRAPHIC,
    MAIN_PHASE,
    build_model,
    constructed_rota,
    held_cost,
    regrouped_rota,
    solve,
)
from solver.workload import full_time_days, total_load

__all__ = [
    "HARD_RULES",
    "LEXICOGRAPHIC",
    "MAIN_PHASE",
    "SOFT_RULES",
    "Candidate",
    "Closure",
    "CompositionGap",
    "Day",
    "Exchange",
    "FixedCell",
    "Gap",
    "History",
    "Move",
    "Penalty",
    "Person",
    "PriorDuty",
    "Problem",
    "ProblemError",
    "Progress",
    "Recovery",
    "ReferenceDuty",
    "Refusal",
    "Request",
    "Requirement",
    "Rules",
    "ShiftType",
    "Slot",
    "Solution",
    "SolveParams",
    "SolveStatus",
    "Trainees",
    "Weights",
    "WorkLimits",
    "build_model",
    "constructed_rota",
    "cover_candidates",
    "does_shift",
    "evaluate",
    "exchange",
    "exclusion_reason",
    "fixed_cell_conflicts",
    "full_time_days",
    "group_problem",
    "held_cost",
    "recovery_periods",
    "regrouped_rota",
    "repeatable",
    "solve",
    "total_load",
    "unplaced_documentation",
    "work_per_second",
]
