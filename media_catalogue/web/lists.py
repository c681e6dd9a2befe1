"""The paginated public lists beyond a show's episodes: the shows, projects and people indexes, and a project's or
a person's page (their shows, episodes and videos, SECTION_ITEMS of each a page: page N of the page holds slice N
of every section, and the page count is the longest section's). URL form and rules in web.paging."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..catalogue import queries
from ..catalogue.queries import listings, paging
from ..text import plain_text
from .deps import SessionDep, UrlsDep
from .metadata import person_ld
from .paging import LIST_ITEMS, SECTION_ITEMS, LegacyPage, Pager, check_page, legacy_redirect, page_one_redirect
from .templating import render_page

router = APIRouter(include_in_schema=False)
PAGE_METHODS = ["GET", "HEAD"]


def _index(request: Request, session: SessionDep, urls: UrlsDep, kind: str, number: int) -> Response:
    base = f"/{kind}"
    found: Any
    extra: dict[str, Any]
    if kind == "shows":
        found = paging.shows(session, number, LIST_ITEMS, loading=())
        extra = {"shows": found.items, "counts": listings.episode_counts(session, [s.id for s in found.items])}
    elif kind == "projects":
        found = paging.projects(session, number, LIST_ITEMS)
        extra = {"projects": found.items}
    else:
        found = paging.people(session, number, LIST_ITEMS)
        extra = {"people": found.items}
    check_page(number, found.pages)
    pager = Pager(number, found.pages, base)
    extra.update(pager=pager, canonical=urls.absolute(pager.url(number)), nav=kind)
    return render_page(request, f"{kind}.html", **extra)


def _register_index(kind: str) -> None:
    @router.api_route(f"/{kind}", methods=PAGE_METHODS, name=f"{kind}_page")
    def first(request: Request, session: SessionDep, urls: UrlsDep, legacy: LegacyPage = None) -> Response:
        return legacy_redirect(request, f"/{kind}", legacy) or _index(request, session, urls, kind, 1)

    @router.api_route(f"/{kind}/page/{{number:int}}", methods=PAGE_METHODS, name=f"{kind}_page_n")
    def numbered(number: int, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
        return page_one_redirect(request, f"/{kind}", number) or _index(request, session, urls, kind, number)


for _kind in ("shows", "projects", "people"):
    _register_index(_kind)


def _project(request: Request, session: SessionDep, urls: UrlsDep, slug: str, number: int) -> Response:
    found = queries.get_project(session, slug)
    shows = paging.shows(session, number, SECTION_ITEMS, project=found, loading=())
    episodes = paging.episodes(session, number, SECTION_ITEMS, project=found)
    videos = queries.list_videos(session, project=found.slug, page=number, per_page=SECTION_ITEMS, loading=())
    pages = max(shows.pages, episodes.pages, videos.pages)
    check_page(number, pages)
    pager = Pager(number, pages, f"/projects/{found.slug}")
    return render_page(
        request,
        "project.html",
        project=found,
        shows=shows.items,
        episodes=episodes.items,
        has_episodes=episodes.total > 0,
        videos=videos.items,
        pager=pager,
        canonical=urls.absolute(pager.url(number)),
        description=plain_text(found.description, limit=200),
        json_ld=[{"@context": "https://schema.org", "@type": "Project", "name": found.name,
                  "url": urls.project(found.slug), "description": plain_text(found.description, limit=500)}],
        nav="projects",
    )  # fmt: skip


@router.api_route("/projects/{project}", methods=PAGE_METHODS)
def project_page(
    project: str, request: Request, session: SessionDep, urls: UrlsDep, legacy: LegacyPage = None
) -> Response:
    return legacy_redirect(request, f"/projects/{project}", legacy) or _project(request, session, urls, project, 1)


@router.api_route("/projects/{project}/page/{number:int}", methods=PAGE_METHODS)
def project_page_n(project: str, number: int, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    return page_one_redirect(request, f"/projects/{project}", number) or _project(
        request, session, urls, project, number
    )


def _person(request: Request, session: SessionDep, urls: UrlsDep, slug: str, number: int) -> Response:
    found = queries.get_person(session, slug)
    shows = paging.person_shows(session, found, number, SECTION_ITEMS)
    episodes = paging.person_episodes(session, found, number, SECTION_ITEMS)
    videos = paging.person_videos(session, found, number, SECTION_ITEMS)
    pages = max(shows.pages, episodes.pages, videos.pages)
    check_page(number, pages)
    pager = Pager(number, pages, f"/people/{found.slug}")
    return render_page(
        request,
        "person.html",
        person=found,
        appearances=listings.Appearances(list(shows.items), list(episodes.items), list(videos.items)),
        pager=pager,
        canonical=urls.absolute(pager.url(number)),
        description=found.affiliation or plain_text(found.bio, limit=200),
        og_type="profile",
        json_ld=[person_ld(found, urls)],
        nav="people",
    )


@router.api_route("/people/{person}", methods=PAGE_METHODS)
def person_page(
    person: str, request: Request, session: SessionDep, urls: UrlsDep, legacy: LegacyPage = None
) -> Response:
    return legacy_redirect(request, f"/people/{person}", legacy) or _person(request, session, urls, person, 1)


@router.api_route("/people/{person}/page/{number:int}", methods=PAGE_METHODS)
def person_page_n(person: str, number: int, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    return page_one_redirect(request, f"/people/{person}", number) or _person(request, session, urls, person, number)
