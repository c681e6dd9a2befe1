"""The page cache: rendered public pages kept in memory per worker, checked against the catalogue's content version
on every request (one indexed read), so a change in any worker or the CLI is visible at once everywhere.

A Jinja2 render costs a millisecond or more, several times the whole per-request cost of serving bytes, so pages
are rendered once per catalogue version, interface language, path and the query parameters the page's route
declares: any other parameter is dropped before the key is made and before the page renders, so a made-up query
string can neither force a render nor push pages out of the cache. Routes opt in by sending the private header
`x-page-cache`; this middleware strips it, computes a strong ETag from the bytes (identical in every worker, so
304s work across workers), answers If-None-Match with 304, and serves later requests without entering FastAPI.

It sits outermost in the middleware stack, so a stored response already carries the security headers the inner
middleware added. An entry also expires when the next scheduled episode goes live (its time is read at render).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote_plus

import anyio
import fastapi.routing
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from ..catalogue.models import utcnow
from ..catalogue.queries import next_scheduled_time
from ..catalogue.versions import VersionReader
from ..db import Database
from .language_paths import language_of, strip_language
from .security import headers_for
from .templating import choose_language

if TYPE_CHECKING:
    from .feeds import FeedCache

log = logging.getLogger(__name__)

MARKER = b"x-page-cache"
# Paths that never hold a rendered page or a feed: skip even the version read.
_SKIP = ("/api/", "/media/", "/static/", "/artwork/", "/admin", "/chapters/", "/transcripts/", "/healthz")
FEEDS = "/feeds/"  # answered by answer_cached when built (web.feeds.FeedCache.fast_answer), else by their routes
_NOT_PAGES = (*_SKIP, FEEDS)

Scope = MutableMapping[str, Any]
PageKey = tuple[str, str, str]  # (path with its language prefix, query the page uses, language)
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class Entry:
    version: int
    expires: datetime | None
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes

    @functools.cached_property
    def hit_headers(self) -> list[tuple[bytes, bytes]]:
        return [*self.headers, (b"content-length", str(len(self.body)).encode()), (b"x-cache", b"hit")]


def etag_matches(if_none_match: bytes | None, etag: bytes) -> bool:
    if not if_none_match:
        return False
    for candidate in if_none_match.split(b","):
        candidate = candidate.strip()
        if candidate.startswith(b"W/"):
            candidate = candidate[2:]
        if candidate == b"*" or candidate == etag:
            return True
    return False


class PageCache:
    """A bounded LRU of rendered responses, checked against the catalogue version (catalogue.versions)."""

    def __init__(self, database: Database, *, max_entries: int = 1000) -> None:
        self.database = database
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple[str, str, str], Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.versions = VersionReader(database.engine)
        self.hits = 0
        self.misses = 0

    async def version(self) -> int:
        """The catalogue version (catalogue.versions: re-read at most every 100 ms, at once after an own commit):
        inline when cached or instant (SQLite), else in a worker thread."""
        value = self.versions.cached()
        if value is not None:
            return value
        if self.versions.instant:
            return self.versions.read()
        return await anyio.to_thread.run_sync(self.versions.read)

    def _expiry(self, now: datetime) -> datetime | None:
        with self.database.session() as session:
            return next_scheduled_time(session, now=now)

    def get(self, key: tuple[str, str, str], version: int) -> Entry | None:
        with self._lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.version != version or (entry.expires is not None and utcnow() >= entry.expires):
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, str, str], entry: Entry) -> None:
        with self._lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def close(self) -> None:
        self.versions.close()


LANGUAGE_PARAMETER = frozenset({"lang"})


def _query_names(dependant: Any) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def query_parameters(routes: list[Any]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path pattern, names of its query parameters) of every GET route, through included routers."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    if iterate is None:
        flat = [(getattr(route, "path", None), getattr(route, "methods", None), route) for route in routes]
    else:
        flat = [(context.path, context.methods, context.original_route) for context in iterate(routes)]
    found = []
    for path, methods, route in flat:
        if path and methods and "GET" in methods and isinstance(route, APIRoute):
            names = frozenset(_query_names(route.dependant))
            found.append((compile_path(path)[0], names))
    return found


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value  # type: ignore[no-any-return]
    return None


def fast_path_key(scope: Any) -> str:
    """What the fast path knows a feed request by: its path and its raw query string, since a query can choose
    another feed (the digest's ?lang=)."""
    query = scope.get("query_string", b"")
    return f"{scope['path']}?{query.decode('latin-1')}" if query else scope["path"]  # type: ignore[no-any-return]


class PageCacheMiddleware:
    def __init__(
        self, app: ASGIApp | None, cache: PageCache, routes: Callable[[], list[Any]] | None = None, state: Any = None
    ) -> None:
        self.app: ASGIApp = app  # type: ignore[assignment]  # None for the instance that only runs answer_cached
        self.state = state
        self.cache = cache
        self.routes = routes
        self._patterns: list[tuple[re.Pattern[str], frozenset[str]]] | None = None
        self._used: OrderedDict[str, frozenset[str]] = OrderedDict()
        self.feeds: FeedCache | None = None
        # (path, path language, raw query, cookie, accept-language) -> (query the page uses, cache key)
        self._keys: dict[tuple[str, str | None, bytes, bytes | None, bytes | None], tuple[bytes, PageKey]] = {}

    def _parameters_of(self, path: str) -> frozenset[str]:
        """The query parameters the GET route of `path` declares, and `lang` (every page chooses its language)."""
        if self._used.get(path) is not None:
            self._used.move_to_end(path)
            return self._used[path]
        if self._patterns is None:
            self._patterns = query_parameters(self.routes() if self.routes else [])
        used = next((names for pattern, names in self._patterns if pattern.fullmatch(path)), frozenset())
        self._used[path] = used | LANGUAGE_PARAMETER
        while len(self._used) > 4096:
            self._used.popitem(last=False)
        return self._used[path]

    def used_query(self, scope: Scope) -> str:
        """The query string reduced to the parameters the page uses, in their order: the cache key, and what the
        page renders from. Unknown parameters neither make a new entry (a render) nor push one out."""
        raw = scope.get("query_string", b"").decode("latin-1")
        if not raw:
            return raw
        used = self._parameters_of(scope["path"])
        kept = [part for part in raw.split("&") if unquote_plus(part.partition("=")[0]) in used]
        return "&".join(kept)

    def page_key(self, scope: Scope) -> tuple[Scope, tuple[str, str, str]]:
        """The scope the page renders from (unused query parameters dropped) and its cache key."""
        query = self.used_query(scope)
        if query != scope.get("query_string", b"").decode("latin-1"):
            scope = dict(scope, query_string=query.encode("latin-1"))  # the page renders from what it uses only
        lang_values = parse_qs(query).get("lang") if "lang=" in query else None
        cookie = _header(scope, b"cookie")
        accept = _header(scope, b"accept-language")
        path_language = language_of(scope)  # /fr/...: web.language_paths stripped the prefix
        language = path_language or choose_language(
            lang_values[0] if lang_values else None,
            cookie.decode("latin-1") if cookie else None,
            accept.decode("latin-1") if accept else None,
        )
        return scope, (f"/{path_language}{scope['path']}" if path_language else scope["path"], query, language)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(_NOT_PAGES):
            await self.app(scope, receive, send)
            return
        scope, key = self.page_key(scope)
        try:
            version = await self.cache.version()
        except Exception:  # no catalogue_state table yet, database down: serve uncached, let the route report
            log.debug("page cache: content version unreadable", exc_info=True)
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        entry = self.cache.get(key, version)
        if entry is not None:
            self.cache.hits += 1
            await self._send(send, entry, scope, head, b"hit")
            return
        self.cache.misses += 1
        started = utcnow()
        await self._render(scope, receive, send, key, version, started, head)

    async def answer_cached(self, scope: Scope, send: Send) -> bool:
        """The hit path for pages and feeds, run by the app before anything else (FastAPI's routing, telemetry check
        and every middleware: about half the cost of a hit): True when the answer came from a cache. A request that
        carries a body, or anything unusual, is left to the full stack (False), which answers it the same way."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        path: str = scope["path"]
        query = scope.get("query_string", b"")
        if path.startswith(_SKIP) or "\x00" in path or b"\x00" in query or b"%00" in query:
            return False  # (web.security.RejectNulCharacters answers those)
        for name, value in scope["headers"]:
            if (name == b"content-length" and value != b"0") or name == b"transfer-encoding":
                return False
        head = scope["method"] == "HEAD"
        try:
            version = self.cache.versions.cached()
            if version is None:
                version = await self.cache.version()
            if path.startswith(FEEDS):
                answer = self._feeds().fast_answer(
                    fast_path_key(scope), scope["headers"], head, version, headers_for(path)
                )
                if answer is None:
                    return False
                status, headers, body = answer
            else:
                page_scope, key = self._remembered_key(strip_language(scope))
                entry = self.cache.get(key, version)
                if entry is None:
                    return False
                self.cache.hits += 1
        except Exception:  # the full stack will answer, or report, the same request
            log.debug("fast path: not answered", exc_info=True)
            return False
        if path.startswith(FEEDS):
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        elif entry is not None:
            await self._send(send, entry, page_scope, head, b"hit")
        return True

    def _remembered_key(self, scope: Scope) -> tuple[Scope, tuple[str, str, str]]:
        """page_key, remembered by path, query and the headers it reads (a poll repeats the same request)."""
        headers = scope["headers"]
        cookie = accept = None
        for name, value in headers:
            if name == b"cookie":
                cookie = value
            elif name == b"accept-language":
                accept = value
        raw = scope.get("query_string", b"")
        memo = (scope["path"], language_of(scope), raw, cookie, accept)
        found = self._keys.get(memo)
        if found is None:
            page_scope, key = self.page_key(scope)
            if len(self._keys) >= 4096:
                self._keys.clear()
            self._keys[memo] = (page_scope.get("query_string", b""), key)
            return page_scope, key
        query, key = found
        return (scope if query == raw else dict(scope, query_string=query)), key

    def _feeds(self) -> FeedCache:
        if self.feeds is None:
            from .feeds import feed_cache

            self.feeds = feed_cache(self.state)
        return self.feeds

    async def _render(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, str, str], version: int,
        started: datetime, head: bool,
    ) -> None:  # fmt: skip
        inner_scope = dict(scope, method="GET") if head else scope
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if message["status"] == 200 and any(name == MARKER for name, _ in headers):
                    start = dict(message, headers=[(n, v) for n, v in headers if n != MARKER])
                    return
                passing = True
                await send(message)
                return
            if passing:
                await send(message if not head else dict(message, body=b""))
                return
            chunks.append(message.get("body", b""))

        await self.app(inner_scope, receive, capture)
        if passing or start is None:
            return
        body = b"".join(chunks)
        etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
        headers = [(n, v) for n, v in start["headers"] if n not in (b"etag", b"content-length")]
        headers.append((b"etag", etag))
        try:
            expires = await anyio.to_thread.run_sync(self.cache._expiry, started)
        except Exception:
            log.warning("page cache: next scheduled time unreadable; page not cached", exc_info=True)
            expires = started
        entry = Entry(version, expires, 200, headers, body, etag)
        if expires is None or expires > started:
            self.cache.put(key, entry)
        await self._send(send, entry, scope, head, b"miss")

    @staticmethod
    async def _send(send: Send, entry: Entry, scope: Scope, head: bool, outcome: bytes) -> None:
        if etag_matches(_header(scope, b"if-none-match"), entry.etag):
            keep = (b"etag", b"cache-control", b"vary", b"content-location", b"date", b"expires")
            headers = [(n, v) for n, v in entry.headers if n in keep]
            headers.append((b"x-cache", outcome))
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        if outcome == b"hit":
            headers = entry.hit_headers
        else:
            headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode()), (b"x-cache", outcome)]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else entry.body})
