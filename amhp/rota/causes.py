"""Reading the causes a gap carries. The solver writes each as "Name (id): why"
(solver.explain.reason_line); explanations filter them by person, and the
practitioner's view masks colleagues' leave kinds in them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The first "(id): " ends the person: a name may hold brackets, an id never does.
_CAUSE = re.compile(r"^(?P<who>.*?\((?P<id>[^()\s]+)\)): (?P<why>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Cause:
    who: str  # "Name (id)", as printed
    person: str  # the id
    why: str


def read_cause(reason: str) -> Cause | None:
    """The person and the reason, or None for a cause about nobody in particular
    ("nobody on the rota does HUB")."""
    found = _CAUSE.match(reason)
    return Cause(found["who"], found["id"], found["why"]) if found else None


def names_person(reason: str, person: str) -> bool:
    cause = read_cause(reason)
    return cause is not None and cause.person == person
