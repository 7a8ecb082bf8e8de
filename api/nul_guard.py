"""No NUL character (U+0000) reaches the application from a path, a query or a
form: no text field means one, and PostgreSQL refuses to store or even compare
text holding one, so it would otherwise surface as a 500 from the first query
that meets it. Here it is a 422 naming where it was. JSON bodies are checked by
``api.json_guard`` (a ``\\u0000`` escape there)."""

from __future__ import annotations

from api.asgi import content_type, read_body, send_unprocessable

FORM = b"application/x-www-form-urlencoded"


def _has_nul(raw: bytes) -> bool:
    """A NUL as itself or percent-encoded (the only encoding of it): two byte
    searches, no decoding, since every request (a feed's too) passes here."""
    return b"%00" in raw or b"\x00" in raw


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
        if content_type(scope).startswith(FORM):
            body, receive = await read_body(receive)
            if body is not None and _has_nul(body):
                await _refuse(send, ["body"], "the form")
                return
        await self.app(scope, receive, send)


async def _refuse(send, loc: list, where: str) -> None:
    message = f"{where} contains a NUL character (U+0000), which no field accepts"
    await send_unprocessable(send, loc, message, "string_nul")
