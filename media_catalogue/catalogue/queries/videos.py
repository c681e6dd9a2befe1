"""What the video listing offers beyond queries.list_videos: the values its filters can take (languages, years,
people, projects that have published videos) and the series that videos form (the Rwandan diaspora vlogs, the
Actiris video podcasts...). Only published videos count, as everywhere on the public side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from ..models import Credit, Person, Project, Status, Video

MIN_SERIES = 2  # one video alone is not a series


@dataclass(frozen=True)
class Facets:
    languages: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


@dataclass(frozen=True)
class Series:
    name: str
    videos: Sequence[Video]

    @property
    def kinds(self) -> list[str]:
        return sorted({video.kind.value for video in self.videos})

    @property
    def project(self) -> Project | None:
        projects = {video.project.id: video.project for video in self.videos if video.project is not None}
        return next(iter(projects.values())) if len(projects) == 1 else None


def _published() -> ColumnElement[bool]:
    return Video.status == Status.published


def facets(session: Session) -> Facets:
    languages = session.scalars(
        select(Video.language).where(_published(), Video.language.is_not(None)).distinct().order_by(Video.language)
    ).all()
    dates = session.scalars(select(Video.published_on).where(_published(), Video.published_on.is_not(None))).all()
    people = session.scalars(
        select(Person)
        .where(Person.id.in_(select(Credit.person_id).join(Video, Credit.video_id == Video.id).where(_published())))
        .order_by(Person.name, Person.id)
    ).all()
    projects = session.scalars(
        select(Project)
        .where(Project.id.in_(select(Video.project_id).where(_published(), Video.project_id.is_not(None))))
        .order_by(Project.name, Project.id)
    ).all()
    return Facets(
        languages=[language for language in languages if language],
        years=sorted({value.year for value in dates if value is not None}, reverse=True),
        people=list(people),
        projects=list(projects),
    )


def _ordered(videos: Sequence[Video]) -> list[Video]:
    """A series in its order: oldest first (the way it was released), undated ones after, then by title."""
    dated = sorted((v for v in videos if v.published_on), key=lambda v: (v.published_on, v.title, v.id))
    undated = sorted((v for v in videos if not v.published_on), key=lambda v: (v.title, v.slug))
    return dated + undated


def all_series(session: Session, *, project: Project | None = None) -> list[Series]:
    """Every series of at least two published videos, biggest first, then by name."""
    statement = (
        select(Video)
        .where(_published(), Video.series.is_not(None), Video.series != "")
        .options(selectinload(Video.project))
    )
    if project is not None:
        statement = statement.where(Video.project_id == project.id)
    groups: dict[str, list[Video]] = {}
    for video in session.scalars(statement):
        groups.setdefault(video.series or "", []).append(video)
    found = [Series(name, _ordered(videos)) for name, videos in groups.items() if len(videos) >= MIN_SERIES]
    found.sort(key=lambda series: (-len(series.videos), series.name, series.videos[0].id if series.videos else 0))
    return found


def series_of(session: Session, video: Video) -> Series | None:
    """The series a video belongs to, with all its published videos in order; None when it stands alone."""
    if not video.series:
        return None
    videos = session.scalars(
        select(Video).where(_published(), Video.series == video.series).options(selectinload(Video.project))
    ).all()
    if len(videos) < MIN_SERIES:
        return None
    return Series(video.series, _ordered(videos))
