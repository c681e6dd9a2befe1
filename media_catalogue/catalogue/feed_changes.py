"""Which public feeds changed since they were last announced (to a WebSub hub), decided from the database alone, so
that whichever host holds the lease (catalogue.leases) announces each change once, whether it came from an edit on
any host or from a scheduled episode reaching its time, with nobody requesting the feed.

A show's feed changed when its content version moved (every edit of the show or its episodes touches it, see
catalogue.versions) or when one of its episodes went live by the clock since the last look. Marks live in
catalogue_state: `websub:clock` (milliseconds of the last look) and `websub:show:<id>` (content version announced).
The first look only sets the marks: there is nothing to announce about the past.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..urls import UrlPlan
from .models import LIVE_STATUSES, CatalogueState, Episode, Project, Show

CLOCK_KEY = "websub:clock"
_SHOW_PREFIX = "websub:show:"


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


def changed_feeds(session: Session, urls: UrlPlan, now: datetime) -> list[str]:
    """The public URLs of the feeds that changed since the previous call (in the caller's transaction, which must
    commit for the marks to move): each changed show's feed, its project's feed and the catalogue-wide feed."""
    marks = _marks(session)
    now_ms = int(now.timestamp() * 1000)
    last_ms = marks.get(CLOCK_KEY)
    shows = session.execute(select(Show.id, Show.slug, Show.content_version, Show.project_id)).all()
    changed: set[int] = set()
    for show_id, _slug, version, _project in shows:
        key = f"{_SHOW_PREFIX}{show_id}"
        if marks.get(key) != version:
            if last_ms is not None:
                changed.add(show_id)
            _set(session, key[:60], version)
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
    _set(session, CLOCK_KEY, now_ms)
    if not changed:
        return []
    topics = [urls.feed(slug) for show_id, slug, _version, _project in shows if show_id in changed]
    projects = {project for show_id, _slug, _version, project in shows if show_id in changed and project}
    if projects:
        topics += [
            urls.project_feed(slug) for slug in session.scalars(select(Project.slug).where(Project.id.in_(projects)))
        ]
    return [*sorted(topics), urls.all_feed()]
