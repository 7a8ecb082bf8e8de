"""CP-SAT rota model: a plain :class:`Problem` in, a plain :class:`Solution` out.

This package imports nothing else of the project, so it can be tested, benchmarked
and reused alone.
"""

from solver.context import does_shift, exclusion_reason
from solver.explain import fixed_cell_conflicts
from solver.problem import (
    Closure,
    Day,
    FixedCell,
    Person,
    PriorDuty,
    Problem,
    ProblemError,
    Request,
    Requirement,
    Rules,
    ShiftType,
    Slot,
    Trainees,
    Weights,
    WorkLimits,
)
from solver.rules.hard import HARD_RULES
from solver.rules.soft import SOFT_RULES
from solver.solution import Gap, Penalty, Progress, Solution
from solver.solve import SolveParams, build_model, solve

__all__ = [
    "HARD_RULES",
    "SOFT_RULES",
    "Closure",
    "Day",
    "FixedCell",
    "Gap",
    "Penalty",
    "Person",
    "PriorDuty",
    "Problem",
    "ProblemError",
    "Progress",
    "Request",
    "Requirement",
    "Rules",
    "ShiftType",
    "Slot",
    "Solution",
    "SolveParams",
    "Trainees",
    "Weights",
    "WorkLimits",
    "build_model",
    "does_shift",
    "exclusion_reason",
    "fixed_cell_conflicts",
    "solve",
]
