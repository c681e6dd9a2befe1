"""Media RSS feed routes: /feeds/videos.xml and /feeds/projects/{project}/videos.xml.

Served exactly like the podcast feeds (web.feeds.serve_cached): built once per catalogue change, then answered from
memory with a strong ETag, Last-Modified, 304, gzip and HEAD. This router must be included before web.feeds' router,
whose /feeds/{show}.xml would otherwise take /feeds/videos.xml for a show called "videos".
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..catalogue import queries
from ..feeds.media_rss import build_video_feed
from .feeds import serve_cached

router = APIRouter(tags=["feeds"])

VIDEO_FEED_LIMIT = 200  # the newest videos; the catalogue holds a few dozen


@router.api_route("/feeds/videos.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False)
async def videos_feed(request: Request) -> Response:
    settings = request.app.state.settings

    def build(session: Session) -> bytes:
        videos = queries.list_videos(session, per_page=VIDEO_FEED_LIMIT).items
        return build_video_feed(videos, settings)

    return await serve_cached(request, "videos", build)


@router.api_route(
    "/feeds/projects/{project}/videos.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False
)
async def project_videos_feed(request: Request, project: str) -> Response:
    settings = request.app.state.settings

    def build(session: Session) -> bytes:
        row = queries.get_project(session, project)
        videos = queries.list_videos(session, project=row.slug, per_page=VIDEO_FEED_LIMIT).items
        return build_video_feed(videos, settings, project=row)

    return await serve_cached(request, f"project-videos:{project}", build)


__all__ = ["router"]
