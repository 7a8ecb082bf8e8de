"""Every response gets the headers a browser needs to stay safe, and a form post
carried by the login cookie must come from this site (its Origin, or failing that
its Referer): a page elsewhere cannot post with a user's cookie. Plain ASGI, so
responses stream through untouched."""

from __future__ import annotations

from urllib.parse import urlsplit

from amhp.core.settings import settings
from api.pages.common import COOKIE

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


class SecurityMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self._forged(scope, headers):
            await _refuse(send)
            return
        bearer = headers.get("authorization", "").lower().startswith("bearer ")

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _v in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in have]
                if bearer and b"cache-control" not in have:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)

    @staticmethod
    def _forged(scope, headers: dict[str, str]) -> bool:
        """A cookie-carried unsafe request whose Origin (or Referer) is not this site."""
        if scope["method"] not in UNSAFE or f"{COOKIE}=" not in headers.get("cookie", ""):
            return False
        if headers.get("authorization"):
            return False  # the JSON API: a header no other site can make a browser send
        claimed = headers.get("origin") or _origin(headers.get("referer", ""))
        host = headers.get("host", "")
        allowed = {f"{scope.get('scheme', 'http')}://{host}".lower()}
        public = settings().public_url
        if public:
            allowed.add(_origin(public))
        return claimed.lower() not in allowed


async def _refuse(send) -> None:
    body = b"This form was sent from another site; open the page here and send it again."
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
