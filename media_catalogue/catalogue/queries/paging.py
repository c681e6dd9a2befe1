"""Bounded slices of the public lists (shows, projects, people, a project's or a person's shows, episodes and
videos) with their totals. Every public list page reads through here or through queries.live_episodes /
queries.list_videos with a limit, so no page's size or query count grows with the catalogue: each slice is one
query for the rows, one count, and a fixed number of selectin loads for what the rows render."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from .. import queries
from ..models import Credit, Episode, Person, Project, Show, Status, Video
from . import Page


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0)


def _page(session: Session, statement: Select[Any], page: int, per_page: int, options: Sequence[Any] = ()) -> Page:
    total = _count(session, statement)
    rows = session.scalars(statement.options(*options).offset((page - 1) * per_page).limit(per_page)).all()
    return Page(items=rows, total=total, page=page, per_page=per_page)


def shows(session: Session, page: int, per_page: int, *, project: Project | None = None) -> Page[Show]:
    statement = select(Show).order_by(Show.title, Show.id)
    if project is not None:
        statement = statement.where(Show.project_id == project.id)
    options = [
        selectinload(Show.project),
        selectinload(Show.seasons),
        selectinload(Show.credits).selectinload(Credit.person),
    ]
    return _page(session, statement, page, per_page, options)


def projects(session: Session, page: int, per_page: int) -> Page[Project]:
    return _page(session, select(Project).order_by(Project.name, Project.id), page, per_page)


def people(session: Session, page: int, per_page: int) -> Page[Person]:
    """People credited on anything (the people index), by name."""
    credited = select(Credit.person_id).distinct()
    statement = select(Person).where(Person.id.in_(credited)).order_by(Person.name, Person.id)
    return _page(session, statement, page, per_page)


def episodes(
    session: Session, page: int, per_page: int, *, show: Show | None = None, project: Project | None = None
) -> Page[Episode]:
    """Live episodes newest first, of one show or of every show of a project."""
    statement = queries.live_filter(select(Episode))
    if show is not None:
        statement = statement.where(Episode.show_id == show.id)
    if project is not None:
        statement = statement.where(Episode.show_id.in_(select(Show.id).where(Show.project_id == project.id)))
    statement = statement.order_by(Episode.published_at.desc(), Episode.id.desc())
    return _page(session, statement, page, per_page, queries.episode_loading())


def _first_credits(person: Person, column: Any) -> Any:
    """Per credited row, the person's first credit on it (its role is the one shown)."""
    return (
        select(func.min(Credit.id).label("credit_id"), column.label("owner_id"))
        .where(Credit.person_id == person.id, column.is_not(None))
        .group_by(column)
        .subquery()
    )


def _with_roles(session: Session, owners: Sequence[Any], person: Person, column: Any) -> list[tuple[Any, str]]:
    if not owners:
        return []
    ids = [owner.id for owner in owners]
    rows = session.execute(
        select(column, Credit.role).where(Credit.person_id == person.id, column.in_(ids)).order_by(Credit.id)
    ).all()
    roles: dict[int, str] = {}
    for owner_id, role in rows:
        roles.setdefault(owner_id, role)
    return [(owner, roles.get(owner.id, "")) for owner in owners]


def person_shows(session: Session, person: Person, page: int, per_page: int) -> Page[tuple[Show, str]]:
    first = _first_credits(person, Credit.show_id)
    statement = select(Show).join(first, first.c.owner_id == Show.id).order_by(first.c.credit_id)
    found = _page(session, statement, page, per_page)
    return Page(_with_roles(session, found.items, person, Credit.show_id), found.total, page, per_page)


def person_episodes(session: Session, person: Person, page: int, per_page: int) -> Page[tuple[Episode, str]]:
    credited = select(Credit.episode_id).where(Credit.person_id == person.id, Credit.episode_id.is_not(None))
    statement = queries.live_filter(select(Episode)).where(Episode.id.in_(credited))
    statement = statement.order_by(Episode.published_at.desc(), Episode.id.desc())
    found = _page(session, statement, page, per_page, queries.episode_loading())
    return Page(_with_roles(session, found.items, person, Credit.episode_id), found.total, page, per_page)


def person_videos(session: Session, person: Person, page: int, per_page: int) -> Page[tuple[Video, str]]:
    found = queries.list_videos(session, person=person.slug, page=page, per_page=per_page)
    return Page(_with_roles(session, found.items, person, Credit.video_id), found.total, page, per_page)


def sitemap_slice(session: Session, kind: str, page: int, per_page: int) -> Page[Any]:
    """One child sitemap's rows, in a stable order (by id) so an entry stays in its file as the catalogue grows."""
    statement: Select[Any]
    options: list[Any] = []
    if kind == "shows":
        statement = select(Show).order_by(Show.id)
    elif kind == "episodes":
        statement = queries.live_filter(select(Episode)).order_by(Episode.id)
        options = [selectinload(Episode.show)]
    elif kind == "videos":
        statement = select(Video).where(Video.status == Status.published).order_by(Video.id)
    elif kind == "projects":
        statement = select(Project).order_by(Project.id)
    else:
        statement = select(Person).where(Person.id.in_(select(Credit.person_id).distinct())).order_by(Person.id)
    return _page(session, statement, page, per_page, options)


def translation_siblings(session: Session, kind: str, groups: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """(language, show slug, episode slug or "") of every live member of the given translation groups."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    if not groups:
        return found
    if kind == "shows":
        for group, language, slug in session.execute(
            select(Show.translation_group, Show.language, Show.slug).where(Show.translation_group.in_(groups))
        ):
            found.setdefault(group or "", []).append((language, slug, ""))
        return found
    statement = queries.live_filter(
        select(Episode.translation_group, Show.language, Show.slug, Episode.slug)
        .join(Show, Episode.show_id == Show.id)
        .where(Episode.translation_group.in_(groups))
    )
    for group, language, show_slug, slug in session.execute(statement):
        found.setdefault(group or "", []).append((language, show_slug, slug))
    return found
