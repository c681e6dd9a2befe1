"""RSS feed routes: /feeds/{show}.xml, /feeds/all.xml, /feeds/projects/{project}.xml.

A feed is built once per change and served from memory. Per request the only database work is one indexed read of
the catalogue-wide version counter (catalogue.versions), which every change bumps in the same transaction: a worker
whose copy was built at an older version rebuilds it, so several worker processes sharing one database stay
coherent without talking to each other. A copy also expires at the next scheduled publication time (an episode that
goes live by the clock changes the feed without any write). Builds are deterministic, so every worker computes the
same bytes and the same strong ETag for the same catalogue state. WebSub pings are not sent from here (one per worker
per host): the holder of the scheduled-work lease sends one per change for all hosts (web.scheduled).

Once a feed route has answered a path, later requests for it are answered before FastAPI's routing by the page
cache's middleware (web.pagecache), through `FeedCache.fast_answer`: the same version check, the same bytes and
header lists prebuilt per representation (plain or gzip, 200 or 304), the same conditional rules; anything it cannot
answer (a stale or never-built feed, an unknown path) goes on to the route.

To add another cached feed (e.g. /feeds/videos.xml), declare its route before `/feeds/{show}.xml` here and answer
with `serve_cached(request, key, build)`.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

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
from .pagecache import fast_path_key

router = APIRouter(tags=["feeds"])
# Each feed is one route for GET and HEAD, so other methods get 405 with "Allow: GET, HEAD" (a separate HEAD route
# made it "Allow: HEAD"). Feeds are not part of the JSON API that /api/openapi.json documents.

ALL_FEED_LIMIT = 100  # the catalogue-wide feed lists the newest episodes only
# A project's feed gathers its shows' episodes: every one for any real project, the newest 1,000 past that (about
# 2 MB: apps fetch it whole on every poll; each show's own feed stays complete).
PROJECT_FEED_LIMIT = 1000
_LAST_BUILD = re.compile(rb"<lastBuildDate>([^<]+)</lastBuildDate>")

Builder = Callable[[Session], bytes]
Header = tuple[bytes, bytes]


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
    # Header lists of the fast path, by (gzip, not modified, max-age, location): made on first use.
    prebuilt: dict[tuple[bool, bool, int, str | None], list[Header]] = field(
        default_factory=dict, compare=False, repr=False
    )

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

    def __init__(self, database: Database, *, versions: VersionReader | None = None, max_age: int = 300) -> None:
        self.database = database
        self.max_age = max_age
        self.entries: dict[str, CachedFeed] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.builds = 0
        self.versions = versions or VersionReader(database.engine)
        self.paths: dict[str, tuple[str, str | None]] = {}  # request path -> (key, 301 location) the route answered
        self._gzip_wanted: dict[bytes, bool] = {}
        self.fast_hits = 0

    def remember(self, path: str, key: str, location: str | None) -> None:
        """The route answered `path` from `key`: the fast path may answer it from now on (while the copy is fresh)."""
        if len(self.paths) >= MAX_FAST_PATHS and path not in self.paths:
            self.paths.clear()
        self.paths[path] = (key, location)

    def fast_answer(
        self, path: str, headers: Iterable[Header], head: bool, version: int, extra: list[Header]
    ) -> tuple[int, list[Header], bytes] | None:
        """(status, headers, body) for a feed already built at `version`, exactly as `respond` would answer it (with
        `extra`, the security headers, added); None when the route must answer."""
        found = self.paths.get(path)
        if found is None:
            return None
        key, location = found
        entry = self.entries.get(key)
        if entry is None or not self._fresh(entry, version):
            return None
        accept = if_none_match = if_modified_since = None
        for name, value in headers:
            if name == b"accept-encoding":
                accept = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"if-modified-since":
                if_modified_since = value
        gzipped = self._gzipped(accept)
        unchanged = not_modified(
            entry,
            if_none_match.decode("latin-1") if if_none_match is not None else None,
            if_modified_since.decode("latin-1") if if_modified_since is not None else None,
        )
        max_age = self.max_age
        prebuilt = entry.prebuilt.get((gzipped, unchanged, max_age, location))
        if prebuilt is None:
            response = _response(entry, gzipped, unchanged, head=False, max_age=max_age)
            moved_out(response, location)
            prebuilt = entry.prebuilt[(gzipped, unchanged, max_age, location)] = [*response.raw_headers, *extra]
        status = 304 if unchanged else 301 if location else 200
        self.fast_hits += 1
        if unchanged or head:
            return status, prebuilt, b""
        return status, prebuilt, entry.gzip_body if gzipped else entry.body

    def _gzipped(self, accept: bytes | None) -> bool:
        if accept is None:
            return False
        wanted = self._gzip_wanted.get(accept)
        if wanted is None:
            wanted = _accepts_gzip(accept.decode("latin-1"))
            if len(self._gzip_wanted) < 1024:
                self._gzip_wanted[accept] = wanted
        return wanted

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
            # The version is read before the build: a change landing during it is caught by the next request.
            entry = await run_in_threadpool(self._build, key, build, version)
            self.entries[key] = entry
        return entry


MAX_FAST_PATHS = 10_000


def feed_cache(state: Any) -> FeedCache:
    """The app's feed cache (made on first use), sharing the page cache's version reader when there is one."""
    cache: FeedCache | None = getattr(state, "feed_cache", None)
    if cache is None:
        page_cache = getattr(state, "page_cache", None)
        versions = page_cache.versions if page_cache is not None else None
        cache = FeedCache(state.database, versions=versions, max_age=state.settings.feed_max_age)
        state.feed_cache = cache
    return cache


def _cache(request: Request) -> FeedCache:
    return feed_cache(request.app.state)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower()
            return not (quality.startswith("q=") and float(quality[2:] or 0) == 0)
    return False


def not_modified(entry: CachedFeed, if_none_match: str | None, if_modified_since: str | None) -> bool:
    if if_none_match is not None:
        tags = _etags(if_none_match)
        return "*" in tags or entry.etag in tags or entry.gzip_etag in tags
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
    unchanged = not_modified(entry, request.headers.get("if-none-match"), request.headers.get("if-modified-since"))
    return _response(entry, gzipped, unchanged, request.method == "HEAD", max_age)


def _response(entry: CachedFeed, gzipped: bool, unchanged: bool, head: bool, max_age: int) -> Response:
    headers = {
        "ETag": entry.gzip_etag if gzipped else entry.etag,
        "Last-Modified": entry.last_modified,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if unchanged:
        return Response(status_code=304, headers=headers)
    body = entry.gzip_body if gzipped else entry.body
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = RSS_CONTENT_TYPE
    headers["Content-Length"] = str(len(body))
    return Response(b"" if head else body, headers=headers)


async def serve_cached(
    request: Request,
    key: str,
    build: Builder,
    location: Callable[[], str | None] | None = None,
) -> Response:
    """The cached feed `key` (built by `build` when stale), moved out (301) to `location()` when that is set."""
    cache = _cache(request)
    entry = await cache.get(key, build)
    moved_to = location() if location is not None else None
    cache.remember(fast_path_key(request.scope), key, moved_to)
    return moved_out(respond(request, entry, request.app.state.settings.feed_max_age), moved_to)


@router.api_route("/feeds/all.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False)
async def all_feed(request: Request) -> Response:
    settings = request.app.state.settings

    def build(session: Session) -> bytes:
        episodes = queries.live_episodes(session, limit=ALL_FEED_LIMIT)
        return build_catalogue_feed(episodes, settings, shows=queries.list_shows(session))

    return await serve_cached(request, "all", build)


@router.api_route(
    "/feeds/projects/{project}.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False
)
async def project_feed(request: Request, project: str) -> Response:
    settings = request.app.state.settings

    def build(session: Session) -> bytes:
        row = queries.get_project(session, project)
        shows = [show for show in queries.list_shows(session) if show.project_id == row.id]
        episodes = queries.live_episodes(session, project=row, limit=PROJECT_FEED_LIMIT)
        return build_project_feed(row, episodes, settings, shows=shows)

    return await serve_cached(request, f"project:{project}", build)


@router.api_route("/feeds/{show}.xml", methods=["GET", "HEAD"], response_class=Response, include_in_schema=False)
async def show_feed(request: Request, show: str) -> Response:
    settings = request.app.state.settings

    moved = _moved_feeds(request)

    def build(session: Session) -> bytes:
        row = queries.get_show(session, show)
        moved[show] = row.new_feed_url  # read with every build, so a move reaches every worker with the version
        episodes = queries.live_episodes(session, show=row)
        return build_feed(row, episodes, settings, translations=queries.show_translations(session, row))

    return await serve_cached(request, f"show:{show}", build, location=lambda: moved.get(show))


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
