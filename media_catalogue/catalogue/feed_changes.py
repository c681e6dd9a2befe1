"""Which public feeds changed since they were last announced (to a WebSub hub), decided from the database alone, so
that whichever host holds the lease (catalogue.leases) announces each change once, whether it came from an edit on
any host or from a scheduled episode reaching its time, with nobody requesting the feed.

A show's feed changed when its content version moved (every edit of the show or its episodes touches it, see
catalogue.versions) or when one of its episodes went live by the clock since the last look. Marks live in
catalogue_state: `websub:clock` (milliseconds of the last look) and `websub:show:<id>` (content version announced).
The first look only sets the marks: there is nothing to announce about the past.

What lies outside shows is compared by digest, as it has no counter: a project's own fields (its podcast feed's
channel: `websub:project:<id>`) and the videos with their credited people, per project and in all
(`websub:videos:<project id>`, `websub:videos:all`), for the video feeds. A person's edit moves the content version
of every show crediting them (versions.touch_credited), so it reaches the show feeds like any other edit.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..urls import UrlPlan
from .models import LIVE_STATUSES, CatalogueState, Credit, Episode, Person, Project, Show, Video

CLOCK_KEY = "websub:clock"
_SHOW_PREFIX = "websub:show:"
_PROJECT_PREFIX = "websub:project:"
_VIDEOS_PREFIX = "websub:videos:"


def _marks(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(CatalogueState.key, CatalogueState.value).where(CatalogueState.key.like("websub:%"))
    ).all()
    return {key: int(value) for key, value in rows}


def _set(session: Session, key: str, value: int) -> None:
    row = session.get(CatalogueState, key)
    if row is None:
        session.add(CatalogueState(key=key, value=value))
    else:
        row.value = value


def _digest(rows: Any) -> int:
    """A stable 56-bit digest of rows (the same in every process and host, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(repr(rows).encode(), digest_size=7).digest(), "big")


def _moved(marks: dict[str, int], new: dict[str, int], key: str, value: int, first: bool) -> bool:
    """Note the mark's new value; True when it moved since an earlier look (a mark seen for the first time moved
    only if this is not the first look: a new project or its first video)."""
    if marks.get(key) == value:
        return False
    new[key] = value
    return not first


def _outside_shows(
    session: Session, urls: UrlPlan, marks: dict[str, int], new: dict[str, int], first: bool
) -> tuple[set[int], list[str]]:
    """(projects whose own fields changed, video feed URLs that changed)."""
    projects = session.execute(
        select(Project.id, Project.slug, Project.name, Project.description, Project.contact_email)
    ).all()
    changed_projects = {row[0] for row in projects if _moved(marks, new, f"{_PROJECT_PREFIX}{row[0]}",
                                                             _digest(tuple(row)), first)}  # fmt: skip
    credits: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for video_id, *credit in session.execute(
        select(Credit.video_id, Credit.position, Credit.role, Person.slug, Person.name, Person.image_url)
        .join(Person, Credit.person_id == Person.id)
        .where(Credit.video_id.is_not(None))
        .order_by(Credit.video_id, Credit.position, Credit.id)
    ):
        credits[video_id or 0].append(tuple(credit))
    by_project: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    every: list[tuple[Any, ...]] = []
    for video_id, project_id, updated_at, status in session.execute(
        select(Video.id, Video.project_id, Video.updated_at, Video.status).order_by(Video.id)
    ):
        row = (video_id, str(updated_at), str(status), project_id, tuple(credits.get(video_id, ())))
        every.append(row)
        if project_id is not None:
            by_project[project_id].append(row)
    topics = []
    if _moved(marks, new, f"{_VIDEOS_PREFIX}all", _digest(every), first):
        topics.append(urls.videos_feed())
    for project_id, slug, *_fields in projects:
        key, rows = f"{_VIDEOS_PREFIX}{project_id}", by_project.get(project_id, [])
        had_videos = marks.get(key, _digest([])) != _digest([])
        moved = _moved(marks, new, key, _digest(rows), first)
        if (moved and (rows or had_videos)) or (project_id in changed_projects and rows):
            topics.append(urls.project_videos_feed(slug))
    return changed_projects, topics


def changed_feeds(session: Session, urls: UrlPlan, now: datetime) -> list[str]:
    """The public URLs of the feeds that changed since the previous call (in the caller's transaction, which must
    commit for the marks to move): each changed show's feed, its project's feed and the catalogue-wide feed; the
    feed of a project whose own fields changed; the video feeds whose videos changed."""
    topics, marks = look(session, urls, now)
    record(session, marks)
    return topics


def record(session: Session, marks: dict[str, int]) -> None:
    """Move the marks a look() answered, once its topics were announced: until then, whoever looks next (this host
    or another, after a crash) finds the same changes and announces them again."""
    for key, value in marks.items():
        _set(session, key[:60], value)


def look(session: Session, urls: UrlPlan, now: datetime) -> tuple[list[str], dict[str, int]]:
    """(the feeds changed since the marks were last recorded, the marks to record once they are announced).
    Reads only."""
    marks = _marks(session)
    new: dict[str, int] = {}
    last_ms = marks.get(CLOCK_KEY)
    shows = session.execute(select(Show.id, Show.slug, Show.content_version, Show.project_id)).all()
    changed: set[int] = set()
    for show_id, _slug, version, _project in shows:
        if _moved(marks, new, f"{_SHOW_PREFIX}{show_id}", version, last_ms is None):
            changed.add(show_id)
    if last_ms is not None:
        since = datetime.fromtimestamp(last_ms / 1000, UTC)
        changed |= set(
            session.scalars(
                select(Episode.show_id).where(
                    Episode.status.in_(LIVE_STATUSES),
                    Episode.deleted_at.is_(None),
                    Episode.published_at > since,
                    Episode.published_at <= now,
                )
            )
        )
    new[CLOCK_KEY] = int(now.timestamp() * 1000)
    edited_projects, video_topics = _outside_shows(session, urls, marks, new, first=last_ms is None)
    topics = [urls.feed(slug) for show_id, slug, _version, _project in shows if show_id in changed]
    with_shows = {project for _id, _slug, _version, project in shows if project}
    projects = {project for show_id, _slug, _version, project in shows if show_id in changed and project}
    projects |= edited_projects & with_shows  # a project without shows has no podcast feed
    if projects:
        topics += [
            urls.project_feed(slug) for slug in session.scalars(select(Project.slug).where(Project.id.in_(projects)))
        ]
    return [*sorted(topics), *([urls.all_feed()] if changed else []), *sorted(video_topics)], new
