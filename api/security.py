"""Every response gets the headers a browser needs to stay safe, and a form post
carried by the login cookie must come from this site (its Origin, or failing that
its Referer): a page elsewhere cannot post with a user's cookie. Plain ASGI, so
responses stream through untouched."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

from amhp.core.settings import settings
from api.asgi import send_response
from api.pages.common import COOKIE

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The largest request body accepted: a big service file or scenario upload is a few
# hundred KiB; anything far beyond is refused before it is read.
MAX_BODY = 4 * 1024 * 1024
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
            await _refuse(send, 403, "This form was sent from another site; open the page "
                          "here and send it again.")  # fmt: skip
            return
        if int(headers.get("content-length") or 0) > MAX_BODY:
            await _refuse(send, 413, f"The request body is larger than {MAX_BODY} bytes.")
            return
        receive = _bounded(receive, send)
        bearer = headers.get("authorization", "").lower().startswith("bearer ")

        started = False

        async def with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _v in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in have]
                if bearer and b"cache-control" not in have:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except _TooLarge:
            if started:
                raise
            await _refuse(send, 413, f"The request body is larger than {MAX_BODY} bytes.")

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


class _TooLarge(HTTPException):
    """An HTTPException, so that a framework reading the body passes it on as 413
    rather than calling it a malformed body."""

    def __init__(self) -> None:
        super().__init__(413, f"The request body is larger than {MAX_BODY} bytes.")


def _bounded(receive, send):
    """A body sent without a length (chunked) is cut off at MAX_BODY too."""
    seen = 0

    async def bounded():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLarge()
        return message

    return bounded


async def _refuse(send, status: int, text: str) -> None:
    await send_response(send, status, text.encode(), b"text/plain; charset=utf-8", HEADERS)
