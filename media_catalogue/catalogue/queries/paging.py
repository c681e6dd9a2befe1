"""Bounded slices of the public lists (shows, projects, people, a project's or a person's shows, episodes and
videos) with their totals. Every public list page reads through here or through queries.live_episodes /
queries.list_videos with a limit, so no page's size or query count grows with the catalogue: each slice is one
query for the rows, one count, and a fixed number of selectin loads for what the rows render."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
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


def _episode_page(
    session: Session, statement: Select[Any], page: int, per_page: int, ids: Select[Any] | None = None
) -> Page[Episode]:
    """A page of live episodes newest first, ids first: the count and the page's ids come from the index on
    (show_id, published_at, id) alone (migration 0015), then only that page's rows are read, so page 200 of a
    10,000-episode show reads 50 rows, not the 10,000 before them. `ids`: a cheaper query of the page's ids."""
    total = _count(session, statement)
    order = (Episode.published_at.desc(), Episode.id.desc())
    if ids is None:
        ids = statement.with_only_columns(Episode.id).order_by(*order).offset((page - 1) * per_page).limit(per_page)
    rows = session.scalars(
        select(Episode)
        .where(Episode.id.in_(ids.scalar_subquery()))
        .options(*queries.list_item_loading())
        .order_by(*order)
    ).all()
    return Page(items=rows, total=total, page=page, per_page=per_page)


def shows(
    session: Session, page: int, per_page: int, *, project: Project | None = None, loading: Sequence[Any] | None = None
) -> Page[Show]:
    """Shows by title, with project, seasons and hosts loaded (`loading=()`: none, for the cards of the index,
    home and project pages, templates/_show_card.html, which show none of them)."""
    statement = select(Show).order_by(Show.title, Show.id)
    if project is not None:
        statement = statement.where(Show.project_id == project.id)
    if loading is None:
        loading = [
            selectinload(Show.project),
            selectinload(Show.seasons),
            selectinload(Show.credits).selectinload(Credit.person),
        ]
    return _page(session, statement, page, per_page, loading)


def projects(session: Session, page: int, per_page: int) -> Page[Project]:
    return _page(session, select(Project).order_by(Project.name, Project.id), page, per_page)


def credited() -> ColumnElement[bool]:
    """The person is credited on something: one probe of the credits' person_id index per person, where
    IN (SELECT DISTINCT person_id FROM credits) made the database read and sort every credit (one per episode)."""
    return select(Credit.id).where(Credit.person_id == Person.id).exists()


def people(session: Session, page: int, per_page: int) -> Page[Person]:
    """People credited on anything (the people index), by name."""
    statement = select(Person).where(credited()).order_by(Person.name, Person.id)
    return _page(session, statement, page, per_page)


def episodes(
    session: Session, page: int, per_page: int, *, show: Show | None = None, project: Project | None = None
) -> Page[Episode]:
    """Live episodes newest first, of one show or of every show of a project."""
    statement = queries.live_filter(select(Episode))
    if show is not None:
        statement = statement.where(Episode.show_id == show.id)
    ids = None
    if project is not None:
        statement = statement.where(Episode.show_id.in_(select(Show.id).where(Show.project_id == project.id)))
        if session.get_bind().dialect.name == "postgresql":
            ids = _project_page_ids(project, page, per_page)
    return _episode_page(session, statement, page, per_page, ids)


def _project_page_ids(project: Project, page: int, per_page: int) -> Select[Any]:
    """Page N of a project's episodes merged from each of its shows' newest page * per_page (LATERAL, PostgreSQL
    only): page 1 of a project of 12,000 episodes sorts 21 x 24 ids, not 12,000. The same ids and order."""
    newest = (
        queries.live_filter(select(Episode.id, Episode.published_at))
        .where(Episode.show_id == Show.id)
        .order_by(Episode.published_at.desc(), Episode.id.desc())
        .limit(page * per_page)
        .lateral()
    )
    return (
        select(newest.c.id)
        .select_from(Show)
        .join(newest, true())
        .where(Show.project_id == project.id)
        .order_by(newest.c.published_at.desc(), newest.c.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )


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
    found = _episode_page(session, statement, page, per_page)
    return Page(_with_roles(session, found.items, person, Credit.episode_id), found.total, page, per_page)


def person_videos(session: Session, person: Person, page: int, per_page: int) -> Page[tuple[Video, str]]:
    found = queries.list_videos(session, person=person.slug, page=page, per_page=per_page, loading=())
    return Page(_with_roles(session, found.items, person, Credit.video_id), found.total, page, per_page)


def _sitemap_statement(kind: str, columns: Sequence[Any]) -> Select[Any]:
    """The rows of one kind the sitemap lists, as the given columns."""
    if kind == "shows":
        return select(*columns)
    if kind == "episodes":
        return queries.live_filter(select(*columns))
    if kind == "videos":
        return select(*columns).where(Video.status == Status.published)
    if kind == "projects":
        return select(*columns)
    return select(*columns).where(credited())


_SITEMAP_KEYS: dict[str, Any] = {
    "shows": Show.id, "episodes": Episode.id, "videos": Video.id, "projects": Project.id, "people": Person.id,
}  # fmt: skip


def sitemap_count(session: Session, kind: str) -> int:
    """How many rows of a kind the sitemap lists (the index's child count): a count over the key alone, which
    PostgreSQL answers from an index, never by loading the rows."""
    return int(session.scalar(_sitemap_statement(kind, [func.count(_SITEMAP_KEYS[kind])])) or 0)


def sitemap_slice(session: Session, kind: str, page: int, per_page: int) -> list[Any]:
    """One child sitemap's rows, in a stable order (by id) so an entry stays in its file as the catalogue grows:
    only the columns an entry shows (slug, updated_at, translation_group; an episode's show slug), no objects.
    No count: page N > 1 exists exactly when its slice is not empty."""
    key = _SITEMAP_KEYS[kind]
    if kind == "episodes":  # ids first, from the index in id order (migration 0015), then only their rows
        ids = _sitemap_statement(kind, [Episode.id]).order_by(Episode.id).offset((page - 1) * per_page).limit(per_page)
        columns = [Episode.slug, Episode.updated_at, Episode.translation_group, Show.slug.label("show_slug")]
        statement = select(*columns).join(Show, Episode.show_id == Show.id).where(Episode.id.in_(ids.scalar_subquery()))
        return list(session.execute(statement.order_by(Episode.id)).all())
    elif kind == "shows":
        statement = _sitemap_statement(kind, [Show.slug, Show.updated_at, Show.translation_group])
    elif kind == "videos":
        statement = _sitemap_statement(kind, [Video.slug, Video.updated_at])
    elif kind == "projects":
        statement = _sitemap_statement(kind, [Project.slug])
    else:
        statement = _sitemap_statement(kind, [Person.slug])
    return list(session.execute(statement.order_by(key).offset((page - 1) * per_page).limit(per_page)).all())


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
