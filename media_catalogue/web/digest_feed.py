"""/feeds/digest.xml?lang=en|fr|nl: the digest's RSS for newsletter tools (issue 18), served like the other feeds
(web.feeds.serve_cached: built once per catalogue change, ETag, 304, gzip, HEAD). Its own module, included before
web.feeds' router, whose /feeds/{show}.xml would otherwise take it for a show called "digest"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..catalogue.queries.digest import check_language, recent_items
from ..digest.rss import build_digest_feed
from .feeds import serve_cached

router = APIRouter(tags=["feeds"])

DIGEST_FEED_LIMIT = 50  # what an RSS-to-email tool looks at: the newest few, never the whole catalogue


@router.api_route("/feeds/digest.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False)
async def digest_feed(request: Request, lang: Annotated[str, Query(max_length=10)] = "en") -> Response:
    check_language(lang)
    urls = request.app.state.urls
    feed_url = urls.absolute(f"/feeds/digest.xml?lang={lang}")

    def build(session: Session) -> bytes:
        return build_digest_feed(recent_items(session, lang, limit=DIGEST_FEED_LIMIT), urls, lang, feed_url)

    return await serve_cached(request, f"digest:{lang}", build)


__all__ = ["router"]
