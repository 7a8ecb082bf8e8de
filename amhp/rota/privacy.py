"""A rota export as a practitioner may see it: colleagues' reasons for being away
say "unavailable" (never the leave kind), and soft-rule costs are their own only
(others' carry their requests and workload)."""

from __future__ import annotations

import copy

from amhp.service.privacy import UNAVAILABLE, is_personal


def _masked(reason: str, person: str | None) -> str:
    who, sep, why = reason.partition(": ")
    if sep and who != person and is_personal(why):
        return f"{who}: {UNAVAILABLE}"
    return reason


def export_for(export: dict, person: str | None) -> dict:
    """A copy of ``export`` fit for practitioner ``person`` (the stored one is untouched)."""
    doc = copy.deepcopy(export)
    for gap in doc.get("gaps", []):
        gap["reasons"] = [_masked(r, person) for r in gap.get("reasons", [])]
    doc["penalties"] = [p for p in doc.get("penalties", []) if p.get("person") == person]
    return doc
