"""Public HTML pages: home, shows, episodes, projects, people and search. They call the same catalogue queries as
the JSON API and differ only in rendering (templates/<route>.html). Renamed slugs answer 301 to the new URL (the
app's one handler of queries.Moved), unknown ones 404 and unpublished episodes 410, through the app's error page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..catalogue import queries, search
from ..catalogue.models import Episode, Show, Transcript
from ..catalogue.queries import listings, paging
from ..storage import Storage
from ..text import plain_text
from ..urls import UrlPlan
from .deps import SessionDep, StorageDep, UrlsDep
from .metadata import (
    alternates,
    artwork_url,
    episode_artwork,
    episode_ld,
    episode_source,
    show_ld,
)
from .paging import SHOW_EPISODES, LegacyPage, Pager, check_page, legacy_redirect, page_one_redirect
from .templating import render_page, request_language

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
PAGE_METHODS = ["GET", "HEAD"]
SEARCH_PAGE = 20  # results a page
SEARCH_LIMIT = 1000  # results ranked at most
HOME_SHOWS = 24  # shows (and projects) on the home page; the rest are on /shows and /projects


def find_episode(session: Session, show_slug: str, episode_slug: str) -> tuple[Show, Episode]:
    """The live episode of a show. A renamed show or episode raises queries.Moved, which the app answers with a 301
    to the new address (web.app); unknown ones NotFound (404), unpublished ones Gone (410)."""
    show = queries.get_show(session, show_slug)
    return show, queries.get_episode(session, show, episode_slug)


@dataclass(frozen=True)
class Cue:
    start: float
    text: str


@dataclass(frozen=True)
class TranscriptView:
    language: str
    format: str
    url: str
    cues: list[Cue]
    text: str


def transcript_view(storage: Storage, transcript: Transcript, url: str) -> TranscriptView:
    """The transcript as readable text with timestamps that seek; plain text when the file cannot be read."""
    cues: list[Cue] = []
    try:
        from ..media import transcripts as transcript_files

        data = storage.open(transcript.storage_key).read()
        for cue in transcript_files.parse(data, transcript.format):
            start_ms = getattr(cue, "start_ms", None)
            start = start_ms / 1000 if start_ms is not None else float(getattr(cue, "start", 0))
            cues.append(Cue(start, str(getattr(cue, "text", ""))))
    except Exception:  # a missing or broken file must not take the page down; the text is still shown
        log.warning("transcript %s of episode %s not readable", transcript.storage_key, transcript.episode_id)
        cues = []
    return TranscriptView(transcript.language, transcript.format, url, cues, transcript.text)


@router.api_route("/", methods=PAGE_METHODS)
def home(request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    shows = paging.shows(session, 1, HOME_SHOWS, loading=())
    return render_page(
        request,
        "home.html",
        shows=shows.items,
        more_shows=shows.pages > 1,
        counts=listings.episode_counts(session, [show.id for show in shows.items]),
        episodes=queries.live_episodes(session, limit=10, loading=queries.list_item_loading()),
        videos=listings.latest_videos(session, 6),
        projects=paging.projects(session, 1, HOME_SHOWS).items,
        canonical=urls.home(),
        nav="home",
        json_ld=[{"@context": "https://schema.org", "@type": "WebSite", "name": "IOM Belgium and Luxembourg podcasts",
                  "url": urls.home(), "potentialAction": {"@type": "SearchAction",
                  "target": urls.absolute("/search?q={query}"), "query-input": "required name=query"}}],
    )  # fmt: skip


def _show(request: Request, session: Session, urls: UrlPlan, slug: str, number: int) -> Response:
    found = queries.get_show(session, slug)
    translations = queries.show_translations(session, found)
    episodes = paging.episodes(session, number, SHOW_EPISODES, show=found)
    check_page(number, episodes.pages)
    url = urls.show(found.slug)
    pager = Pager(number, episodes.pages, f"/shows/{found.slug}")
    return render_page(
        request,
        "show.html",
        show=found,
        episodes=episodes.items,
        episode_total=episodes.total,
        translations=translations,
        hosts=found.credits,
        pager=pager,
        canonical=urls.absolute(pager.url(number)),
        alternates=alternates(found.language, url, [(t.language, urls.show(t.slug)) for t in translations])
        if number == 1
        else [],
        description=plain_text(found.subtitle or found.description, limit=200),
        og_image=artwork_url(urls, found.artwork_key),
        json_ld=[show_ld(found, urls)],
        nav="shows",
    )


@router.api_route("/shows/{show}", methods=PAGE_METHODS)
def show_page(show: str, request: Request, session: SessionDep, urls: UrlsDep, legacy: LegacyPage = None) -> Response:
    return legacy_redirect(request, f"/shows/{show}", legacy) or _show(request, session, urls, show, 1)


@router.api_route("/shows/{show}/page/{number:int}", methods=PAGE_METHODS)
def show_page_n(show: str, number: int, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    return page_one_redirect(request, f"/shows/{show}", number) or _show(request, session, urls, show, number)


@router.api_route("/shows/{show}/{episode}", methods=PAGE_METHODS)
def episode_page(
    show: str, episode: str, request: Request, session: SessionDep, urls: UrlsDep, storage: StorageDep
) -> Response:
    found_show, found = find_episode(session, show, episode)
    translations = queries.episode_translations(session, found)
    previous, following = queries.neighbours(session, found)
    url = urls.episode(found_show.slug, found.slug)
    transcripts = [
        transcript_view(storage, t, urls.transcript(found_show.slug, found.slug, t.language, t.format))
        for t in found.transcripts
    ]
    embed_url = urls.embed(found_show.slug, found.slug)
    return render_page(
        request,
        "episode.html",
        show=found_show,
        episode=found,
        source=episode_source(found, urls),
        artwork=artwork_url(urls, episode_artwork(found), 400),
        translations=translations,
        previous=previous,
        following=following,
        transcripts=transcripts,
        chapters=found.chapters or [],
        season_name=found_show.season_name(found.season),
        embed_url=embed_url,
        embed_code=(
            f'<iframe src="{embed_url}" title="{found.title.replace(chr(34), "&quot;")}" width="100%" height="200" '
            'style="border:0;max-width:640px" loading="lazy"></iframe>'
        ),
        canonical=url,
        alternates=alternates(
            found_show.language, url, [(t.show.language, urls.episode(t.show.slug, t.slug)) for t in translations]
        ),
        description=found.summary or plain_text(found.show_notes, limit=200),
        og_type="music.song",
        og_image=artwork_url(urls, episode_artwork(found)),
        oembed_url=urls.oembed(found_show.slug, found.slug),
        json_ld=[episode_ld(found, urls)],
        nav="shows",
    )


@router.api_route("/search", methods=PAGE_METHODS)
def search_page(
    request: Request,
    session: SessionDep,
    urls: UrlsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    """Results best first, SEARCH_PAGE a page, every one reachable through the pager (it stopped at 50)."""
    query = q.strip()
    total, results = (
        search.search_page(session, query, request.app.state.search_index, start=(page - 1) * SEARCH_PAGE,
                           count=SEARCH_PAGE, limit=SEARCH_LIMIT)
        if query
        else (0, [])
    )  # fmt: skip
    pages = max(1, -(-total // SEARCH_PAGE))
    check_page(page, pages)
    pager = Pager(page, pages, "/search", urlencode({"q": query}), in_query=True)
    return render_page(
        request,
        "search.html",
        cache=False,
        query=query,
        results=results,
        total=total,
        pager=pager,
        canonical=urls.absolute("/search"),
        nav="search",
        robots="noindex",
        ui_language=request_language(request),
    )
