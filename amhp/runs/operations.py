"""What users do, as functions the CLI and the HTTP API share: import a service,
generate a month's rota and store it as a draft."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import solver
from amhp.core.months import month_label
from amhp.rota.cover import (
    CoverOption,
    RotaAsItStands,
    cover_options,
    rota_as_it_stands,
    with_cover,
)
from amhp.rota.month import SolvedMonth, solve_month
from amhp.rota.reader import read_export
from amhp.rota.repair import repair_month
from amhp.service.file import load_service as read_service_file
from amhp.service.model import ServiceDefinition
from amhp.store import repository
from amhp.store.audit import SYSTEM, Actor, AuditAction
from amhp.store.db import transaction
from amhp.store.tables import RotaVersion, ServiceRow


@dataclass(frozen=True)
class ImportResult:
    service_id: str
    created: bool
    practitioners: int
    changed: bool = True  # False: the file said what the database already held


def import_service(definition: ServiceDefinition, actor: Actor = SYSTEM) -> ImportResult:
    with transaction() as session:
        before = session.get(ServiceRow, definition.service.id)
        revision = before.revision if before else None
        row, created = repository.save_service(session, definition, actor)
        changed = created or row.revision != revision
    return ImportResult(definition.service.id, created, len(definition.practitioners), changed)


def import_file(path: str | Path, actor: Actor = SYSTEM) -> ImportResult:
    return import_service(read_service_file(path), actor)


def load_service(service_id: str) -> ServiceDefinition:
    with transaction() as session:
        return repository.load_service(session, service_id)


@dataclass(frozen=True)
class GeneratedRota(SolvedMonth):
    version_id: int | None = None


def generate_rota(
    definition: ServiceDefinition,
    month: str,
    params: solver.SolveParams | None = None,
    on_progress: Callable[[solver.Progress], None] | None = None,
    store: bool = True,
    stop: threading.Event | None = None,
    actor: Actor = SYSTEM,
    on_phase: Callable[[str], None] | None = None,
) -> GeneratedRota:
    """Solve one month and (by default) store the result as a draft rota version.
    A stored service's previous month carries in (rest, runs, closure caps)."""
    before = None
    if store:
        with transaction() as session:
            row = repository.rota_before(session, definition.service.id, month)
            before = row.export if row else None
    solved = solve_month(definition, month, before, params, on_progress, stop, on_phase)
    version_id = None
    cancelled = stop is not None and stop.is_set()
    if store and not cancelled and solved.solution.status.found:
        with transaction() as session:
            version_id = repository.save_rota(
                session, definition.service.id, month, solved.export, actor
            ).id
    return GeneratedRota(solved.built, solved.solution, solved.export, version_id)


def repair_rota(
    definition: ServiceDefinition,
    month: str,
    today: date,
    freeze_before: date | None = None,
    params: solver.SolveParams | None = None,
    on_progress: Callable[[solver.Progress], None] | None = None,
    stop: threading.Event | None = None,
    actor: Actor = SYSTEM,
) -> GeneratedRota:
    """Repair the month's published version for the service as it is now, and store
    the result as a draft (``NotFound`` when the month has no published version)."""
    service_id = definition.service.id
    with transaction() as session:
        base = repository.published_version(session, service_id, month)
        if base is None:
            raise repository.NotFound(f"{service_id} has no published rota for {month} to repair")
        before = repository.rota_before(session, service_id, month)
        base_export, base_id = base.export, base.id
        previous = before.export if before else None
    solved = repair_month(
        definition, month, base_export, base_id, today, freeze_before, previous, params,
        on_progress, stop,
    )  # fmt: skip
    version_id = None
    if not (stop is not None and stop.is_set()) and solved.solution.status.found:
        with transaction() as session:
            version_id = repository.save_rota(
                session, service_id, month, solved.export, actor, AuditAction.ROTA_REPAIRED
            ).id
    return GeneratedRota(solved.built, solved.solution, solved.export, version_id)


def _as_it_stands(session, service_id: str, rota) -> RotaAsItStands:
    definition = repository.load_service(session, service_id)
    before = repository.rota_before(session, service_id, rota.month)
    return rota_as_it_stands(definition, rota.export, before.export if before else None)


def cover_for(
    service_id: str, day: date, shift: str, rota_id: int | None = None
) -> tuple[int, list[CoverOption]]:
    """Who could take ``shift`` on ``day`` in a version (by default the month's
    latest): its id and the options; ``NotFound`` when there is no such rota."""
    with transaction() as session:
        if rota_id is None:
            rota = repository.latest_version(session, service_id, month_label(day))
        else:
            rota = session.get(RotaVersion, rota_id)
        if rota is None:
            raise repository.NotFound(f"{service_id} has no rota for {month_label(day)} yet")
        return rota.id, cover_options(_as_it_stands(session, service_id, rota), day, shift)


def assign_cover(
    rota_id: int, person: str, day: date, shift: str, actor: Actor = SYSTEM
) -> RotaVersion:
    """A new draft: the version with ``person`` added on the shift."""
    with transaction() as session:
        rota = session.get(RotaVersion, rota_id)
        if rota is None:
            raise repository.NotFound(f"no rota {rota_id}")
        stands = _as_it_stands(session, rota.service_id, rota)
        export, _changes = with_cover(stands, read_export(rota.export), rota.id, person, day, shift)
        return repository.save_rota(
            session, rota.service_id, rota.month, export, actor, AuditAction.ROTA_COVERED
        )
