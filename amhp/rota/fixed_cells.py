"""A fixed cell must be possible: one that breaks a hard rule for its month (leave,
rest, the day off after an on-call, a closure cap, ...) is refused when it is
added, naming the cell and the rule, wherever it is added from."""

from __future__ import annotations

from collections.abc import Iterable

from amhp.core.months import month_label
from amhp.rota.build import BuildError, build_problem
from amhp.service.calendar import Period
from amhp.service.model import ServiceDefinition


def fixed_cell_conflicts(
    definition: ServiceDefinition, indexes: Iterable[int]
) -> list[tuple[int, str]]:
    """(index into ``definition.fixed``, message) for each of those cells that
    breaks a hard rule, checked month by month against the rest of the service."""
    wanted = set(indexes)
    months = sorted({month_label(definition.fixed[i].date) for i in wanted})
    out = []
    for month in months:
        try:
            build_problem(definition, Period.month(month))
        except BuildError as exc:
            out.extend((i, msg) for i, msg in exc.cells if i in wanted)
    return out
