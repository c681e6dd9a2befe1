"""Read-side queries of the staff workspace and API: drafts, scheduled, unpublished and deleted rows included (the
public queries never list them). Access checks stay with the callers and the editing services."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...errors import Forbidden, NotFound
from .. import access
from ..accounts import Role, User
from ..models import Credit, Episode, Show, Status, Video, utcnow
from . import episode_loading


def show_slugs(session: Session, show_ids: Iterable[int]) -> dict[int, str]:
    """The slug of each of these shows, by id (a role grant names its show by id)."""
    wanted = set(show_ids)
    if not wanted:
        return {}
    rows = session.execute(select(Show.id, Show.slug).where(Show.id.in_(wanted)))
    return {show_id: slug for show_id, slug in rows}


def episode_by_id(session: Session, episode_id: int) -> Episode:
    """Any episode (draft, scheduled, deleted...) by id, loaded for its edit page; the caller checks the role (so
    that someone without one is told 403, not 404)."""
    episode = session.scalar(select(Episode).where(Episode.id == episode_id).options(*episode_loading()))
    if episode is None:
        raise NotFound(f"No episode {episode_id} exists.")
    return episode


def episode_counts_by_status(session: Session, shows: Iterable[Show]) -> dict[int, dict[str, int]]:
    """Per show id, how many episodes are in each status ("deleted" counted apart from the status they had)."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(Episode.show_id, Episode.status, Episode.deleted_at).where(Episode.show_id.in_([s.id for s in shows]))
    )
    for show_id, status, deleted in rows:
        key = "deleted" if deleted else status.value
        counts.setdefault(show_id, {}).setdefault(key, 0)
        counts[show_id][key] += 1
    return counts


def episode_ids_by_slug(session: Session, show: Show) -> dict[str, int]:
    """Every episode of the show, deleted ones too, as slug -> id (to link a finding to the episode's edit page)."""
    rows = session.execute(select(Episode.slug, Episode.id).where(Episode.show_id == show.id))
    return {slug: episode_id for slug, episode_id in rows}


def undeleted_episodes(session: Session, show: Show) -> list[Episode]:
    """The show's episodes in any status but deleted, by slug."""
    statement = select(Episode).where(Episode.show_id == show.id, Episode.deleted_at.is_(None)).order_by(Episode.slug)
    return list(session.scalars(statement))


def episode_translations(session: Session, episode: Episode) -> list[Episode]:
    """The other episodes of its translation group, in any status."""
    if not episode.translation_group:
        return []
    statement = select(Episode).where(Episode.translation_group == episode.translation_group, Episode.id != episode.id)
    return list(session.scalars(statement))


def reads_unpublished_videos(user: User) -> bool:
    """Drafts and unpublished videos are read by those holding a role (as episode drafts are by the show's roles;
    videos belong to no show, so a role on any show): an account without one reads what the public reads."""
    return access.allowed(user, Role.viewer, anywhere=True)


def all_videos(session: Session, user: User) -> list[Video]:
    """Every video the account may read (see reads_unpublished_videos), newest first (undated last), then by
    title."""
    statement = (
        select(Video).options(selectinload(Video.project)).order_by(Video.published_on.desc().nulls_last(), Video.title)
    )
    if not reads_unpublished_videos(user):
        statement = statement.where(Video.status == Status.published)
    return list(session.scalars(statement).all())


def video_for_editing(session: Session, user: User, slug: str) -> Video:
    """A video in any status, with its project and credited people loaded for the edit form; 403 for a draft or
    unpublished video to an account that may not read it."""
    video = session.scalar(
        select(Video)
        .where(Video.slug == slug)
        .options(selectinload(Video.project), selectinload(Video.credits).selectinload(Credit.person))
    )
    if video is None:
        raise NotFound(f"No video is called '{slug}'.")
    if video.status != Status.published and not reads_unpublished_videos(user):
        raise Forbidden("This video is not published; reading it needs a role on a show.")
    return video


def drafts_without_audio(session: Session, shows: Iterable[Show], limit: int = 20) -> list[Episode]:
    """Undeleted drafts of these shows that have neither an uploaded file nor an external enclosure yet."""
    statement = (
        select(Episode)
        .where(Episode.show_id.in_([s.id for s in shows]), Episode.status == Status.draft, Episode.deleted_at.is_(None))
        .where(Episode.external_enclosure_url.is_(None))
        .options(selectinload(Episode.media_files), selectinload(Episode.show))
        .order_by(Episode.id.desc())
    )
    return [e for e in session.scalars(statement) if e.primary_media is None][:limit]


def scheduled_next(session: Session, shows: Iterable[Show], limit: int = 10) -> list[Episode]:
    """Scheduled episodes of these shows whose time has not come, soonest first."""
    statement = (
        select(Episode)
        .where(Episode.show_id.in_([s.id for s in shows]), Episode.status == Status.scheduled)
        .where(Episode.deleted_at.is_(None), Episode.published_at > utcnow())
        .options(selectinload(Episode.show))
        .order_by(Episode.published_at)
        .limit(limit)
    )
    return list(session.scalars(statement))
