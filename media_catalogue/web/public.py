"""Installs the public website on the app: templates, error page, page cache, search index, static files and the
routers of pages, videos, embed player, oEmbed, enclosures and side files, sitemap and robots.txt."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from ..catalogue.search import Index
from .language_paths import LanguagePaths
from .pagecache import PageCache, PageCacheMiddleware
from .templating import STATIC_DIR, Templates, render_error


class _Static(StaticFiles):
    """Our CSS and JS. URLs carry a content hash (?v=...), so a versioned request may be cached for a year."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        response = await super().get_response(path, scope)
        if b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "public, max-age=300"
        return response


def install_public_site(app: FastAPI) -> None:
    from .embed import router as embed_router
    from .lists import router as lists_router
    from .media import router as media_router
    from .oembed import router as oembed_router
    from .pages import router as pages_router
    from .search_index import router as search_index_router
    from .site import router as site_router
    from .videos import router as videos_router

    app.state.templates = Templates(app.state.settings)
    app.state.render_error = render_error
    app.state.search_index = Index()
    app.state.page_cache = PageCache(app.state.database)
    app.include_router(lists_router)  # first: /shows/page/N before the pages' /shows/{show}/{episode}
    app.include_router(pages_router)
    app.include_router(videos_router)
    app.include_router(embed_router)
    app.include_router(oembed_router)
    app.include_router(media_router)
    app.include_router(site_router)
    app.include_router(search_index_router)
    app.mount("/static", _Static(directory=STATIC_DIR), name="static")
    # Added last, so outermost: a cached page is answered before any other middleware runs, with the headers
    # (CSP, nosniff...) that the inner middleware gave it when it was rendered.
    app.add_middleware(PageCacheMiddleware, cache=app.state.page_cache, routes=lambda: app.routes)
    # Outside the page cache: /fr/<page> reaches the cache and the routes as <page>, with its language in the scope.
    app.add_middleware(LanguagePaths)
    # The same hit path, run by web.app.CatalogueApp before FastAPI's own per-request work (pages and feeds).
    app.state.fast_path = PageCacheMiddleware(None, app.state.page_cache, lambda: app.routes, app.state)
