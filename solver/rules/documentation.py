"""``documentation_time``: 2.5 hours (by default) on the next working morning after
the last day of a hub block, kept free of duty.

A block ends on a day with a documentation shift (the hub) where the next day has
none: an evening on-call the next day does not carry the block on, and does not
touch the morning either. The time goes on the first morning after the block end,
within ``documentation_within_days``, that

- has a documentation window (``Day.documentation``: the service's working
  mornings, never a bank holiday),
- is not a day the person is away from work (leave, contract, a day they do not
  work; a lapsed approval stops duty, not work), and
- holds no duty of theirs overlapping the window, and
- holds no earlier block's documentation time (two blocks whose first free
  morning is the same: the later one moves on to the next).

So it is never double-booked and never on a non-working day. A duty over the
first such morning moves it on (a penalty, so the solver keeps that morning free
where it can); a block end with no free morning in the window is reported as not
placed. Block ends whose window runs past the horizon are left to the next rota.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from solver.context import ModelContext, PenaltyTerm
from solver.problem import Person, Problem
from solver.rules.base import SoftRule
from solver.solution import Recovery


@dataclass(frozen=True)
class Placement:
    """Where one block end's documentation time went: ``day`` None when no free
    morning was found within the window (not placed)."""

    person: str
    after: int  # slot index of the block's last hub duty
    day: int | None


def _documents(problem: Problem, si: int) -> bool:
    return problem.shift_type(problem.slots[si].shift).documentation


def _overlaps(problem: Problem, si: int, day: int) -> bool:
    window = problem.days[day].documentation
    slot = problem.slots[si]
    return slot.day == day and slot.start < window[1] and window[0] < slot.end


def candidate_mornings(problem: Problem, person: Person, end: int) -> tuple[list[int], bool]:
    """The mornings after a block ending on ``end`` that its time may go on, in
    order, and whether the window lies wholly in the horizon (if not, what is
    past it is the next rota's to place)."""
    last = end + problem.rules.documentation_within_days
    inside = last < len(problem.days)
    days = range(end + 1, min(last, len(problem.days) - 1) + 1)
    return [e for e in days if _usable(problem, person, e)], inside


def _usable(problem: Problem, person: Person, day: int) -> bool:
    return problem.days[day].documentation is not None and not person.is_away(day)


def placements(problem: Problem, pi: int, held: Iterable[int]) -> list[Placement]:
    """Every block end in ``held`` (a person's slots in a finished rota) and the
    morning its documentation time goes on."""
    held = list(held)
    person = problem.people[pi]
    documenting = {problem.slots[s].day for s in held if _documents(problem, s)}
    out: list[Placement] = []
    taken: set[int] = set()  # mornings already holding an earlier block's time
    for si in sorted(held, key=lambda s: problem.slots[s].start):
        end = problem.slots[si].day
        if not _documents(problem, si) or end + 1 in documenting:
            continue
        mornings, inside = candidate_mornings(problem, person, end)
        free = (e for e in mornings if e not in taken)
        day = next((e for e in free if not any(_overlaps(problem, o, e) for o in held)), None)
        if day is not None:
            taken.add(day)
        if day is not None or inside:
            out.append(Placement(person.id, si, day))
    return out


class DocumentationTime(SoftRule):
    name = "documentation_time"
    description = (
        "Documentation time on the next free working morning after a hub block; "
        "a duty over that morning moves it on, never double-books it."
    )

    def applies(self, problem):
        return any(s.documentation for s in problem.shift_types)

    def post(self, ctx: ModelContext) -> None:
        """Per person and possible block end, a penalty when a duty of theirs takes
        the first morning its time could go on."""
        problem = ctx.problem
        for pi, slots in ctx.by_person.items():
            person = problem.people[pi]
            for end in sorted({problem.slots[s].day for s in slots if _documents(problem, s)}):
                mornings, _ = candidate_mornings(problem, person, end)
                if not mornings:
                    continue
                first = mornings[0]
                that_day = ctx.by_person_day.get((pi, first), ())
                taking = [s for s in that_day if _overlaps(problem, s, first)]
                if taking:
                    self._penalise_taken(ctx, pi, end, first, taking)

    def _penalise_taken(self, ctx: ModelContext, pi: int, end: int, first: int, taking) -> None:
        problem = ctx.problem

        def hub_on(day: int):
            return sum(
                ctx.present[pi, s]
                for s in ctx.by_person_day.get((pi, day), ())
                if _documents(problem, s)
            )

        moved = ctx.model.new_bool_var(f"documentation_moved_{pi}_{end}")
        for t in taking:
            if _documents(problem, t) and problem.slots[t].day == end + 1:
                continue  # a hub duty that morning carries the block on
            ctx.model.add(moved >= hub_on(end) - hub_on(end + 1) + ctx.present[pi, t] - 1)
        ctx.penalise(
            PenaltyTerm(
                self.name,
                moved,
                self.weight(problem),
                person=problem.people[pi].id,
                detail=(
                    f"documentation time after {problem.days[end].date.isoformat()} moved: "
                    f"a duty takes the morning of {problem.days[first].date.isoformat()}"
                ),
            )
        )

    def recovery(self, problem, pi, held):
        return [
            Recovery(
                p.person,
                "documentation",
                self.name,
                p.day,
                p.after,
                problem.days[p.day].documentation,
            )
            for p in placements(problem, pi, held)
            if p.day is not None
        ]


def unplaced(problem: Problem, pi: int, held: Iterable[int]) -> list[Placement]:
    """The block ends of ``held`` whose documentation time found no free morning."""
    return [p for p in placements(problem, pi, held) if p.day is None]
