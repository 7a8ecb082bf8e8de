"""What every hard rule is: it posts its constraints, may exclude a (person, slot)
pair outright, and says why one more duty would break it (gap reasons)."""

from __future__ import annotations

from solver.context import ModelContext
from solver.problem import Person, Problem, Slot


class HardRule:
    name: str = ""
    description: str = ""

    def applies(self, problem: Problem) -> bool:
        return True

    def post(self, ctx: ModelContext) -> None:
        raise NotImplementedError

    def excludes(self, problem: Problem, person: Person, slot: Slot) -> str | None:
        """Reason the pair can never be assigned, whatever else the rota holds."""
        return None

    def blocks(
        self, problem: Problem, held: set[int], pi: int, si: int, occupants: list[str]
    ) -> str | None:
        """Reason why person ``pi``, holding slots ``held``, could not also take ``si``
        (already held by ``occupants``)."""
        return None
