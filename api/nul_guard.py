"""No NUL character (U+0000) reaches the application from a path, a query or a
form: no text field means one, and PostgreSQL refuses to store or even compare
text holding one, so it would otherwise surface as a 500 from the first query
that meets it. Here it is a 422 naming where it was. JSON bodies are checked by
``api.json_guard`` (a ``\\u0000`` escape there)."""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from api.asgi import send_response
from api.json_guard import replay

FORM = b"application/x-www-form-urlencoded"


def _has_nul(raw: bytes) -> bool:
    return b"\x00" in unquote_to_bytes(raw.replace(b"+", b" "))


class NulGuardMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope.get("raw_path") or scope["path"].encode()):
            await _refuse(send, ["path"], "the address")
            return
        if _has_nul(scope.get("query_string", b"")):
            await _refuse(send, ["query"], "the query")
            return
        if not _is_form(scope):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if _has_nul(body):
            await _refuse(send, ["body"], "the form")
            return
        await self.app(scope, replay([{"type": "http.request", "body": body}], receive), send)


def _is_form(scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.lower().startswith(FORM)
    return False


async def _refuse(send, loc: list, where: str) -> None:
    message = f"{where} contains a NUL character (U+0000), which no field accepts"
    detail = {"detail": [{"type": "string_nul", "loc": loc, "msg": message, "input": None}]}
    await send_response(send, 422, json.dumps(detail).encode(), b"application/json")
