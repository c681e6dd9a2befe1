"""Read-side queries shared by feeds, pages, the API and the CLI: one definition of "live", one of "find by slug"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...errors import N_, Gone, Invalid, NotFound
from ..models import (
    LIVE_STATUSES,
    Credit,
    Episode,
    Person,
    Project,
    Show,
    SlugRedirect,
    Status,
    Video,
    VideoKind,
    utcnow,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):  # noqa: UP046 - Python 3.11 has no PEP 695 syntax
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# Any select statement, whatever its columns (SQLAlchemy 2.0 and 2.1 spell the column types differently).
SelectT = TypeVar("SelectT", bound=Select)


def episode_loading() -> list[Any]:
    """Everything an episode's page, feed item or API object shows, in a few queries instead of one per row."""
    return [
        selectinload(Episode.show).selectinload(Show.seasons),
        selectinload(Episode.media_files),
        selectinload(Episode.transcripts),
        selectinload(Episode.credits).selectinload(Credit.person),
        selectinload(Episode.links),
    ]


def list_item_loading() -> list[Any]:
    """What one episode in a public list shows (templates/_episode_item.html: its show, its primary file's duration):
    a list of 50 loads two related tables, not the five a whole episode needs, and no row it does not render."""
    return [selectinload(Episode.show), selectinload(Episode.media_files)]


def live_filter(statement: SelectT, now: datetime | None = None) -> SelectT:
    """Published or scheduled, not deleted, and its time has passed: the only episodes the public sees."""
    return statement.where(
        Episode.status.in_(LIVE_STATUSES),
        Episode.deleted_at.is_(None),
        Episode.published_at.is_not(None),
        Episode.published_at <= (now or utcnow()),
    )


def live_episodes(
    session: Session,
    *,
    show: Show | None = None,
    project: Project | None = None,
    limit: int | None = None,
    offset: int = 0,
    now: datetime | None = None,
    loading: Sequence[Any] | None = None,
) -> list[Episode]:
    """Live episodes newest first, with everything feeds and pages render loaded in a few queries (`loading`:
    less, for a list that shows less, e.g. list_item_loading())."""
    options = episode_loading() if loading is None else loading
    statement = live_filter(select(Episode), now).options(*options)  # type: ignore[arg-type]
    if show is not None:
        statement = statement.where(Episode.show_id == show.id)
    if project is not None:
        statement = statement.join(Show, Episode.show_id == Show.id).where(Show.project_id == project.id)
    statement = statement.order_by(Episode.published_at.desc(), Episode.id.desc()).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.scalars(statement))


def count_live_episodes(session: Session, *, show: Show | None = None, now: datetime | None = None) -> int:
    statement = live_filter(select(Episode), now)
    if show is not None:
        statement = statement.where(Episode.show_id == show.id)
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def next_scheduled_time(session: Session, *, now: datetime | None = None) -> datetime | None:
    """When the next published-but-future episode goes live: caches built before then must be rebuilt at it."""
    return session.scalar(
        select(func.min(Episode.published_at)).where(
            Episode.status.in_(LIVE_STATUSES),
            Episode.deleted_at.is_(None),
            Episode.published_at > (now or utcnow()),
        )
    )


def _redirect_target(session: Session, kind: str, slug: str, scope: str = "") -> int | None:
    return session.scalar(
        select(SlugRedirect.target_id).where(
            SlugRedirect.kind == kind, SlugRedirect.scope == scope, SlugRedirect.old_slug == slug
        )
    )


class Moved(Exception):
    """The slug was renamed; the web layer answers 301 to the new one."""

    def __init__(self, new_slug: str, old_slug: str, kind: str) -> None:
        super().__init__(new_slug)
        self.new_slug = new_slug
        self.old_slug = old_slug
        self.kind = kind  # show | episode | video: which segment of the path was renamed


def list_shows(session: Session) -> list[Show]:
    return list(
        session.scalars(
            select(Show)
            .options(selectinload(Show.project), selectinload(Show.seasons), selectinload(Show.credits))
            .order_by(Show.title, Show.id)
        )
    )


def get_show(session: Session, slug: str) -> Show:
    show = session.scalar(
        select(Show)
        .where(Show.slug == slug)
        .options(
            selectinload(Show.project),
            selectinload(Show.seasons),
            selectinload(Show.credits).selectinload(Credit.person),
        )
    )
    if show is None:
        target = _redirect_target(session, "show", slug)
        if target is not None and (moved := session.get(Show, target)) is not None:
            raise Moved(moved.slug, slug, "show")
        raise NotFound(N_("No show is called '%(slug)s'."), params={"slug": slug})
    return show


def show_translations(session: Session, show: Show) -> list[Show]:
    if not show.translation_group:
        return []
    return list(
        session.scalars(
            select(Show)
            .where(Show.translation_group == show.translation_group, Show.id != show.id)
            .order_by(Show.language, Show.id)
        )
    )


def show_translations_of(session: Session, shows: Sequence[Show]) -> dict[int, list[Show]]:
    """The other-language versions of each of the given shows, by show id, in one query."""
    groups = {show.translation_group for show in shows if show.translation_group}
    if not groups:
        return {}
    members = session.scalars(
        select(Show).where(Show.translation_group.in_(groups)).order_by(Show.language, Show.id)
    ).all()
    return {
        show.id: [m for m in members if m.translation_group == show.translation_group and m.id != show.id]
        for show in shows
    }


def get_episode(session: Session, show: Show, slug: str, *, include_unpublished: bool = False) -> Episode:
    """The episode as the public may see it: 404 if unknown or not yet out, 410 once unpublished or deleted."""
    episode = session.scalar(
        select(Episode).where(Episode.show_id == show.id, Episode.slug == slug).options(*episode_loading())  # type: ignore[arg-type]
    )
    if episode is None:
        target = _redirect_target(session, "episode", slug, scope=str(show.id))
        if target is not None and (moved := session.get(Episode, target)) is not None:
            raise Moved(moved.slug, slug, "episode")
        raise NotFound(N_("The show '%(show)s' has no episode '%(slug)s'."), params={"show": show.slug, "slug": slug})
    if include_unpublished:
        return episode
    if episode.deleted_at is not None or episode.status == Status.unpublished:
        raise Gone(
            N_("The episode '%(slug)s' of '%(show)s' is no longer available."), params={"show": show.slug, "slug": slug}
        )
    if not episode.is_live():
        raise NotFound(N_("The show '%(show)s' has no episode '%(slug)s'."), params={"show": show.slug, "slug": slug})
    return episode


def list_all_episodes(session: Session, show: Show) -> list[Episode]:
    """Every episode of a show whatever its status (drafts, scheduled, deleted), newest first: for operators."""
    statement = (
        select(Episode).where(Episode.show_id == show.id).order_by(Episode.published_at.desc(), Episode.id.desc())
    )
    return list(session.scalars(statement))


def episode_translations(session: Session, episode: Episode) -> list[Episode]:
    if not episode.translation_group:
        return []
    statement = live_filter(select(Episode)).where(
        Episode.translation_group == episode.translation_group, Episode.id != episode.id
    )
    return list(session.scalars(statement.options(selectinload(Episode.show))))  # type: ignore[arg-type]


def neighbours(session: Session, episode: Episode) -> tuple[Episode | None, Episode | None]:
    """(previous, next) live episodes of the same show in the order the lists and feeds use: publication time, then
    id for episodes published at the same time (a total order, so every episode has its own neighbours)."""
    base = live_filter(select(Episode)).where(Episode.show_id == episode.show_id, Episode.id != episode.id)
    when, key = episode.published_at, episode.id
    same_time = Episode.published_at == when
    previous = session.scalar(
        base.where(or_(Episode.published_at < when, and_(same_time, Episode.id < key)))
        .order_by(Episode.published_at.desc(), Episode.id.desc())
        .limit(1)
    )
    following = session.scalar(
        base.where(or_(Episode.published_at > when, and_(same_time, Episode.id > key)))
        .order_by(Episode.published_at, Episode.id)
        .limit(1)
    )
    return previous, following


def list_videos(
    session: Session,
    *,
    project: str | None = None,
    person: str | None = None,
    language: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    series: str | None = None,
    page: int = 1,
    per_page: int = 24,
    loading: Sequence[Any] | None = None,
) -> Page[Video]:
    """Published videos newest first, with their project, credits and links loaded (`loading=()`: none of them,
    for a list whose items show none, templates/_video_item.html)."""
    statement = select(Video).where(Video.status == Status.published)
    if project:
        statement = statement.join(Project, Video.project_id == Project.id).where(Project.slug == project)
    if person:
        statement = statement.where(
            Video.id.in_(
                select(Credit.video_id).join(Person, Credit.person_id == Person.id).where(Person.slug == person)
            )
        )
    if language:
        statement = statement.where(Video.language == language)
    if kind:
        statement = statement.where(Video.kind == _video_kind(kind))
    if year:
        statement = statement.where(func.extract("year", Video.published_on) == year)
    if series:
        statement = statement.where(Video.series == series)
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    if loading is None:
        loading = [
            selectinload(Video.project),
            selectinload(Video.credits).selectinload(Credit.person),
            selectinload(Video.links),
        ]
    items = session.scalars(
        statement.options(*loading)
        .order_by(Video.published_on.desc().nulls_last(), Video.title, Video.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(items=items, total=total, page=page, per_page=per_page)


def _video_kind(value: str) -> VideoKind:
    try:
        return VideoKind(value)
    except ValueError:
        accepted = ", ".join(kind.value for kind in VideoKind)
        raise Invalid(f"'{value}' is not a kind of video; use one of {accepted}.", field="kind") from None


def get_video(session: Session, slug: str) -> Video:
    video = session.scalar(
        select(Video)
        .where(Video.slug == slug)
        .options(
            selectinload(Video.project),
            selectinload(Video.credits).selectinload(Credit.person),
            selectinload(Video.links),
        )
    )
    if video is None:
        target = _redirect_target(session, "video", slug)
        if target is not None and (moved := session.get(Video, target)) is not None:
            raise Moved(moved.slug, slug, "video")
        raise NotFound(N_("No video is called '%(slug)s'."), params={"slug": slug})
    if video.status != Status.published:
        raise Gone(N_("The video '%(slug)s' is no longer available."), params={"slug": slug})
    return video


def get_project(session: Session, slug: str) -> Project:
    project = session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise NotFound(N_("No project is called '%(slug)s'."), params={"slug": slug})
    return project


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).order_by(Project.name, Project.id)))


def get_person(session: Session, slug: str) -> Person:
    person = session.scalar(select(Person).where(Person.slug == slug))
    if person is None:
        raise NotFound(N_("No person is called '%(slug)s'."), params={"slug": slug})
    return person


def list_people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.name, Person.id)))
