"""The embeddable player: /embed/{show}/{episode}, a small self-contained page for an iframe on partner websites.

Everything it needs is inline (one request for the page, one for a small artwork rendition, the audio only on play):
no third-party requests, no cookies, keyboard operable with ARIA labels. Framing is allowed on /embed/ only (the
app's CSP middleware sends frame-ancestors * here and 'self' elsewhere). Its interface speaks ?lang= when given,
else the episode's own language, else the visitor's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .deps import SessionDep, UrlsDep
from .metadata import artwork_url, episode_artwork, episode_source
from .pages import PAGE_METHODS, find_episode
from .templating import LANGUAGES, prefixed_url, render_page, request_language

router = APIRouter(include_in_schema=False)
EMBED_HEIGHT = 200
EMBED_WIDTH = 600


def iframe(src: str, title: str, width: int | str = "100%", height: int = EMBED_HEIGHT) -> str:
    from html import escape

    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
        'style="border:0" loading="lazy" allow="autoplay"></iframe>'
    )


@router.api_route("/embed/{show}/{episode}", methods=PAGE_METHODS)
def embed(show: str, episode: str, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    found_show, found = find_episode(session, show, episode)
    explicit = request.scope.get("path_language") or request.query_params.get("lang")
    language = (
        explicit if explicit in LANGUAGES
        else found_show.language if found_show.language in LANGUAGES
        else request_language(request)
    )  # fmt: skip
    return render_page(
        request,
        "embed.html",
        language=language,
        remember_language=False,
        show=found_show,
        episode=found,
        source=episode_source(found, urls),
        artwork=artwork_url(urls, episode_artwork(found), 192),
        chapters=found.chapters or [],
        page_url=prefixed_url(request, urls.episode(found_show.slug, found.slug)),
        canonical=urls.episode(found_show.slug, found.slug),
    )
