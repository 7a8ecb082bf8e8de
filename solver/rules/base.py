"""What every rule is. A hard rule posts its constraints, may exclude a (person,
slot) pair outright, says why one more duty would break it (gap reasons), and names
the time off it keeps free after a person's duties (recovery, for the calendar). A
soft rule posts named, weighted penalty terms, and may name recovery time too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from solver.context import ModelContext
from solver.problem import Person, Problem, Slot
from solver.solution import Recovery


class Rule:
    """A named rule: whether it applies to a problem, what it posts to the model,
    and the time off it keeps free after a person's duties (recovery)."""

    name: str = ""
    description: str = ""

    def applies(self, problem: Problem) -> bool:
        return True

    def post(self, ctx: ModelContext) -> None:
        raise NotImplementedError

    def recovery(self, problem: Problem, pi: int, held: list[int]) -> list[Recovery]:
        """The time off this rule keeps free after person ``pi``'s duties ``held``
        (slot indexes, counted and shadow), in a finished rota."""
        return []


class HardRule(Rule):
    def excludes(self, problem: Problem, person: Person, slot: Slot) -> str | None:
        """Reason the pair can never be assigned, whatever else the rota holds."""
        return None

    def blocks(
        self, problem: Problem, held: set[int], pi: int, si: int, occupants: list[str]
    ) -> str | None:
        """Reason why person ``pi``, holding slots ``held``, could not also take ``si``
        (already held by ``occupants``)."""
        return None


# Slot index -> the people (indexes) counted on it: a rota as it stands.
Placed = Mapping[int, Sequence[int]]


class SoftRule(Rule):
    # Whether its terms depend on who else could take each slot (each person's
    # share of the slots' targets): a model holding only a rota's own duties
    # (solver.held) would price it differently from the whole model.
    shares_targets: bool = False

    def weight(self, problem: Problem) -> int:
        return getattr(problem.rules.weights, self.name)

    def floor(self, ctx: ModelContext) -> int | None:
        """The least this rule's terms can cost in any rota, known without a
        search (None: not known)."""
        return None

    def cost_of(self, problem: Problem, placed: Placed) -> int | None:
        """What this rule's terms cost for the rota ``placed`` (None: not worked
        out here; the model's read-back does it)."""
        return None
