"""CP-SAT rota model: a plain :class:`Problem` in, a plain :class:`Solution` out.

This package imports nothing else of the project, so it can be tested, benchmarked
and reused alone.
"""

from solver.hard_rules import HARD_RULES
from solver.problem import (
    Day,
    FixedCell,
    Person,
    Problem,
    ProblemError,
    Request,
    Requirement,
    Rules,
    ShiftType,
    Slot,
    Weights,
)
from solver.soft_rules import SOFT_RULES
from solver.solution import Gap, Penalty, Progress, Solution
from solver.solve import SolveParams, build_model, solve

__all__ = [
    "HARD_RULES",
    "SOFT_RULES",
    "Day",
    "FixedCell",
    "Gap",
    "Penalty",
    "Person",
    "Problem",
    "ProblemError",
    "Progress",
    "Request",
    "Requirement",
    "Rules",
    "ShiftType",
    "Slot",
    "SolveParams",
    "Solution",
    "Weights",
    "build_model",
    "solve",
]
