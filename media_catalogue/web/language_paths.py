"""Language in the path: /en/..., /fr/... and /nl/... serve every public page in that interface language.

A static host cannot negotiate a language from a cookie or Accept-Language, so the static export (export/) needs one
URL per page and language. This middleware strips the prefix before routing and records the language in the ASGI
scope (`path_language`); render_page then renders in it, keeps the prefix in every internal link (the `href`
helper), sends no Vary and sets no cookie. Unprefixed paths keep negotiating as before, so no existing URL breaks.
Feeds, media, side files, artwork, the API and the workspace are language-free: a prefix there is simply not found.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .templating import LANGUAGES

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

SCOPE_KEY = "path_language"
# Not pages: these addresses are the same in every language (a published contract for feeds and files).
LANGUAGE_FREE = (
    "/api/", "/api", "/media/", "/static/", "/artwork/", "/admin", "/feeds", "/chapters/", "/transcripts/",
    "/healthz", "/oembed", "/sitemap", "/robots.txt",
)  # fmt: skip
_PREFIXES = {f"/{language}": language for language in LANGUAGES}


def split_language(path: str) -> tuple[str | None, str]:
    """('fr', '/shows/x') for '/fr/shows/x'; (None, path) when the path has no language prefix of a page."""
    head, slash, rest = path[1:].partition("/")
    language = _PREFIXES.get("/" + head)
    if language is None:
        return None, path
    rest = "/" + rest if slash else "/"
    if rest.startswith(LANGUAGE_FREE):
        return None, path
    return language, rest


def language_of(scope: Scope) -> str | None:
    """The language a request's path prefix chose, or None for an unprefixed request."""
    return scope.get(SCOPE_KEY)  # type: ignore[no-any-return]


def strip_language(scope: Scope) -> Scope:
    """The request as the routes see it: /fr/shows/x becomes /shows/x with `path_language` 'fr' (also used by the
    page cache's fast path, which runs before this middleware)."""
    if SCOPE_KEY in scope:
        return scope
    language, rest = split_language(scope["path"])
    if language is None:
        return scope
    raw = scope.get("raw_path") or scope["path"].encode()
    return dict(scope, path=rest, raw_path=raw[3:] or b"/", **{SCOPE_KEY: language})


class LanguagePaths:
    """Strips /en, /fr or /nl from a page's path before anything else sees it (the page cache keys on it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await self.app(strip_language(scope) if scope["type"] == "http" else scope, receive, send)
