"""The preview of an episode: the public episode template itself, rendered as listeners will see it (site layout,
artwork, formatted chapters, transcripts), with a staff banner on top. Drafts play from the workspace's audio route,
since the public enclosure answers only for live episodes."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from ...catalogue import access
from ...catalogue.accounts import Role
from ...catalogue.queries import workspace
from ..deps import SessionDep, StorageDep, UrlsDep
from ..metadata import artwork_url, episode_artwork, episode_source
from ..pages import transcript_view
from ..templating import render_page
from .rendering import Viewer, gettext_for

router = APIRouter()


@router.get("/episodes/{episode_id}/preview", response_class=HTMLResponse)
def preview(
    episode_id: int, request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep, storage: StorageDep
) -> Response:
    episode = workspace.episode_by_id(session, episode_id)
    show = episode.show
    access.require(identity.user, Role.viewer, show)
    source = episode_source(episode, urls)
    if source is not None and episode.primary_media is not None and not episode.is_live():
        source = replace(source, url=f"/admin/episodes/{episode.id}/audio")
    transcripts = [
        transcript_view(storage, t, urls.transcript(show.slug, episode.slug, t.language, t.format))
        for t in episode.transcripts
    ]
    response: Response = render_page(
        request, "episode.html", cache=False, remember_language=False,
        show=show, episode=episode, source=source, artwork=artwork_url(urls, episode_artwork(episode), 400),
        translations=[], previous=None, following=None, transcripts=transcripts, chapters=episode.chapters or [],
        season_name=show.season_name(episode.season), embed_url=urls.embed(show.slug, episode.slug), embed_code="",
        canonical=None, description=episode.summary, robots="noindex", nav="shows",
    )  # fmt: skip
    _ = gettext_for(request)
    state = "" if episode.is_live() else " " + _("The public cannot see it yet.")
    banner = Markup(
        '<div id="preview-banner" role="note" style="background:#14213d;color:#fff;padding:.6rem 1rem;'
        'font:16px/1.5 system-ui,sans-serif">{text}{state} <a style="color:#fff;font-weight:600" '
        'href="/admin/episodes/{id}">{back}</a></div>'
    ).format(text=_("Preview: this is the episode page as listeners will see it."), state=state, id=episode.id,
             back=_("Back to editing"))  # fmt: skip
    html = bytes(response.body).decode("utf-8")
    at = html.find(">", html.find("<body")) + 1
    body = html[:at] + str(escape(banner)) + html[at:]
    headers = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Content-Language": response.headers.get(
        "content-language", "en")}  # fmt: skip
    return HTMLResponse(body, headers=headers)
