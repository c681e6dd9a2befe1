"""oEmbed (https://oembed.com) for episode pages: a site that supports oEmbed embeds an episode when an editor
pastes its URL. JSON only (501 for XML); 404 for URLs that are not episodes of this catalogue."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from ..catalogue import queries
from ..catalogue.models import Episode, Show
from ..errors import Invalid, NotFound
from ..urls import UrlPlan
from .deps import SessionDep, SettingsDep, UrlsDep
from .embed import EMBED_HEIGHT, EMBED_WIDTH, iframe
from .media import ARTWORK_WIDTHS
from .metadata import episode_artwork
from .pages import find_episode

router = APIRouter(tags=["oembed"])
Size = Annotated[int | None, Query(ge=1, le=10_000)]


def _episode_path(url: str, base_url: str) -> tuple[str, str]:
    """(show, episode) from one of our episode or embed URLs, whatever its scheme; NotFound otherwise."""
    ours = urlsplit(base_url)
    try:
        theirs = urlsplit(url.strip())
        host = theirs.hostname or ""
    except ValueError:  # "http://[::1/a": an address urllib cannot read (bad IPv6 literal, bad port...)
        raise Invalid(
            "url: not a valid URL; send the address of an episode page of this catalogue.", field="url"
        ) from None
    if theirs.scheme not in ("http", "https") or host != (ours.hostname or ""):
        raise NotFound("This URL is not a page of this catalogue.")
    path = theirs.path
    prefix = ours.path.rstrip("/")
    if prefix and not path.startswith(prefix + "/"):
        raise NotFound("This URL is not a page of this catalogue.")
    parts = [unquote(part) for part in path[len(prefix) :].strip("/").split("/")]
    if len(parts) == 3 and parts[0] in ("shows", "embed") and all(parts):
        return parts[1], parts[2]
    raise NotFound("Only episode pages of this catalogue can be embedded.")


def _episode_following_renames(session: Session, show_slug: str, episode_slug: str) -> tuple[Show, Episode]:
    """oEmbed describes the episode a pasted URL leads to: a renamed show or episode is followed here (at most both
    renamed), not answered with a redirect."""
    for _ in range(2):
        try:
            return find_episode(session, show_slug, episode_slug)
        except queries.Moved as exc:
            if exc.kind == "show":
                show_slug = exc.new_slug
            else:
                episode_slug = exc.new_slug
    return find_episode(session, show_slug, episode_slug)


@router.get("/oembed", summary="oEmbed for episode pages")
def oembed(
    url: Annotated[str, Query(max_length=2000, description="An episode page URL of this catalogue.")],
    session: SessionDep,
    settings: SettingsDep,
    urls: UrlsDep,
    format: Annotated[str, Query(description="Only json is supported.")] = "json",  # noqa: A002 - oEmbed's name
    maxwidth: Size = None,
    maxheight: Size = None,
    width: Size = None,
    height: Size = None,
) -> JSONResponse:
    if format.lower() != "json":
        return JSONResponse(
            {"ok": False, "error": {"code": "format_not_supported", "message": "Only format=json is supported."}},
            status_code=501,
        )
    show_slug, episode_slug = _episode_path(url, settings.base_url)
    return _answer(session, urls, show_slug, episode_slug, maxwidth, maxheight, width, height)


@router.get("/oembed/{show}/{filename}", summary="oEmbed of one episode, as a path (static hosting)")
def oembed_path(show: str, filename: str, session: SessionDep, urls: UrlsDep) -> JSONResponse:
    """The same document as /oembed?url=<episode page>&format=json, at an address a static host can serve: the
    episode pages' discovery link points here, and the export writes it as a file."""
    episode_slug, dot, extension = filename.rpartition(".")
    if not dot or extension != "json" or not episode_slug:
        raise NotFound("oEmbed documents are at /oembed/<show>/<episode>.json.")
    return _answer(session, urls, show, episode_slug, None, None, None, None)


def _answer(
    session: Session, urls: UrlPlan, show_slug: str, episode_slug: str, maxwidth: int | None, maxheight: int | None,
    width: int | None, height: int | None,
) -> JSONResponse:  # fmt: skip
    show, episode = _episode_following_renames(session, show_slug, episode_slug)
    frame_width = min(width or EMBED_WIDTH, maxwidth or EMBED_WIDTH * 10)
    frame_height = min(height or EMBED_HEIGHT, maxheight or EMBED_HEIGHT * 10)
    page = urls.episode(show.slug, episode.slug)
    document: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": episode.title,
        "author_name": show.title,
        "author_url": urls.show(show.slug),
        "provider_name": "IOM Belgium and Luxembourg podcasts",
        "provider_url": urls.home(),
        "cache_age": 3600,
        "html": iframe(urls.embed(show.slug, episode.slug), episode.title, frame_width, frame_height),
        "width": frame_width,
        "height": frame_height,
        "url": page,
    }
    key = episode_artwork(episode)
    limit = min(maxwidth or 10_000, maxheight or 10_000)
    fitting = [w for w in ARTWORK_WIDTHS if w <= min(limit, 400)]
    if key and fitting:
        document.update(
            thumbnail_url=f"{urls.artwork(key)}?w={fitting[-1]}", thumbnail_width=fitting[-1],
            thumbnail_height=fitting[-1],
        )  # fmt: skip
    return JSONResponse(document, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"})
