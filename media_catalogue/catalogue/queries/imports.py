"""Reads the importers need: a show by slug whatever its state, all of a show's episodes (deleted ones too, so a
re-import never duplicates them), GUIDs already taken by other shows, people by slug, videos by provider id, and the
feed list of /feeds.opml."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Episode, Person, Show, Video


def show_by_slug(session: Session, slug: str) -> Show | None:
    return session.scalar(select(Show).where(Show.slug == slug))


def all_episodes(session: Session, show: Show) -> list[Episode]:
    statement = (
        select(Episode)
        .where(Episode.show_id == show.id)
        .options(
            selectinload(Episode.media_files),
            selectinload(Episode.transcripts),
            selectinload(Episode.credits),
            selectinload(Episode.links),
        )
        .order_by(Episode.id)
    )
    return list(session.scalars(statement))


def guids_elsewhere(session: Session, guids: Iterable[str], show: Show | None) -> list[tuple[str, str]]:
    """(guid, show slug) for each of these GUIDs that an episode of another show already has."""
    wanted = list(dict.fromkeys(guids))
    found: list[tuple[str, str]] = []
    for start in range(0, len(wanted), 500):
        statement = select(Episode.guid, Show.slug).join(Show, Episode.show_id == Show.id)
        statement = statement.where(Episode.guid.in_(wanted[start : start + 500]))
        if show is not None and show.id is not None:
            statement = statement.where(Episode.show_id != show.id)
        found += [(str(guid), str(slug)) for guid, slug in session.execute(statement)]
    return found


def podcast_guid_owner(session: Session, podcast_guid: str) -> Show | None:
    return session.scalar(select(Show).where(Show.podcast_guid == podcast_guid))


def people_by_slug(session: Session, slugs: Iterable[str]) -> dict[str, Person]:
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    return {p.slug: p for p in session.scalars(select(Person).where(Person.slug.in_(wanted)))}


def videos_by_provider(session: Session, provider: str) -> dict[str, Video]:
    return {
        str(v.provider_id): v
        for v in session.scalars(select(Video).where(Video.provider == provider, Video.provider_id.is_not(None)))
    }


def taken_video_slugs(session: Session) -> set[str]:
    return set(session.scalars(select(Video.slug)))


def feed_list(session: Session) -> list[Show]:
    """Every show, by title, for the OPML list of feeds."""
    return list(session.scalars(select(Show).order_by(Show.title, Show.slug)))
