"""Repairing a published month on the Warwickshire fixture (a real SQLite file, the
real solver): one AMHP off sick on two dates on which they hold duties."""

from __future__ import annotations

from datetime import date

import pytest

import solver
from amhp.publish.feeds import person_events
from amhp.rota.reader import read_export
from amhp.runs import operations
from amhp.service.file import load_service
from amhp.service.model import Leave
from amhp.store import repository
from amhp.store.db import transaction
from tests.support.paths import FIXTURES
from tests.support.spec_checker import check_rota

PARAMS = solver.SolveParams(time_limit=20, workers=4)
TODAY = date(2026, 12, 1)
KINDS = ("DUTY", "SHADOW")  # events of duties (not recovery)


def duties(doc) -> set[tuple[str, date, str]]:
    return {(p, s.date, s.shift) for s in doc.slots for p in s.assigned}


@pytest.fixture(scope="module")
def december(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('repair') / 'amhp.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AMHP_DATABASE_URL", url)
        definition = load_service(FIXTURES / "warwickshire.yaml")
        operations.import_service(definition)
        published = operations.generate_rota(definition, "2026-12", PARAMS).export
        with transaction() as session:
            repository.publish(session, "warwickshire", "2026-12")
        base = read_export(published)
        # The AMHP with the most duties after the first week falls sick on two of them.
        mine: dict[str, list[date]] = {}
        for person, day, _shift in duties(base):
            if person.startswith("ap") and day >= date(2026, 12, 7):
                mine.setdefault(person, []).append(day)
        sick = max(sorted(mine), key=lambda p: len(set(mine[p])))
        dates = sorted(set(mine[sick]))[:2]
        leave = [Leave(person=sick, kind="sickness", start=d, end=d) for d in dates]
        changed = definition.model_copy(update={"leave": [*definition.leave, *leave]})
        operations.import_service(changed)
        repaired = operations.repair_rota(changed, "2026-12", TODAY, params=PARAMS)
        fresh = operations.generate_rota(changed, "2026-12", PARAMS, store=False)
        yield base, sick, dates, repaired, read_export(fresh.export)


def test_the_repair_passes_the_export_checks_and_leaves_no_more_gaps(december):
    _base, _sick, _dates, repaired, fresh = december
    assert check_rota(repaired.export) == []
    doc = read_export(repaired.export)
    assert doc.base_version is not None and doc.freeze_before is not None
    assert sum(g.missing for g in doc.gaps) <= sum(g.missing for g in fresh.gaps)
    assert repaired.version_id is not None


def test_the_sick_days_are_removed_and_little_else_moves(december):
    base, sick, dates, repaired, _fresh = december
    doc = read_export(repaired.export)
    removed = {(c.person, c.date, c.shift) for c in doc.changes if c.change == "removed"}
    added = {(c.person, c.date, c.shift) for c in doc.changes if c.change == "added"}
    lost = {(p, d, s) for p, d, s in duties(base) if p == sick and d in dates}
    assert lost and lost <= removed
    assert not {(p, d) for p, d, _s in duties(doc) if p == sick and d in dates}
    assert len(removed) + len(added) <= len(lost) + 3 * len(lost)
    # The changes listed are exactly the difference between the two rotas.
    assert duties(base) - removed | added == duties(doc)


def test_unchanged_duties_keep_their_calendar_events(december):
    """A subscribed calendar sees only the changes: an untouched duty keeps its UID
    and times, so only the events of the changed duties come or go."""
    base, _sick, _dates, repaired, _fresh = december
    doc = read_export(repaired.export)
    for person in (p.id for p in base.people):
        mine = [c for c in doc.changes if c.person == person]
        before = {
            (e.uid, e.timing) for e in person_events(base, person) if e.categories[0] in KINDS
        }
        after = {(e.uid, e.timing) for e in person_events(doc, person) if e.categories[0] in KINDS}
        assert len(before - after) == sum(c.change == "removed" for c in mine), person
        assert len(after - before) == sum(c.change == "added" for c in mine), person
