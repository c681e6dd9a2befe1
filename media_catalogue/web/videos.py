"""Video pages: the filterable listing and one page per video (templates videos.html, video.html, _video_item.html).

Videos live on external providers. No page makes a request to a provider before the visitor asks for it: the video
page shows our own poster (drawn by our CSS, never the provider's thumbnail) and a button; only the click inserts the
provider's iframe (static/video-consent.js). That page's Content-Security-Policy allows framing exactly one origin:
its provider's embed host (YouTube through youtube-nocookie.com). Without JavaScript the page links out.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from ..catalogue import queries
from ..catalogue.models import VideoKind
from ..catalogue.queries import videos as video_listings
from ..text import plain_text
from ..urls import UrlPlan
from .deps import SessionDep, UrlsDep
from .metadata import provider_video, video_ld
from .pages import PAGE_METHODS
from .paging import LegacyPage, Pager, check_page, legacy_redirect, page_one_redirect
from .templating import render_page

router = APIRouter(include_in_schema=False)


PER_PAGE = 24
# The page's policy with one change: frame-src also allows the provider's embed origin, for the iframe the visitor's
# click inserts. Everything else stays as strict as on every other page.
VIDEO_PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self' https:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-src 'self' {frame}; frame-ancestors 'self'; base-uri 'self'"
)


Kind = Annotated[VideoKind | None, Query()]
Language = Annotated[str | None, Query(max_length=20)]
Slug = Annotated[str | None, Query(max_length=120)]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
SeriesName = Annotated[str | None, Query(max_length=200)]


@router.api_route("/videos", methods=PAGE_METHODS)
def videos_page(
    request: Request, session: SessionDep, urls: UrlsDep, kind: Kind = None, language: Language = None,
    project: Slug = None, person: Slug = None, year: Year = None, series: SeriesName = None, legacy: LegacyPage = None,
) -> Response:  # fmt: skip
    filters = {
        "kind": kind.value if kind else "", "language": language or "", "project": project or "",
        "person": person or "", "year": str(year) if year else "", "series": series or "",
    }  # fmt: skip
    return legacy_redirect(request, "/videos", legacy) or _videos(request, session, urls, filters, 1)


@router.api_route("/videos/page/{number:int}", methods=PAGE_METHODS)
def videos_page_n(
    number: int, request: Request, session: SessionDep, urls: UrlsDep, kind: Kind = None, language: Language = None,
    project: Slug = None, person: Slug = None, year: Year = None, series: SeriesName = None,
) -> Response:  # fmt: skip
    if (first := page_one_redirect(request, "/videos", number)) is not None:
        return first
    filters = {
        "kind": kind.value if kind else "", "language": language or "", "project": project or "",
        "person": person or "", "year": str(year) if year else "", "series": series or "",
    }  # fmt: skip
    return _videos(request, session, urls, filters, number)


def _videos(request: Request, session: Session, urls: UrlPlan, filters: dict[str, str], page: int) -> Response:
    result = queries.list_videos(
        session, kind=filters["kind"] or None, language=filters["language"] or None,
        project=filters["project"] or None, person=filters["person"] or None,
        year=int(filters["year"]) if filters["year"] else None, series=filters["series"] or None, page=page,
        per_page=PER_PAGE, loading=(),
    )  # fmt: skip
    check_page(page, result.pages)
    query = [(name, value) for name, value in filters.items() if value]
    pager = Pager(page, result.pages, "/videos", urlencode(query))
    facets = video_listings.facets(session)
    return render_page(
        request,
        "videos.html",
        result=result,
        kind=filters["kind"],
        language_filter=filters["language"],
        project=filters["project"],
        person=filters["person"],
        year=filters["year"],
        series=filters["series"],
        filtered=bool(query),
        kinds=[k.value for k in VideoKind],
        projects=facets.projects,
        people=facets.people,
        years=facets.years,
        video_languages=facets.languages,
        all_series=[] if query or page > 1 else video_listings.all_series(session),
        pager=pager,
        canonical=urls.absolute(pager.url(page)),
        nav="videos",
    )


@router.api_route("/videos/{video}", methods=PAGE_METHODS)
def video_page(video: str, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    found = queries.get_video(session, video)
    provider = provider_video(found)
    response = render_page(
        request,
        "video.html",
        video=found,
        provider=provider,
        series=video_listings.series_of(session, found),
        canonical=urls.video(found.slug),
        description=plain_text(found.description, limit=200),
        og_type="video.other",
        json_ld=[video_ld(found, urls)],
        nav="videos",
    )
    if provider is not None:
        embed = urlsplit(provider.embed_url)
        response.headers["Content-Security-Policy"] = VIDEO_PAGE_CSP.format(frame=f"{embed.scheme}://{embed.netloc}")
    return response
