"""A whole response sent straight from an ASGI middleware (refusals answered before
the application runs: too busy, too large, forged, malformed JSON)."""

from __future__ import annotations


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
