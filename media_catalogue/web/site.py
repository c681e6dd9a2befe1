"""Site-wide files for crawlers: the sitemap index at /sitemap.xml, its bounded child sitemaps under /sitemaps/
(SITEMAP_SIZE addresses each, path-based so a static host serves them as files; entries in id order so an entry
keeps its file as the catalogue grows; hreflang alternates between language versions) and robots.txt."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from ..catalogue.queries import paging
from ..urls import UrlPlan
from .deps import SessionDep, UrlsDep
from .paging import check_page, pages_of

router = APIRouter(include_in_schema=False)
SITEMAP_SIZE = 1000  # addresses per child sitemap (the protocol allows 50,000; smaller files render in bounded time)
KINDS = ("shows", "episodes", "videos", "projects", "people")
STATIC_PATHS = ("/", "/shows", "/videos", "/projects", "/people")
HEADERS = {"Cache-Control": "public, max-age=3600", "x-page-cache": "1"}
Entry = tuple[str, str | None, list[tuple[str, str]]]


def _xml(lines: list[str]) -> Response:
    return Response("\n".join(lines) + "\n", media_type="application/xml", headers=HEADERS)


@router.api_route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap_index(session: SessionDep, urls: UrlsDep) -> Response:
    """The index: the fixed pages' sitemap, then every child of every kind (one count query per kind)."""
    children = [urls.absolute("/sitemaps/pages.xml")]
    for kind in KINDS:
        total = paging.sitemap_count(session, kind)
        children += [urls.absolute(f"/sitemaps/{kind}-{n}.xml") for n in range(1, pages_of(total, SITEMAP_SIZE) + 1)]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in children]
    lines.append("</sitemapindex>")
    return _xml(lines)


@router.api_route("/sitemaps/pages.xml", methods=["GET", "HEAD"])
def sitemap_pages(urls: UrlsDep) -> Response:
    return _urlset([(urls.absolute(path), None, []) for path in STATIC_PATHS])


@router.api_route("/sitemaps/{kind}-{number:int}.xml", methods=["GET", "HEAD"])
def sitemap_child(kind: str, number: int, session: SessionDep, urls: UrlsDep) -> Response:
    if kind not in KINDS:
        check_page(0, 0)  # 404
    rows = paging.sitemap_slice(session, kind, max(number, 1), SITEMAP_SIZE)
    if number < 1 or (number > 1 and not rows):  # page 1 always exists, page N when it has entries
        check_page(number, number - 1)  # 404 "no page N"
    return _urlset(_entries(session, urls, kind, rows))


def _entries(session: SessionDep, urls: UrlPlan, kind: str, rows: Any) -> list[Entry]:
    if kind == "projects":
        return [(urls.project(row.slug), None, []) for row in rows]
    if kind == "people":
        return [(urls.person(row.slug), None, []) for row in rows]
    if kind == "videos":
        return [(urls.video(row.slug), row.updated_at.date().isoformat(), []) for row in rows]
    groups = paging.translation_siblings(
        session, kind, {row.translation_group for row in rows if row.translation_group}
    )

    def address(show_slug: str, slug: str) -> str:
        return urls.episode(show_slug, slug) if slug else urls.show(show_slug)

    entries: list[Entry] = []
    for row in rows:
        siblings = groups.get(row.translation_group or "", [])
        alternates = [(language, address(show_slug, slug)) for language, show_slug, slug in siblings]
        loc = urls.show(row.slug) if kind == "shows" else urls.episode(row.show_slug, row.slug)
        entries.append((loc, row.updated_at.date().isoformat(), alternates))
    return entries


def _urlset(entries: list[Entry]) -> Response:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for loc, lastmod, alternates in entries:
        lines.append(f"<url><loc>{escape(loc)}</loc>")
        if lastmod:
            lines.append(f"<lastmod>{lastmod}</lastmod>")
        if len(alternates) > 1:
            for language, href in sorted(set(alternates)):
                lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(language)} href={quoteattr(href)}/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return _xml(lines)


@router.api_route("/robots.txt", methods=["GET", "HEAD"])
def robots(urls: UrlsDep) -> Response:
    body = (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /api/\n"
        "Disallow: /search\n"
        "Allow: /\n"
        f"Sitemap: {urls.absolute('/sitemap.xml')}\n"
    )
    return PlainTextResponse(body, headers={"Cache-Control": "public, max-age=86400"})
