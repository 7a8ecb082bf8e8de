"""Calendar feeds over HTTP: token links (calendar clients cannot log in),
conditional requests answered with 304, strong ETags over the exact bytes, HEAD,
and gzip for clients that ask. The handler runs on the event loop and answers from
memory while the answer stands (``amhp.publish.feed_answers``): a 200 is a lookup
and a write, a 304 a header comparison; only a check with the database goes to a
worker thread, one per feed at a time."""

from __future__ import annotations

from datetime import UTC, date
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, HTTPException, Request, Response

from amhp.publish.feed_answers import FeedAnswers
from amhp.publish.feeds import ServedFeed

router = APIRouter(tags=["feeds"])
CONTENT_TYPE = "text/calendar; charset=utf-8"


@router.api_route(
    "/feeds/{token}.ics",
    methods=["GET", "HEAD"],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 304: {}, 404: {}},
    summary="A calendar feed (person, service or shift type) behind its token",
)
async def calendar_feed(token: str, request: Request) -> Response:
    answers: FeedAnswers = request.app.state.feed_answers
    answer = await answers.answer(token, date.today())
    if answer.served is None:
        raise HTTPException(404, "no such feed (the link may have been revoked)")
    return _feed_response(request, answer.served)


def _feed_response(request: Request, served: ServedFeed) -> Response:
    gzipped = accepts_gzip(request.headers.get("accept-encoding", ""))
    etag = served.etag_gzip if gzipped else served.etag
    headers = {"ETag": etag, "Cache-Control": "private, max-age=900", "Vary": "Accept-Encoding"}
    if served.last_modified:
        headers["Last-Modified"] = format_datetime(served.last_modified, usegmt=True)
    if _not_modified(request, served):
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = served.gzipped if gzipped else served.body
    return Response(body, media_type=CONTENT_TYPE, headers=headers)


def accepts_gzip(header: str) -> bool:
    """``gzip`` listed without ``q=0`` (RFC 9110 12.5.3)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip"):
            q = params.strip().removeprefix("q=")
            return not params or _quality(q) > 0
    return False


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0


def _not_modified(request: Request, served: ServedFeed) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); either
    encoding's tag names the same content."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or bool(tags & {served.etag, served.etag_gzip})
    ims = request.headers.get("if-modified-since")
    last_modified = served.last_modified
    if ims and last_modified:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= since
    return False
