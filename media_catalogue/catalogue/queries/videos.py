"""What the video listing offers beyond queries.list_videos: the values its filters can take (languages, years,
people, projects that have published videos) and the series that videos form (the Rwandan diaspora vlogs, the
Actiris video podcasts...). Only published videos count, as everywhere on the public side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Credit, Person, Project, Status, Video, VideoKind

MIN_SERIES = 2  # one video alone is not a series


@dataclass(frozen=True)
class Facets:
    languages: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    people: list[Any] = field(default_factory=list)  # rows of (slug, name)
    projects: list[Any] = field(default_factory=list)  # rows of (slug, name)


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
    """The filters' choices: languages and years computed by the database, people and projects as (slug, name)
    rows, the only columns the filter form shows (not a thousand whole Person objects)."""
    languages = session.scalars(
        select(Video.language).where(_published(), Video.language.is_not(None)).distinct().order_by(Video.language)
    ).all()
    year = func.extract("year", Video.published_on)
    years = session.scalars(select(year).where(_published(), Video.published_on.is_not(None)).distinct()).all()
    people = session.execute(
        select(Person.slug, Person.name)
        .where(Person.id.in_(select(Credit.person_id).join(Video, Credit.video_id == Video.id).where(_published())))
        .order_by(Person.name, Person.id)
    ).all()
    projects = session.execute(
        select(Project.slug, Project.name)
        .where(Project.id.in_(select(Video.project_id).where(_published(), Video.project_id.is_not(None))))
        .order_by(Project.name, Project.id)
    ).all()
    return Facets(
        languages=[language for language in languages if language],
        years=sorted({int(value) for value in years if value is not None}, reverse=True),
        people=list(people),
        projects=list(projects),
    )


def _ordered(videos: Sequence[Video]) -> list[Video]:
    """A series in its order: oldest first (the way it was released), undated ones after, then by title."""
    dated = sorted((v for v in videos if v.published_on), key=lambda v: (v.published_on, v.title, v.id))
    undated = sorted((v for v in videos if not v.published_on), key=lambda v: (v.title, v.slug))
    return dated + undated


@dataclass(frozen=True)
class SeriesSummary:
    """A series as the video listing shows it: its name, size, kinds and project, without its videos."""

    name: str
    count: int
    kinds: list[str]
    project: Project | None


def all_series(session: Session, *, project: Project | None = None) -> list[SeriesSummary]:
    """Every series of at least two published videos, biggest first, then by name: counted by the database (one
    row per series and kind), not by loading every video of every series."""
    named = [_published(), Video.series.is_not(None), Video.series != ""]
    if project is not None:
        named.append(Video.project_id == project.id)
    rows = session.execute(
        select(
            Video.series,
            Video.kind,
            func.count(),
            func.min(Video.project_id),
            func.max(Video.project_id),
            func.count(Video.project_id),
        )
        .where(*named)
        .group_by(Video.series, Video.kind)
    ).all()
    groups: dict[str, dict[str, Any]] = {}
    for name, kind, count, low, high, with_project in rows:
        group = groups.setdefault(name or "", {"count": 0, "kinds": set(), "projects": set()})
        group["count"] += count
        group["kinds"].add(VideoKind(kind).value)
        if with_project:
            group["projects"].update({low, high})
    kept = {name: group for name, group in groups.items() if group["count"] >= MIN_SERIES}
    single = {name: next(iter(g["projects"])) for name, g in kept.items() if len(g["projects"]) == 1}
    projects = {p.id: p for p in session.scalars(select(Project).where(Project.id.in_(set(single.values()))))}
    found = [
        SeriesSummary(
            name, group["count"], sorted(group["kinds"]), projects.get(single[name]) if name in single else None
        )
        for name, group in kept.items()
    ]
    found.sort(key=lambda series: (-series.count, series.name))  # names are unique: a total order
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
