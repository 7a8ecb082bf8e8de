"""A model that can be told to stop being built: building a very large month (5,000
people: about fifty seconds in Python) is part of a solve's time limit, and a
single rule can take many seconds, so the deadline is checked as constraints and
variables are added, not only between rules."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

CHECK_EVERY = 2048  # additions between looks at the clock (a power of two)


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

    # Inlined rather than a shared helper: these run hundreds of thousands of
    # times while a large month is built (measured in the closing note's figures).
    def add(self, ct):
        self._count += 1
        if not self._count & (CHECK_EVERY - 1):
            self.check()
        return super().add(ct)

    def new_bool_var(self, name: str):
        self._count += 1
        if not self._count & (CHECK_EVERY - 1):
            self.check()
        return super().new_bool_var(name)
