"""Requests are admitted a bounded number at a time (``concurrent_requests``): the
rest wait without holding a thread or a connection, and one that waits longer than
``request_wait_seconds`` is answered 503 with ``Retry-After`` instead of hanging.
Why: each request holds a database connection across several threadpool hops; with
more requests in flight than connections, every thread could end up waiting for a
connection held by a request that waits for a thread (measured: 0 answers in 20 s
at 100 clients, then 500s from the pool)."""

from __future__ import annotations

import asyncio

from amhp.core.settings import concurrent_requests, settings
from api.asgi import send_response

FREE = ("/health", "/static/", "/docs-assets/")  # no database work


class AdmissionMiddleware:
    def __init__(self, app) -> None:
        self.app = app
        config = settings()
        self.slots = asyncio.Semaphore(concurrent_requests(config))
        self.wait = config.request_wait_seconds

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(FREE):
            await self.app(scope, receive, send)
            return
        if self.slots.locked():  # else a turn is free: no timer needed to take it
            try:
                await asyncio.wait_for(self.slots.acquire(), self.wait)
            except TimeoutError:
                await _busy(send)
                return
        else:
            await self.slots.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()


async def _busy(send) -> None:
    body = b"The server is busy; try again in a moment."
    await send_response(send, 503, body, b"text/plain; charset=utf-8", [(b"retry-after", b"2")])
