"""A model that can be told to stop being built: building a very large month (5,000
people: about fifty seconds in Python) is part of a solve's time limit, and a
single rule can take many seconds, so the deadline is checked as constraints and
variables are added, not only between rules."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

CHECK_EVERY = 2048  # additions between looks at the clock (a look costs ~50 ns)


class OutOfTime(Exception):
    """The deadline passed while the model was still being built."""


class DeadlineModel(cp_model.CpModel):
    def __init__(self, deadline: float | None = None) -> None:
        super().__init__()
        self.deadline = deadline
        self._count = 0

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise OutOfTime

    def _tick(self) -> None:
        self._count += 1
        if self._count % CHECK_EVERY == 0:
            self.check()

    def add(self, ct):
        self._tick()
        return super().add(ct)

    def new_bool_var(self, name: str):
        self._tick()
        return super().new_bool_var(name)

    def new_int_var(self, lb, ub, name: str):
        self._tick()
        return super().new_int_var(lb, ub, name)
