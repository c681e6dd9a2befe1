"""RSS feed routes: /feeds/{show}.xml, /feeds/all.xml, /feeds/projects/{project}.xml.

A feed is built once per change and served from memory. Per request the only database work is one indexed read of
the catalogue-wide version counter (catalogue.versions), which every change bumps in the same transaction: a worker
whose copy was built at an older version rebuilds it, so several worker processes sharing one database stay
coherent without talking to each other. A copy also expires at the next scheduled publication time (an episode that
goes live by the clock changes the feed without any write). Builds are deterministic, so every worker computes the
same bytes and the same strong ETag for the same catalogue state.

To add another cached feed (e.g. /feeds/videos.xml), declare its route before `/feeds/{show}.xml` here and answer
with `serve_cached(request, key, build)`.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..catalogue import queries
from ..catalogue.models import utcnow
from ..catalogue.versions import VersionReader
from ..db import Database
from ..feeds.aggregate import build_catalogue_feed, build_project_feed
from ..feeds.build import RSS_CONTENT_TYPE, build_feed
from ..feeds.websub import HubNotifier

router = APIRouter(tags=["feeds"])
# Each feed is one route for GET and HEAD, so other methods get 405 with "Allow: GET, HEAD" (a separate HEAD route
# made it "Allow: HEAD"). Feeds are not part of the JSON API that /api/openapi.json documents.

ALL_FEED_LIMIT = 100  # the catalogue-wide feed lists the newest episodes only
_LAST_BUILD = re.compile(rb"<lastBuildDate>([^<]+)</lastBuildDate>")

Builder = Callable[[Session], bytes]


@dataclass(frozen=True)
class CachedFeed:
    body: bytes
    gzip_body: bytes
    etag: str
    gzip_etag: str
    last_modified: str
    last_modified_at: datetime | None
    version: int
    valid_until: datetime | None

    @classmethod
    def of(cls, body: bytes, version: int, valid_until: datetime | None) -> CachedFeed:
        digest = hashlib.sha256(body).hexdigest()[:32]
        found = _LAST_BUILD.search(body)
        modified = parsedate_to_datetime(found.group(1).decode()) if found else utcnow()
        return cls(
            body=body,
            gzip_body=gzip.compress(body, compresslevel=9, mtime=0),
            etag=f'"{digest}"',
            # Another representation needs another strong validator.
            gzip_etag=f'"{digest}-gz"',
            last_modified=format_datetime(modified, usegmt=True),
            last_modified_at=modified,
            version=version,
            valid_until=valid_until,
        )


class FeedCache:
    """The feeds this worker process has built, each tagged with the catalogue version it was built from."""

    def __init__(self, database: Database, hub: HubNotifier | None = None) -> None:
        self.database = database
        self.hub = hub
        self.entries: dict[str, CachedFeed] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.builds = 0
        self.topics: dict[str, str] = {}  # key -> public feed URL, for WebSub pings
        self.versions = VersionReader(database.engine)

    def catalogue_version(self) -> int:
        """The one database read per request (catalogue.versions.VersionReader: microseconds on SQLite)."""
        return self.versions.read()

    def _fresh(self, entry: CachedFeed | None, version: int) -> bool:
        return (
            entry is not None
            and entry.version == version
            and (entry.valid_until is None or utcnow() < entry.valid_until)
        )

    def _build(self, key: str, build: Builder, version: int) -> CachedFeed:
        with self.database.session() as session:
            now = utcnow()
            body = build(session)
            valid_until = queries.next_scheduled_time(session, now=now)
        self.builds += 1
        return CachedFeed.of(body, version, valid_until)

    async def get(self, key: str, build: Builder) -> CachedFeed:
        version = self.catalogue_version()
        entry = self.entries.get(key)
        if self._fresh(entry, version):
            return entry  # type: ignore[return-value]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:  # one build per key at a time; the others wait for it
            entry = self.entries.get(key)
            if self._fresh(entry, version):
                return entry  # type: ignore[return-value]
            previous = entry
            # The version is read before the build: a change landing during it is caught by the next request.
            entry = await run_in_threadpool(self._build, key, build, version)
            self.entries[key] = entry
        if self.hub is not None and previous is not None and previous.etag != entry.etag:
            self.hub.publish(self.topics.get(key, ""))
        return entry


def _cache(request: Request) -> FeedCache:
    cache: FeedCache | None = getattr(request.app.state, "feed_cache", None)
    if cache is None:
        # No hub here: WebSub pings are sent once for all hosts by web.scheduled (catalogue.feed_changes).
        cache = FeedCache(request.app.state.database)
        request.app.state.feed_cache = cache
    return cache


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower()
            return not (quality.startswith("q=") and float(quality[2:] or 0) == 0)
    return False


def _not_modified(request: Request, entry: CachedFeed) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = _etags(if_none_match)
        return "*" in tags or entry.etag in tags or entry.gzip_etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since and entry.last_modified_at is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return entry.last_modified_at <= since
    return False


def respond(request: Request, entry: CachedFeed, max_age: int) -> Response:
    """The cached feed as a response: 304 when the client's copy is current, gzip when asked, no body for HEAD."""
    gzipped = _accepts_gzip(request.headers.get("accept-encoding", ""))
    headers = {
        "ETag": entry.gzip_etag if gzipped else entry.etag,
        "Last-Modified": entry.last_modified,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, entry):
        return Response(status_code=304, headers=headers)
    body = entry.gzip_body if gzipped else entry.body
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = RSS_CONTENT_TYPE
    headers["Content-Length"] = str(len(body))
    return Response(b"" if request.method == "HEAD" else body, headers=headers)


async def serve_cached(request: Request, key: str, build: Builder, topic: str | None = None) -> Response:
    cache = _cache(request)
    if topic:
        cache.topics[key] = topic
    entry = await cache.get(key, build)
    return respond(request, entry, request.app.state.settings.feed_max_age)


@router.api_route("/feeds/all.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False)
async def all_feed(request: Request) -> Response:
    settings = request.app.state.settings

    def build(session: Session) -> bytes:
        episodes = queries.live_episodes(session, limit=ALL_FEED_LIMIT)
        return build_catalogue_feed(episodes, settings, shows=queries.list_shows(session))

    return await serve_cached(request, "all", build, request.app.state.urls.all_feed())


@router.api_route(
    "/feeds/projects/{project}.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False
)
async def project_feed(request: Request, project: str) -> Response:
    settings = request.app.state.settings

    def build(session: Session) -> bytes:
        row = queries.get_project(session, project)
        shows = [show for show in queries.list_shows(session) if show.project_id == row.id]
        return build_project_feed(row, queries.live_episodes(session, project=row), settings, shows=shows)

    return await serve_cached(request, f"project:{project}", build, request.app.state.urls.project_feed(project))


@router.api_route("/feeds/{show}.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False)
async def show_feed(request: Request, show: str) -> Response:
    settings = request.app.state.settings

    moved = _moved_feeds(request)

    def build(session: Session) -> bytes:
        row = queries.get_show(session, show)
        moved[show] = row.new_feed_url  # read with every build, so a move reaches every worker with the version
        episodes = queries.live_episodes(session, show=row)
        return build_feed(row, episodes, settings, translations=queries.show_translations(session, row))

    response = await serve_cached(request, f"show:{show}", build, request.app.state.urls.feed(show))
    return moved_out(response, moved.get(show))


# -- moved out (media-catalogue move-feed): the old feed URL answers 301, its body still says itunes:new-feed-url --


def _moved_feeds(request: Request) -> dict[str, str | None]:
    moved: dict[str, str | None] | None = getattr(request.app.state, "moved_feeds", None)
    if moved is None:
        moved = request.app.state.moved_feeds = {}
    return moved


def moved_out(response: Response, new_feed_url: str | None) -> Response:
    """A 301 to the feed's new address (Apple's move procedure), keeping the body for apps that read it instead."""
    if not new_feed_url:
        return response
    response.status_code = 301
    response.headers["Location"] = new_feed_url
    return response


__all__ = ["router", "serve_cached", "respond", "FeedCache", "CachedFeed"]
