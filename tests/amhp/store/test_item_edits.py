"""An item-level edit writes that item and nothing else: adding leave does not
rewrite the requests, nor the leave already stored, so edits to different parts
of a service never touch each other's rows. A real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import col, select

from amhp.service.file import parse_service
from amhp.store import edits, repository
from amhp.store.db import get_engine, transaction
from amhp.store.tables import CoverRuleRow, LeaveRow, RequestRow
from tests.support.samples import MINIMAL_SERVICE

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


@contextmanager
def writes() -> Iterator[list[str]]:
    """The tables written to (INSERT, UPDATE, DELETE) while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        words = statement.split()
        verb = words[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            seen.append(words[2 if verb != "UPDATE" else 1].strip('"'))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def imported() -> None:
    with transaction() as session:
        repository.save_service(session, parse_service(SERVICE))


def test_adding_leave_inserts_one_row_and_leaves_every_other_row_alone(db_url):
    imported()
    leave, requests, cover = stored(LeaveRow), stored(RequestRow), stored(CoverRuleRow)
    with writes() as written, transaction() as session:
        edits.add_item(session, "mini", "leave", LEAVE)
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
    with writes() as written, transaction() as session:
        edits.remove_item(session, "mini", "requests", edits.item_key("requests", first))
    assert set(written) <= {"service", "request", "audit_entry"}, written
    assert stored(LeaveRow) == leave
    with transaction() as session:
        rest = repository.load_service(session, "mini").requests
    assert [(r.person, r.date.isoformat()) for r in rest] == [("a4", "2026-11-21")]
    assert len(stored(RequestRow)) == len(requests) - 1


def test_saving_the_same_service_again_writes_no_list_rows(db_url):
    imported()
    with writes() as written:
        imported()
    assert written == []
