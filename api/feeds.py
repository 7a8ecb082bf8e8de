"""Calendar feeds over HTTP: token links (calendar clients cannot log in),
conditional requests answered with 304, a strong ETag over the exact bytes."""

from __future__ import annotations

import hashlib
from datetime import UTC, date
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, HTTPException, Request, Response

from amhp.publish import tokens as feed_tokens
from amhp.publish.feeds import render_feed
from amhp.store.db import transaction

router = APIRouter(tags=["feeds"])
CONTENT_TYPE = "text/calendar; charset=utf-8"


@router.get(
    "/feeds/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 304: {}, 404: {}},
    summary="A calendar feed (person, service or shift type) behind its token",
)
def calendar_feed(token: str, request: Request) -> Response:
    with transaction() as session:
        feed = feed_tokens.resolve(session, token)
        if feed is None:
            raise HTTPException(404, "no such feed (the link may have been revoked)")
        rendered = render_feed(session, feed, date.today())
    etag = '"' + hashlib.sha256(rendered.body).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=900"}
    if rendered.last_modified:
        headers["Last-Modified"] = format_datetime(rendered.last_modified, usegmt=True)
    if _not_modified(request, etag, rendered.last_modified):
        return Response(status_code=304, headers=headers)
    return Response(rendered.body, media_type=CONTENT_TYPE, headers=headers)


def _not_modified(request: Request, etag: str, last_modified) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    ims = request.headers.get("if-modified-since")
    if ims and last_modified:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= since
    return False
