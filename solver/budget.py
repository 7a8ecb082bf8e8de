"""A solve's limits while it runs: the time limit as a deadline for everything
(model building included), and its work (CP-SAT's deterministic time) as an
amount shared out between the phases and spent as they go."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from solver.params import SolveParams


class Budget:
    def __init__(self, params: SolveParams, started: float, work: float | None) -> None:
        self.params = params
        self.deadline = started + params.time_limit
        self.work = work  # the whole budget of work; None: the clock alone limits
        self.work_left = work
        self.work_spent = 0.0  # CP-SAT's deterministic time, over every phase

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def share(self, share: float) -> float | None:
        """``share`` of the whole work budget, at most what is left (None: no budget)."""
        if self.work is None:
            return None
        return min(self.work * share, self.work_left)

    def limit(self, solver: cp_model.CpSolver, share: float = 1.0) -> bool:
        """Give ``solver`` ``share`` of the time limit (at most what is left) and of
        the work; False when nothing is left to give."""
        seconds = min(self.params.time_limit * share, self.left())
        solver.parameters.max_time_in_seconds = seconds
        if self.work_left is not None:
            solver.parameters.max_deterministic_time = self.share(share)
        return seconds > 0 and (self.work_left is None or self.work_left > 0)

    def give(self, solver: cp_model.CpSolver, work: float) -> bool:
        """Give ``solver`` ``work`` (at most what is left) and the time left;
        False when there is nothing to give."""
        seconds = self.left()
        solver.parameters.max_time_in_seconds = seconds
        if self.work_left is not None:
            work = min(work, self.work_left)
        solver.parameters.max_deterministic_time = work
        return seconds > 0 and work > 0

    def spent(self, solver: cp_model.CpSolver) -> float:
        """Count the work of ``solver``'s last solve; returns it."""
        return self.count(solver.response_proto.deterministic_time)

    def count(self, work: float) -> float:
        """Count ``work`` done (by any solver of this solve); returns it."""
        self.work_spent += work
        if self.work_left is not None:
            self.work_left = max(0.0, self.work_left - work)
        return work
