"""Site-wide files for crawlers: sitemap.xml (every public page, with hreflang alternates between language
versions) and robots.txt."""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from ..catalogue import queries
from ..catalogue.queries import listings
from .deps import SessionDep, UrlsDep

router = APIRouter(include_in_schema=False)


@router.api_route("/sitemap.xml", methods=["GET", "HEAD"])
def sitemap(session: SessionDep, urls: UrlsDep) -> Response:
    entries: list[tuple[str, str | None, list[tuple[str, str]]]] = []
    for path in ("/", "/shows", "/videos", "/projects", "/people"):
        entries.append((urls.absolute(path), None, []))
    shows = queries.list_shows(session)
    show_groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for show in shows:
        if show.translation_group:
            show_groups[show.translation_group].append((show.language, urls.show(show.slug)))
    for show in shows:
        alternates = show_groups.get(show.translation_group or "", [])
        entries.append((urls.show(show.slug), show.updated_at.date().isoformat(), alternates))
    episodes = queries.live_episodes(session)
    episode_groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for episode in episodes:
        if episode.translation_group:
            url = urls.episode(episode.show.slug, episode.slug)
            episode_groups[episode.translation_group].append((episode.show.language, url))
    for episode in episodes:
        alternates = episode_groups.get(episode.translation_group or "", [])
        entries.append(
            (urls.episode(episode.show.slug, episode.slug), episode.updated_at.date().isoformat(), alternates)
        )
    for video in listings.published_videos(session):
        entries.append((urls.video(video.slug), video.updated_at.date().isoformat(), []))
    for project in queries.list_projects(session):
        entries.append((urls.project(project.slug), None, []))
    for person in listings.people_with_appearances(session):
        entries.append((urls.person(person.slug), None, []))
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
    return Response(
        "\n".join(lines) + "\n",
        media_type="application/xml",
        headers={"Cache-Control": "public, max-age=3600", "x-page-cache": "1"},
    )


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
