"""What the ASGI middlewares share: a whole response sent straight from one
(refusals answered before the application runs: too busy, too large, forged,
malformed JSON, a NUL), and a request body read whole and handed on unchanged."""

from __future__ import annotations

import json


async def send_response(
    send, status: int, body: bytes, content_type: bytes, headers: list | tuple = ()
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_unprocessable(send, loc: list, message: str, kind: str) -> None:
    """A 422 in FastAPI's error shape, naming where the problem is."""
    detail = {"detail": [{"type": kind, "loc": loc, "msg": message, "input": None}]}
    await send_response(send, 422, json.dumps(detail).encode(), b"application/json")


def content_type(scope) -> bytes:
    """The request's Content-Type, lower-cased (empty when there is none)."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.lower()
    return b""


async def read_body(receive):
    """(body, receive for the app): the whole body, and a ``receive`` that gives it
    to the application again. ``body`` is None when the client went away first;
    the application then sees that message itself."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None, _replay([message])
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    return body, _replay([{"type": "http.request", "body": body}], receive)


def _replay(messages: list, then=None):
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
