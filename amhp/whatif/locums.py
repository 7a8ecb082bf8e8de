"""What sessional locums would close in a month of a what-if: the same month solved
again with sessional locums who may work any shift type the service has.

The slot-day shortfall (missing people) over-counts what a locum buys: a shift one
person short where nobody else is on it can never be given to a locum alone
(``no_locum_only_shift``, ``established_on_every_shift``). So the figure is the
locum days a rota that really has the locums uses, and the gaps it still has.
As many locums are offered as the busiest day is short of people, so a day short
of two is not held to one; each costs ``sessional_locum`` plus its day rate, so
the solver books as few days as closing the gaps needs.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

import solver
from amhp.rota.month import solve_month
from amhp.rota.reader import read_export
from amhp.service.model import Contract, Practitioner, ServiceDefinition

LOCUM_PREFIX = "whatif-locum"


@dataclass(frozen=True)
class LocumFigure:
    days: int  # locum duty days the rota with the locums uses
    cost: float
    gaps_left: int  # people still missing with the locums offered
    proven: bool = True  # gaps and then locum days proven fewest in that rota


def offered_locums(
    definition: ServiceDefinition, count: int, day_rate: float
) -> list[Practitioner]:
    """``count`` sessional locums for every shift type, ids clear of the service's."""
    taken = {p.id for p in definition.practitioners}
    codes = [s.code for s in definition.shift_types]
    out, n = [], 0
    while len(out) < count:
        n += 1
        pid = f"{LOCUM_PREFIX}-{n}"
        if pid in taken:
            continue
        out.append(
            Practitioner(
                id=pid,
                name=f"Sessional locum {n}",
                role="locum",
                shift_types=codes,
                contract=Contract(kind="sessional", day_rate=day_rate),
            )
        )
    return out


def busiest_day_shortfall(export: dict) -> int:
    missing: Counter = Counter()
    for gap in read_export(export).gaps:
        missing[gap.date] += gap.missing
    return max(missing.values(), default=0)


def locum_figure(
    definition: ServiceDefinition,
    month: str,
    previous: dict | None,
    export: dict,
    params: solver.SolveParams,
    day_rate: float,
    stop: threading.Event | None = None,
) -> LocumFigure:
    """The month of ``export`` (solved without them) solved with offered locums."""
    count = busiest_day_shortfall(export)
    if not count:
        return LocumFigure(0, 0.0, 0)
    locums = offered_locums(definition, count, day_rate)
    with_locums = definition.model_copy(
        update={"practitioners": [*definition.practitioners, *locums]}
    )
    solved = solve_month(with_locums, month, previous, params, stop=stop)
    ids = {p.id for p in locums}
    rota = read_export(solved.export)
    days = sum(1 for s in rota.slots for pid in s.assigned if pid in ids)
    gaps = sum(g.missing for g in rota.gaps)
    return LocumFigure(days, days * day_rate, gaps, solved.solution.locum_days_proven)
