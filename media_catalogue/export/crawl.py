"""Which URLs the static site holds: every public URL reachable from a few starting points, found by following the
links of each answer (pages, feeds, sitemaps, OPML, oEmbed and chapters JSON), never from a hard-coded list, so
new pages (pagination, sitemap files) are exported as soon as something links to them.

Left out: media (they stay in storage), the API, the workspace, and query strings (a static host ignores them:
/static/site.css?v=1 is the file static/site.css, /artwork/x.jpg?w=192 the full image). The search page is exported
without results, with /search/index.json, which it searches in the browser (catalogue.static_search).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from ..web.language_paths import split_language
from ..web.templating import LANGUAGES

START = (
    "/", *(f"/{language}/" for language in LANGUAGES), "/robots.txt", "/sitemap.xml", "/feeds.opml",
    "/feeds/all.xml", "/feeds/videos.xml",
    # The search page (what a header search form leads to) searches this list in the browser on a static host.
    "/search", *(f"/{language}/search" for language in LANGUAGES), "/search/index.json",
)  # fmt: skip
# Error pages a static host serves for unknown addresses (S3 website "error document", nginx error_page...).
NOT_FOUND_PAGE = "404.html"
NOT_EXPORTED = ("/media/", "/api/", "/api", "/admin", "/healthz", "/static/../")
_ROOT_RELATIVE = re.compile(r"""\b(?:href|src|content)\s*=\s*["'](/(?!/)[^"'\s]*)["']""")


def absolute_pattern(base_url: str) -> re.Pattern[str]:
    """Absolute URLs of this site in any text (feeds, sitemaps, JSON, HTML): the path is group 1."""
    return re.compile(re.escape(base_url) + r"""(/[^\s"'<>\\]*)?(?=[\s"'<>\\]|$)""")


def links(body: str, absolute: re.Pattern[str]) -> Iterable[str]:
    """Every path of this site that `body` mentions, as written (query and fragment still attached)."""
    text = html.unescape(body)
    for match in absolute.finditer(text):
        yield match.group(1) or "/"
    for match in _ROOT_RELATIVE.finditer(text):
        yield match.group(1)


def exportable(path: str) -> str | None:
    """The path to fetch for a link (no query, no fragment), or None when it is not part of the static site."""
    path = urlsplit(path).path or "/"
    if "\\" in path or "/../" in path or path.endswith("/.."):
        return None
    _, unprefixed = split_language(path)
    if unprefixed.startswith(NOT_EXPORTED) or unprefixed == "/oembed":
        return None
    return path


def file_name(path: str, content_type: str) -> str:
    """Where a URL's answer lives on a static host: pages as <path>/index.html, anything else under its own name."""
    decoded = unquote(path)
    if content_type.split(";")[0].strip() == "text/html":
        stem = decoded.strip("/")
        return f"{stem}/index.html" if stem else "index.html"
    return decoded.lstrip("/")


def safe_name(name: str) -> bool:
    """A relative file name with no empty, '.' or '..' segment (a link must never write outside the output)."""
    return bool(name) and all(part not in ("", ".", "..") for part in name.split("/"))
