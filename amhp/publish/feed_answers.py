"""Feed answers from memory: a calendar client polling its link is answered without
the database while nothing can have changed.

Each token's answer (its feed's bytes, or "no such feed") is kept with the day it
was made for, this process's write generation (``amhp.store.db.write_generation``)
and when it was checked. It stands while no transaction of this process has written
anything since, for ``feed_recheck_seconds`` at most (what another process, such as
the CLI publishing, may have changed is seen by then), and until the day turns
(the feed's window moves). Then the database is asked again: the token, the
published versions and the service revision, a few small columns; the feed is
rendered again only if those changed (``served_feed``). Requests for a token that
arrive while its check is under way wait for that check rather than start their
own: when a hundred clients poll one feed, its answer lapsing costs one check, not
a hundred."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import anyio.to_thread

from amhp.publish import tokens as feed_tokens
from amhp.publish.feeds import ServedFeed, served_feed
from amhp.store.db import transaction, write_generation

MAX_TOKENS = 4096  # answers kept, least recently asked dropped first


@dataclass(frozen=True)
class Answer:
    served: ServedFeed | None  # None: the token opens no feed (unknown or revoked)
    day: date
    generation: int
    checked: float


class FeedAnswers:
    def __init__(self, recheck_seconds: float, max_tokens: int = MAX_TOKENS) -> None:
        self.recheck = recheck_seconds
        self.max_tokens = max_tokens
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()
        # (token, day) -> (the write generation it began at, the check under way)
        self._checks: dict[tuple[str, date], tuple[int, asyncio.Future[Answer]]] = {}

    async def answer(self, token: str, today: date) -> Answer:
        """From memory when it stands, else from the one check under way for this
        token (begun since this process last wrote), else from a new check."""
        hit = self.cached(token, today)
        if hit is not None:
            return hit
        key, generation = (token, today), write_generation()
        check = self._checks.get(key)
        if check is None or check[0] != generation:
            future = asyncio.ensure_future(anyio.to_thread.run_sync(self.look_up, token, today))
            self._checks[key] = check = (generation, future)
            future.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(check[1])

    def _forget(self, key: tuple[str, date], done: asyncio.Future) -> None:
        if self._checks.get(key, (None, None))[1] is done:
            del self._checks[key]

    def cached(self, token: str, today: date) -> Answer | None:
        """The answer kept for this token if it still stands; no database work."""
        with self._lock:
            answer = self._answers.get(token)
            if answer is None or not self._stands(answer, today):
                return None
            self._answers.move_to_end(token)
            return answer

    def look_up(self, token: str, today: date) -> Answer:
        """Ask the database (blocking: run it off the event loop) and keep the answer."""
        generation, checked = write_generation(), time.monotonic()  # before reading
        with transaction() as session:
            feed = feed_tokens.resolve(session, token)
            served = None if feed is None else served_feed(session, feed, today)
        answer = Answer(served, today, generation, checked)
        with self._lock:
            self._answers[token] = answer
            self._answers.move_to_end(token)
            while len(self._answers) > self.max_tokens:
                self._answers.popitem(last=False)
        return answer

    def _stands(self, answer: Answer, today: date) -> bool:
        return (
            answer.day == today
            and answer.generation == write_generation()
            and time.monotonic() - answer.checked < self.recheck
        )
