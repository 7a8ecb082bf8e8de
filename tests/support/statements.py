"""The SQL statements a block of code sends, seen at the engine: for tests that
assert what was (not) read or written, not just what came out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from amhp.store.db import get_engine


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every statement sent to the current database while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def tables_written(sent: list[str]) -> list[str]:
    """The table each INSERT, UPDATE or DELETE among ``sent`` writes to."""
    out = []
    for statement in sent:
        words = statement.split()
        verb = words[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            out.append(words[1 if verb == "UPDATE" else 2].strip('"'))
    return out
