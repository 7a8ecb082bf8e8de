"""An item-level edit writes that item and nothing else: adding leave does not
rewrite the requests, nor the leave already stored, so edits to different parts
of a service never touch each other's rows. A real SQLite file."""

from __future__ import annotations

from sqlmodel import col, select

from amhp.service.file import parse_service
from amhp.store import edits, repository
from amhp.store.db import transaction
from amhp.store.tables import CoverRuleRow, LeaveRow, RequestRow
from tests.support.samples import MINIMAL_SERVICE
from tests.support.statements import statements, tables_written

SERVICE = MINIMAL_SERVICE + (
    "requests:\n"
    "  - {person: a3, date: 2026-11-20, want: false}\n"
    "  - {person: a4, date: 2026-11-21, want: false}\n"
)
LEAVE = {"person": "a2", "kind": "annual", "start": "2027-01-04", "end": "2027-01-05"}


def stored(table) -> list[tuple]:
    with transaction() as session:
        rows = session.exec(select(table).where(col(table.service_id) == "mini")).all()
        return sorted((r.id, *r.model_dump(exclude={"id"}).values()) for r in rows)


def imported() -> None:
    with transaction() as session:
        repository.save_service(session, parse_service(SERVICE))


def test_adding_leave_inserts_one_row_and_leaves_every_other_row_alone(db_url):
    imported()
    leave, requests, cover = stored(LeaveRow), stored(RequestRow), stored(CoverRuleRow)
    with statements() as sent, transaction() as session:
        edits.add_item(session, "mini", "leave", LEAVE)
    written = tables_written(sent)
    assert set(written) <= {"service", "leave", "audit_entry"}, written
    assert written.count("leave") == 1  # one INSERT: no DELETE of the leave there
    after = stored(LeaveRow)
    assert after[: len(leave)] == leave  # the same rows, same ids: not deleted and re-inserted
    assert len(after) == len(leave) + 1 and after[-1][0] > leave[-1][0]
    assert stored(RequestRow) == requests
    assert stored(CoverRuleRow) == cover
    with transaction() as session:
        assert repository.load_service(session, "mini").leave[-1].start.isoformat() == "2027-01-04"


def test_removing_a_request_rewrites_only_the_requests(db_url):
    imported()
    leave, requests = stored(LeaveRow), stored(RequestRow)
    with transaction() as session:
        first = repository.load_service(session, "mini").requests[0]
    with statements() as sent, transaction() as session:
        edits.remove_item(session, "mini", "requests", edits.item_key("requests", first))
    written = tables_written(sent)
    assert set(written) <= {"service", "request", "audit_entry"}, written
    assert stored(LeaveRow) == leave
    with transaction() as session:
        rest = repository.load_service(session, "mini").requests
    assert [(r.person, r.date.isoformat()) for r in rest] == [("a4", "2026-11-21")]
    assert len(stored(RequestRow)) == len(requests) - 1


def test_saving_the_same_service_again_writes_no_list_rows(db_url):
    imported()
    with statements() as sent:
        imported()
    assert tables_written(sent) == []
