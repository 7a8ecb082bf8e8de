"""A rota export as a practitioner may see it: colleagues' reasons for being away
say "unavailable" (never the leave kind), and soft-rule costs are their own only
(others' carry their requests and workload)."""

from __future__ import annotations

import copy

from amhp.rota.causes import read_cause
from amhp.service.privacy import UNAVAILABLE, is_personal


def _masked(reason: str, person: str | None) -> str:
    cause = read_cause(reason)
    if cause and cause.person != person and is_personal(cause.why):
        return f"{cause.who}: {UNAVAILABLE}"
    return reason


def export_for(export: dict, person: str | None) -> dict:
    """A copy of ``export`` fit for practitioner ``person`` (the stored one is untouched)."""
    doc = copy.deepcopy(export)
    for gap in [*doc.get("gaps", []), *doc.get("composition_gaps", [])]:
        gap["reasons"] = [_masked(r, person) for r in gap.get("reasons", [])]
    for other in doc.get("people", []):
        if other.get("id") != person:
            for run in other.get("unavailable_why", []):
                if is_personal(run["why"]):
                    run["why"] = UNAVAILABLE
    doc["penalties"] = [p for p in doc.get("penalties", []) if p.get("person") == person]
    return doc
