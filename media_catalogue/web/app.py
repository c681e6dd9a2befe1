"""The FastAPI application: built by create_app(settings), never at import time."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..catalogue.queries import Moved
from ..config import Settings
from ..db import Database
from ..errors import CatalogueError
from ..ingest_recovery import recover
from ..storage import create_storage
from ..urls import UrlPlan
from .limits import BodyLimits
from .security import RejectNulCharacters, SecurityHeaders


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api", "/oembed/")) or path in ("/oembed", "/healthz")


def _error_response(
    request: Request, status: int, body: dict[str, Any], error: CatalogueError | None = None
) -> Response:
    if _wants_json(request):
        return JSONResponse({"ok": False, "error": body}, status_code=status)
    renderer = getattr(request.app.state, "render_error", None)
    if renderer is not None:
        return renderer(request, status, body, error)  # type: ignore[no-any-return]
    from html import escape

    page = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{status}</title>"
        f"<h1>{status}</h1><p>{escape(body.get('message', ''))}</p><p><a href='/'>Home</a></p></html>"
    )
    return HTMLResponse(page, status_code=status)


# Enclosures and side files are published in feeds as absolute URLs and take no query: their 301 names the new
# absolute URL, as a feed would.
_PUBLISHED_FILES = ("/media/", "/chapters/", "/transcripts/")


def moved_response(request: Request, exc: Moved) -> Response:
    """The one answer to a renamed show, episode or video, whichever route asked: 301 to the same URL with the
    renamed segment replaced. A show is the first segment equal to the old slug, an episode the last; a segment may
    carry an extension after the slug (/feeds/{show}.xml, /media/{show}/{episode}.mp3)."""
    segments = request.url.path.split("/")
    matches = [
        i
        for i, segment in enumerate(segments)
        if unquote(segment) == exc.old_slug or unquote(segment).startswith(f"{exc.old_slug}.")
    ]
    if not matches:  # the slug came from elsewhere (a query parameter): there is no address to move
        return _error_response(request, 404, {"code": "not_found", "message": "Not Found"})
    index = matches[-1] if exc.kind == "episode" else matches[0]
    segments[index] = quote(exc.new_slug) + unquote(segments[index])[len(exc.old_slug) :]
    path = "/".join(segments)
    if request.url.path.startswith(_PUBLISHED_FILES):
        return RedirectResponse(request.app.state.urls.absolute(path), status_code=301)
    query = f"?{request.url.query}" if request.url.query else ""
    language = request.scope.get("path_language")  # a /fr/ page moves to the new /fr/ address
    return RedirectResponse((f"/{language}" if language else "") + path + query, status_code=301)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CatalogueError)
    async def catalogue_error(request: Request, exc: CatalogueError) -> Response:
        return _error_response(request, exc.status, exc.as_dict(), exc)

    @app.exception_handler(Moved)
    async def moved(request: Request, exc: Moved) -> Response:
        return moved_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        field = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path"))
        body = {"code": "invalid_request", "message": f"{field or 'request'}: {first.get('msg', 'invalid value')}"}
        if field:
            body["field"] = field
        return _error_response(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}
        body = {"code": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)}
        response = _error_response(request, exc.status_code, body)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response


class CatalogueApp(FastAPI):
    """FastAPI, with the cached pages and feeds answered before anything else runs (web.pagecache.answer_cached):
    polled feeds and linked pages are most of the traffic, and FastAPI's own per-request work (telemetry check,
    middleware stack, routing) costs as much as serving the cached bytes."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        fast = self.state._state.get("fast_path")
        if fast is not None and scope["type"] == "http" and await fast.answer_cached(scope, send):
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    database = database or Database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database.migrate()
        recover(database, app.state.storage)  # what a killed process left: journal entries, temp files, empty folders
        app.state.downloads.start()
        app.state.scheduled.start()
        # Everything loaded so far (modules, mappers, the app) lives as long as the app: out of the collector's
        # reach, a full collection walks only what requests made, instead of stalling one request in twenty by
        # ~150 ms to walk ~190,000 long-lived objects (the uncached pages' p95). Unfrozen at shutdown, so a process
        # that builds many apps (the tests) still frees them.
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            app.state.scheduled.stop()
            app.state.downloads.stop()  # a clean shutdown writes every logged request still in memory
            database.dispose()

    app = CatalogueApp(
        title="media-catalogue",
        version=__version__,
        description="Podcasts, episodes and videos of the catalogue. Reads are public; writes need a staff identity.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.storage = create_storage(settings)
    app.state.urls = UrlPlan(settings)
    from .downloads import DownloadLog

    app.state.downloads = DownloadLog(settings, database)
    from .scheduled import ScheduledWork

    app.state.scheduled = ScheduledWork(settings, database)
    install_error_handlers(app)

    app.add_middleware(RejectNulCharacters)
    app.add_middleware(SecurityHeaders)

    from .api import router as api_router
    from .digest_feed import router as digest_feed_router
    from .feeds import router as feeds_router
    from .health import router as health_router
    from .video_feeds import router as video_feeds_router

    # Feeds first: podcast apps poll them more than anything else is requested, and routes match in order.
    app.include_router(video_feeds_router)  # before feeds_router, whose /feeds/{show}.xml would match
    app.include_router(digest_feed_router)  # the same
    app.include_router(feeds_router)
    from .opml import router as opml_router

    app.include_router(opml_router)
    app.include_router(health_router)
    app.include_router(api_router, prefix="/api")
    from .public import install_public_site

    install_public_site(app)
    from .staff import router as staff_api_router

    app.include_router(staff_api_router, prefix="/api")
    from .admin import router as admin_router

    app.include_router(admin_router)
    from .openapi import install as install_openapi

    install_openapi(app)
    # Added last, so outermost: no byte of a body reaches routing, a parser or the identity check unbounded.
    app.add_middleware(
        BodyLimits,
        settings=settings,
        routes=lambda: app.routes,
        answer=lambda scope, status, body: _error_response(Request(scope), status, body),
    )
    return app


def app_from_environment() -> FastAPI:
    """Factory for `uvicorn --factory` (several workers each build their own app from the same environment)."""
    return create_app(Settings())
