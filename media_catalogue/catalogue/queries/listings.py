"""Read-side listings the public pages need beyond queries.py: what a person appears in, everything of a project,
the sitemap's entries. Same rule as queries.py: only live episodes and published videos are ever listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import queries
from ..models import Credit, Episode, Person, Project, Show, Status, Video


@dataclass
class Appearances:
    """Everything one person is credited on, with the role, newest first."""

    shows: list[tuple[Show, str]] = field(default_factory=list)
    episodes: list[tuple[Episode, str]] = field(default_factory=list)
    videos: list[tuple[Video, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.shows or self.episodes or self.videos)


def appearances(session: Session, person: Person) -> Appearances:
    credits = session.scalars(
        select(Credit)
        .where(Credit.person_id == person.id)
        .options(
            selectinload(Credit.show),
            selectinload(Credit.episode).selectinload(Episode.show),
            selectinload(Credit.episode).selectinload(Episode.media_files),
            selectinload(Credit.video),
        )
        .order_by(Credit.id)
    ).all()
    found = Appearances()
    seen: set[tuple[str, int]] = set()
    for credit in credits:
        if credit.show is not None and ("show", credit.show.id) not in seen:
            seen.add(("show", credit.show.id))
            found.shows.append((credit.show, credit.role))
        if credit.episode is not None and credit.episode.is_live() and ("episode", credit.episode.id) not in seen:
            seen.add(("episode", credit.episode.id))
            found.episodes.append((credit.episode, credit.role))
        if (
            credit.video is not None
            and credit.video.status == Status.published
            and ("video", credit.video.id) not in seen
        ):
            seen.add(("video", credit.video.id))
            found.videos.append((credit.video, credit.role))
    found.episodes.sort(key=lambda item: (item[0].published_at or datetime.min, item[0].id), reverse=True)
    found.videos.sort(
        key=lambda item: (item[0].published_on is not None, item[0].published_on or date.min, item[0].id), reverse=True
    )
    return found


def project_shows(session: Session, project: Project) -> list[Show]:
    return list(session.scalars(select(Show).where(Show.project_id == project.id).order_by(Show.title, Show.id)))


def project_videos(session: Session, project: Project) -> list[Video]:
    return list(queries.list_videos(session, project=project.slug, per_page=1000).items)


def latest_videos(session: Session, limit: int = 6) -> list[Video]:
    return list(queries.list_videos(session, per_page=limit, loading=()).items)


def episode_counts(session: Session, show_ids: list[int] | None = None) -> dict[int, int]:
    """Live episodes per show id (of the given shows only, when given), in one query."""
    from sqlalchemy import func

    statement = queries.live_filter(select(Episode.show_id, func.count()).group_by(Episode.show_id))  # type: ignore[arg-type]
    if show_ids is not None:
        statement = statement.where(Episode.show_id.in_(show_ids))
    return {show_id: count for show_id, count in session.execute(statement)}


def people_with_appearances(session: Session) -> list[Person]:
    """People credited on at least one show, live episode or published video (nobody else gets a public page
    in the people index; a direct link to any person still works)."""
    credited = select(Credit.person_id).distinct()
    return list(session.scalars(select(Person).where(Person.id.in_(credited)).order_by(Person.name, Person.id)))


def published_videos(session: Session) -> list[Video]:
    return list(session.scalars(select(Video).where(Video.status == Status.published).order_by(Video.slug)))
