"""docs/export-format.md names every key the exporter writes, at every level, so
the project's own description of ``amhp-rota/1`` cannot fall behind it."""

from __future__ import annotations

import re

import solver
from amhp.rota.month import solve_month
from amhp.service.file import parse_service
from tests.support.paths import ROOT
from tests.support.samples import MINIMAL_SERVICE

DOC = ROOT / "docs" / "export-format.md"
REPAIR_KEYS = {"base_version", "freeze_before", "changes", "person", "date", "shift", "change"}


def keys(value, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            keys(v, out)
    elif isinstance(value, list):
        for v in value:
            keys(v, out)
    return out


def test_every_exported_key_is_documented():
    text = MINIMAL_SERVICE.replace(
        "leave:\n", "leave:\n  - {person: a1, kind: sickness, start: 2026-11-02, end: 2026-11-30}\n"
    )
    doc = solve_month(
        parse_service(text), "2026-11", params=solver.SolveParams(time_limit=5, workers=2)
    ).export
    assert doc["gaps"] and doc["recovery"] and doc["penalties"]  # every list has entries
    written = (keys(doc, set()) | REPAIR_KEYS) - set(doc["costs"]["by_kind"])  # kinds are values
    documented = set(re.findall(r"`([a-z_]+)(?:\[\])?`", DOC.read_text(encoding="utf-8")))
    assert sorted(written - documented) == []
