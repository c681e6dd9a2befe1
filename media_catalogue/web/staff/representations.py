"""What the staff API answers for each object: the public representation (web/api.py) plus what only staff see."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...catalogue import queries
from ...catalogue.editing import episodes as episode_editing
from ...catalogue.editing import records as record_editing
from ...catalogue.models import Episode, Person, Project, Show, Video
from ...urls import UrlPlan
from ..api import episode_out, show_out, video_out
from .schemas import StaffEpisodeOut, StaffPersonOut, StaffProjectOut, StaffShowOut, StaffVideoOut


def staff_episode(episode: Episode, urls: UrlPlan) -> StaffEpisodeOut:
    public = episode_out(episode, urls).model_dump()
    return StaffEpisodeOut(
        **public,
        etag=episode_editing.etag(episode),
        id=episode.id,
        status=episode.status.value,
        live=episode.is_live(),
        deleted_at=episode.deleted_at,
        created_at=episode.created_at,
        updated_at=episode.updated_at,
        show_notes=episode.show_notes,
        explicit=episode.explicit,
        chapters=episode.chapters,
        translation_group=episode.translation_group,
        artwork_url=urls.artwork(episode.artwork_key) if episode.artwork_key else None,
        preview_url=urls.absolute(f"/admin/episodes/{episode.id}/preview"),
    )


def staff_show(session: Session, show: Show, urls: UrlPlan) -> StaffShowOut:
    public = show_out(show, urls, queries.show_translations(session, show)).model_dump()
    return StaffShowOut(
        **public,
        etag=record_editing.etag(show),
        id=show.id,
        subtitle=show.subtitle,
        owner_name=show.owner_name,
        owner_email=show.owner_email,
        copyright=show.copyright,
        timezone=show.timezone,
        translation_group=show.translation_group,
        complete=show.complete,
    )


def staff_video(video: Video, urls: UrlPlan) -> StaffVideoOut:
    return StaffVideoOut(
        **video_out(video, urls).model_dump(), etag=record_editing.etag(video), status=video.status.value
    )


def staff_person(person: Person) -> StaffPersonOut:
    return StaffPersonOut(etag=record_editing.etag(person), **record_editing.snapshot(person))


def staff_project(project: Project) -> StaffProjectOut:
    return StaffProjectOut(etag=record_editing.etag(project), **record_editing.snapshot(project))
