"""Episodes of a show, drafts and deleted ones too: create, read, update, soft-delete, the publishing actions
(publish, unpublish, restore, schedule) and the chapters. Uploads are in web.staff.media."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response

from ...catalogue.accounts import Role
from ...catalogue.editing import episodes as episode_editing
from ...catalogue.models import Show
from ...media.chapters import parse_chapters
from ..auth import Staff, require
from ..deps import SessionDep, UrlsDep
from .conventions import IfMatch, patch_fields, required_role, with_etag
from .representations import staff_episode
from .schemas import ScheduleIn, StaffEpisodeOut

router = APIRouter()


@router.get("/shows/{show}/episodes", response_model=list[StaffEpisodeOut], summary="All episodes, drafts too")
def list_episodes(
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.viewer, show=True))],
    deleted: Annotated[bool, Query(description="Include deleted episodes.")] = False,
) -> list[StaffEpisodeOut]:
    return [
        staff_episode(e, urls) for e in episode_editing.list_episodes(session, identity, found, include_deleted=deleted)
    ]


@router.post(
    "/shows/{show}/episodes",
    response_model=StaffEpisodeOut,
    status_code=201,
    summary="Create a draft episode (contributor)",
    openapi_extra=required_role(Role.contributor, "of the show"),
)
def create_episode(
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    body: episode_editing.EpisodeFields,
) -> StaffEpisodeOut:
    episode = episode_editing.create_episode(session, identity, found, body)
    session.commit()
    return with_etag(response, staff_episode(episode, urls))


@router.get("/shows/{show}/episodes/{episode}", response_model=StaffEpisodeOut, summary="One episode, with its ETag")
def get_episode(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.viewer, show=True))],
) -> StaffEpisodeOut:
    return with_etag(response, staff_episode(episode_editing.get_episode(session, identity, found, episode), urls))


@router.patch(
    "/shows/{show}/episodes/{episode}",
    response_model=StaffEpisodeOut,
    summary="Update an episode (contributor for drafts, editor otherwise; If-Match)",
    openapi_extra=required_role(Role.contributor, "of the show"),
)
def update_episode(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    body: Annotated[dict[str, Any], Body(description="Any fields of EpisodeFields.")],
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = episode_editing.get_episode(session, identity, found, episode)
    episode_editing.require_edit(identity, row)
    current = episode_editing.snapshot(row) | {"translations": []}
    fields, sent = patch_fields(episode_editing.EpisodeFields, current, body)
    episode_editing.update_episode(session, identity, row, fields, sent, if_match)
    session.commit()
    return with_etag(response, staff_episode(row, urls))


@router.delete(
    "/shows/{show}/episodes/{episode}",
    response_model=StaffEpisodeOut,
    summary="Soft-delete an episode: GUID kept reserved, files kept for 30 days (If-Match)",
    openapi_extra=required_role(Role.contributor, "of the show (editor once published)"),
)
def delete_episode(
    episode: str,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = episode_editing.get_episode(session, identity, found, episode)
    episode_editing.delete(session, identity, row, if_match=if_match)
    session.commit()
    return staff_episode(row, urls)


def _action(name: str, summary: str) -> None:
    """POST .../{episode}/{name}: one publishing action of the editing service (editor; If-Match)."""

    def route(
        episode: str,
        response: Response,
        session: SessionDep,
        urls: UrlsDep,
        identity: Staff,
        found: Annotated[Show, Depends(require(Role.editor, show=True))],
        if_match: IfMatch = None,
    ) -> StaffEpisodeOut:
        row = episode_editing.get_episode(session, identity, found, episode)
        if name == "restore":
            episode_editing.restore(session, identity, row)
        else:
            getattr(episode_editing, name)(session, identity, row, if_match=if_match)
        session.commit()
        return with_etag(response, staff_episode(row, urls))

    router.post(
        f"/shows/{{show}}/episodes/{{episode}}/{name}",
        response_model=StaffEpisodeOut,
        summary=summary,
        name=f"{name}_episode",
        openapi_extra=required_role(Role.editor, "of the show"),
    )(route)


_action("publish", "Publish now (editor)")
_action("unpublish", "Take out of feeds and pages; the GUID stays reserved (editor)")
_action("restore", "Restore a deleted episode, unpublished (editor)")


@router.post(
    "/shows/{show}/episodes/{episode}/schedule",
    response_model=StaffEpisodeOut,
    summary="Schedule: goes live at published_at without anyone acting (editor)",
    openapi_extra=required_role(Role.editor, "of the show"),
)
def schedule_episode(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.editor, show=True))],
    body: ScheduleIn,
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = episode_editing.get_episode(session, identity, found, episode)
    episode_editing.schedule(session, identity, row, body.published_at, if_match=if_match)
    session.commit()
    return with_etag(response, staff_episode(row, urls))


@router.put(
    "/shows/{show}/episodes/{episode}/chapters",
    response_model=StaffEpisodeOut,
    summary="Replace the chapters (Podcasting 2.0 JSON chapters)",
    openapi_extra=required_role(Role.contributor, "of the show"),
)
def put_chapters(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    body: Annotated[
        list[dict[str, Any]] | dict[str, Any], Body(description="[{startTime, title}] or {chapters: [...]}")
    ],
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = episode_editing.get_episode(session, identity, found, episode)
    episode_editing.require_edit(identity, row)
    fields = episode_editing.EpisodeFields(title=row.title, chapters=parse_chapters(body) or None)
    episode_editing.update_episode(session, identity, row, fields, {"chapters"}, if_match or episode_editing.etag(row))
    session.commit()
    return with_etag(response, staff_episode(row, urls))
