"""Feed answers from memory (``amhp.publish.feed_answers``): kept while nothing can
have changed, dropped at once when this process writes, checked again after the
recheck interval or when the day turns, and one check at a time per token however
many clients ask. A real SQLite file; statements counted at the engine."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from amhp.publish import tokens
from amhp.publish.feed_answers import FeedAnswers
from amhp.service.file import parse_service
from amhp.store import edits, repository
from amhp.store.db import transaction
from tests.support.samples import MINIMAL_SERVICE
from tests.support.statements import statements

TODAY = date(2026, 11, 15)
LONG = 3600  # seconds: only a write or a new day ends an answer within a test


def service_with_feed() -> str:
    with transaction() as session:
        repository.save_service(session, parse_service(MINIMAL_SERVICE))
        return tokens.ensure_token(session, "mini", "person", "a1")


def token_lookups(sent: list[str]) -> list[str]:
    return [q for q in sent if q.lstrip().upper().startswith("SELECT") and "feed_token" in q]


def test_an_answer_stands_until_this_process_writes(db_url):
    token = service_with_feed()
    answers = FeedAnswers(LONG)
    first = answers.look_up(token, TODAY)
    assert first.served is not None and b"BEGIN:VCALENDAR" in first.served.body
    assert answers.cached(token, TODAY) == first
    with transaction() as session:  # an unrelated read writes nothing: still kept
        repository.load_service(session, "mini")
    assert answers.cached(token, TODAY) == first
    with transaction() as session:
        edits.add_item(session, "mini", "requests", {"person": "a2", "date": "2026-11-20"})
    assert answers.cached(token, TODAY) is None


def test_a_revoked_link_is_refused_at_once(db_url):
    token = service_with_feed()
    answers = FeedAnswers(LONG)
    assert asyncio.run(answers.answer(token, TODAY)).served is not None
    with transaction() as session:
        tokens.revoke(session, "mini", "person", "a1")
    assert asyncio.run(answers.answer(token, TODAY)).served is None


def test_a_new_day_or_the_recheck_interval_asks_again(db_url):
    token = service_with_feed()
    kept, never = FeedAnswers(LONG), FeedAnswers(0)
    kept.look_up(token, TODAY)
    never.look_up(token, TODAY)
    assert kept.cached(token, TODAY) is not None
    assert kept.cached(token, TODAY + timedelta(days=1)) is None
    assert never.cached(token, TODAY) is None


def test_unknown_tokens_are_answered_from_memory_too(db_url):
    service_with_feed()
    answers = FeedAnswers(LONG)
    assert answers.look_up("not-a-token", TODAY).served is None
    with statements() as sent:
        assert asyncio.run(answers.answer("not-a-token", TODAY)).served is None
    assert token_lookups(sent) == []


def test_many_clients_at_once_cost_one_check(db_url):
    token = service_with_feed()
    answers = FeedAnswers(LONG)

    async def clients() -> list:
        return await asyncio.gather(*(answers.answer(token, TODAY) for _ in range(50)))

    with statements() as sent:
        got = asyncio.run(clients())
    assert len(token_lookups(sent)) == 1
    assert {a.served.etag for a in got} == {got[0].served.etag}


def test_the_oldest_answers_go_first_when_full(db_url):
    token = service_with_feed()
    answers = FeedAnswers(LONG, max_tokens=2)
    answers.look_up(token, TODAY)
    answers.look_up("unknown-1", TODAY)
    answers.cached(token, TODAY)  # asked again: now the newest
    answers.look_up("unknown-2", TODAY)
    assert answers.cached(token, TODAY) is not None
    assert answers.cached("unknown-1", TODAY) is None
