"""JSON bodies are checked before any route reads them: Python's ``json`` accepts
``NaN``, ``Infinity`` and ``1e999999`` (which becomes infinity), builds ints of any
length, recurses on deep nesting and keeps lone surrogates (``"\\ud800"``) and NUL
characters (``"\\u0000"``, which PostgreSQL cannot hold), each of
which would later fail far from the request (a database write, a solve, a page)
as a 500. Here each is a 422 naming where in the body it is, in FastAPI's error
shape, and nothing behind this runs. The cost: a JSON body (at most 4 MiB, the
security middleware's limit) is parsed here and again by FastAPI."""

from __future__ import annotations

import json
import math

from api.asgi import content_type, read_body, send_unprocessable

MAX_DEPTH = 32
MAX_INT = 2**53  # beyond what any field means, and what a database column holds
_SURROGATES = range(0xD800, 0xE000)


class _Constant:
    def __init__(self, text: str) -> None:
        self.text = text


class _HugeInt(_Constant):
    pass


class BadJson(ValueError):
    def __init__(self, loc: list, message: str, kind: str = "json_invalid") -> None:
        self.loc = ["body", *loc]
        self.kind = kind
        super().__init__(message)


def _int(text: str) -> object:
    if len(text.lstrip("-")) > 16:
        return _HugeInt(text)
    value = int(text)
    return value if abs(value) <= MAX_INT else _HugeInt(text)


def check_json(body: bytes) -> None:
    """Raise :class:`BadJson` if the body is not plain, finite, shallow JSON text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJson(
            [], f"the body is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        value = json.loads(text, parse_constant=_Constant, parse_int=_int)
    except RecursionError:
        at = _too_deep_at(text)
        raise BadJson([], f"nested more than {MAX_DEPTH} levels deep (at character {at})") from None
    except ValueError:
        return  # not JSON at all: FastAPI reports that itself, with the position
    _walk(value, [], 0)


def _too_deep_at(text: str) -> int:
    """Where the nesting first passes the limit, strings skipped (without recursion)."""
    depth, in_string, escaped = 0, False, False
    for i, ch in enumerate(text):
        if in_string:
            escaped = not escaped and ch == "\\"
            in_string = escaped or ch != '"'
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i + 1  # counted from 1, as editors do
        elif ch in "]}":
            depth -= 1
    return len(text)


def _walk(value: object, loc: list, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BadJson(loc, f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, _HugeInt):
        raise BadJson(loc, f"a number larger than {MAX_INT} is not accepted", "number_too_large")
    if isinstance(value, _Constant):
        raise BadJson(loc, f"{value.text} is not a number JSON allows", "finite_number")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadJson(loc, "a number too large to represent", "finite_number")
    if isinstance(value, str):
        _text(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, [*loc, i], depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _text(key, [*loc, key])
            _walk(item, [*loc, key], depth + 1)


def _text(value: str, loc: list) -> None:
    if "\x00" in value:
        raise BadJson(
            loc, "contains a NUL character (U+0000), which no field accepts", "string_nul"
        )
    for ch in value:
        if ord(ch) in _SURROGATES:
            raise BadJson(
                loc,
                f"contains a lone surrogate (U+{ord(ch):04X}); send valid Unicode text",
                "string_unicode",
            )


class JsonGuardMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body, receive = await read_body(receive)
        if body is not None:
            try:
                check_json(body)
            except BadJson as exc:
                await send_unprocessable(send, exc.loc, str(exc), exc.kind)
                return
        await self.app(scope, receive, send)


def _is_json(scope) -> bool:
    return scope["method"] not in ("GET", "HEAD", "OPTIONS") and b"json" in content_type(scope)
