"""Public JSON API (reads). Writes arrive with the staff workspace and require a staff identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from ..catalogue import queries
from ..catalogue.models import Credit, Episode, Show, Video, VideoKind
from ..catalogue.providers import ProviderVideo
from ..catalogue.queries import paging
from ..text import render_markdown
from ..urls import UrlPlan
from .deps import SessionDep, UrlsDep
from .schemas import (
    EpisodeOut,
    LinkOut,
    MediaOut,
    Paginated,
    PersonCredit,
    ProjectRef,
    SeasonOut,
    ShowOut,
    TranscriptOut,
    VideoOut,
)

router = APIRouter(tags=["catalogue"])


def _credits(credits: list[Credit]) -> list[PersonCredit]:
    return [
        PersonCredit(slug=c.person.slug, name=c.person.name, role=c.role, affiliation=c.person.affiliation)
        for c in credits
    ]


def show_out(show: Show, urls: UrlPlan, translations: list[Show]) -> ShowOut:
    return ShowOut(
        slug=show.slug,
        title=show.title,
        description=show.description,
        language=show.language,
        author=show.author,
        category=show.category,
        subcategory=show.subcategory,
        explicit=show.explicit,
        type=show.show_type.value,
        podcast_guid=show.podcast_guid,
        url=urls.show(show.slug),
        feed_url=urls.feed(show.slug),
        artwork_url=urls.artwork(show.artwork_key) if show.artwork_key else None,
        website=show.website,
        project=ProjectRef(slug=show.project.slug, name=show.project.name) if show.project else None,
        seasons=[SeasonOut(number=s.number, name=s.name) for s in show.seasons],
        hosts=_credits(show.credits),
        translations={t.language: t.slug for t in translations},
        spotify_url=show.spotify_url,
        apple_podcasts_url=show.apple_podcasts_url,
    )


def episode_out(episode: Episode, urls: UrlPlan) -> EpisodeOut:
    show = episode.show
    return EpisodeOut(
        slug=episode.slug,
        show=show.slug,
        title=episode.title,
        guid=episode.guid,
        number=episode.number,
        season=episode.season,
        season_name=show.season_name(episode.season),
        episode_type=episode.episode_type.value,
        summary=episode.summary,
        show_notes_html=render_markdown(episode.show_notes),
        published_at=episode.published_at,
        date_precision=episode.date_precision.value,
        url=urls.episode(show.slug, episode.slug),
        embed_url=urls.embed(show.slug, episode.slug),
        media=[
            MediaOut(
                url=urls.enclosure(show.slug, episode.slug, m.extension, m.role, storage_key=m.storage_key),
                mime_type=m.mime_type,
                byte_length=m.byte_length,
                duration_seconds=m.duration_ms / 1000 if m.duration_ms else None,
                bitrate=m.bitrate,
                role=m.role,
            )
            for m in episode.media_files
        ],
        transcripts=[
            TranscriptOut(
                language=t.language, format=t.format, url=urls.transcript(show.slug, episode.slug, t.language, t.format)
            )
            for t in episode.transcripts
        ],
        chapters_url=urls.chapters(show.slug, episode.slug) if episode.chapters else None,
        people=_credits(episode.credits),
        links=[LinkOut(kind=link.kind, url=link.url, label=link.label) for link in episode.links],
    )


def video_out(video: Video, urls: UrlPlan) -> VideoOut:
    provider = (
        ProviderVideo(video.provider, video.provider_id, video.url, video.start_seconds)
        if video.provider and video.provider_id and video.url
        else None
    )
    return VideoOut(
        slug=video.slug,
        title=video.title,
        kind=video.kind.value,
        provider=video.provider,
        provider_id=video.provider_id,
        url=video.url,
        embed_url=provider.embed_url if provider else None,
        thumbnail_url=urls.artwork(video.thumbnail_key)
        if video.thumbnail_key
        else (provider.thumbnail_url if provider else None),
        published_on=video.published_on,
        date_precision=video.date_precision.value,
        language=video.language,
        description=video.description,
        subtitle_languages=list(video.subtitle_languages or []),
        series=video.series,
        project=ProjectRef(slug=video.project.slug, name=video.project.name) if video.project else None,
        people=_credits(video.credits),
        page_url=urls.video(video.slug),
    )


PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[int, Query(ge=1, le=200, description="Items per page.")]


def page_links(response: Response, request: Request, page: int, pages: int, total: int) -> None:
    """RFC 8288 Link header (first, prev, next, last) and X-Total-Count: a client walks every page without
    guessing, and no page is larger than per_page."""

    def link(number: int, rel: str) -> str:
        return f'<{request.url.include_query_params(page=number)}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, pages), "prev"))
    if page < pages:
        links.append(link(page + 1, "next"))
    links.append(link(pages, "last"))
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)


@router.get("/shows", response_model=list[ShowOut], summary="Shows, a page at a time (Link header: next page)")
def list_shows(
    request: Request, response: Response, session: SessionDep, urls: UrlsDep, page: PageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="Shows per page.")] = 100,
) -> list[ShowOut]:  # fmt: skip
    found = paging.shows(session, page, per_page)
    page_links(response, request, page, found.pages, found.total)
    groups = queries.show_translations_of(session, found.items)
    return [show_out(show, urls, groups.get(show.id, [])) for show in found.items]


@router.get("/shows/{show}", response_model=ShowOut, summary="One show")
def get_show(show: str, session: SessionDep, urls: UrlsDep) -> ShowOut:
    found = queries.get_show(session, show)
    return show_out(found, urls, queries.show_translations(session, found))


@router.get("/shows/{show}/episodes", response_model=Paginated[EpisodeOut], summary="A show's published episodes")
def list_episodes(
    show: str,
    request: Request,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> Paginated[EpisodeOut]:
    found = queries.get_show(session, show)
    total = queries.count_live_episodes(session, show=found)
    items = queries.live_episodes(session, show=found, limit=per_page, offset=(page - 1) * per_page)
    page_links(response, request, page, max(1, -(-total // per_page)), total)
    return Paginated[EpisodeOut](
        items=[episode_out(e, urls) for e in items],
        total=total,
        page=page,
        per_page=per_page,
        pages=max(1, -(-total // per_page)),
    )


@router.get("/shows/{show}/episodes/{episode}", response_model=EpisodeOut, summary="One published episode")
def get_episode(show: str, episode: str, session: SessionDep, urls: UrlsDep) -> EpisodeOut:
    found = queries.get_show(session, show)
    return episode_out(queries.get_episode(session, found, episode), urls)


@router.get("/videos", response_model=Paginated[VideoOut], summary="Videos, filterable")
def list_videos(
    request: Request,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    project: str | None = None,
    person: str | None = None,
    language: str | None = None,
    kind: VideoKind | None = None,
    series: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
    page: PageNumber = 1,
    per_page: PerPage = 24,
) -> Paginated[VideoOut]:
    result = queries.list_videos(
        session,
        project=project,
        person=person,
        language=language,
        kind=kind.value if kind else None,
        year=year,
        series=series,
        page=page,
        per_page=per_page,
    )
    page_links(response, request, page, result.pages, result.total)
    return Paginated[VideoOut](
        items=[video_out(v, urls) for v in result.items],
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        pages=result.pages,
    )


@router.get("/videos/{video}", response_model=VideoOut, summary="One video")
def get_video(video: str, session: SessionDep, urls: UrlsDep) -> VideoOut:
    return video_out(queries.get_video(session, video), urls)
