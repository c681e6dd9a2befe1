"""Content versions: counters in the database that every change bumps, so caches in any worker process can tell
cheaply whether what they hold is still current (one indexed read instead of a rebuild)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import CatalogueState, Show

CATALOGUE_KEY = "catalogue"


def touch(session: Session, *shows: Show) -> None:
    """Record that these shows (and so the catalogue) changed; call in the same transaction as the change."""
    for show in shows:
        if show.id is not None:
            session.execute(update(Show).where(Show.id == show.id).values(content_version=Show.content_version + 1))
            session.expire(show, ["content_version"])
    bump_catalogue(session)


def bump_catalogue(session: Session) -> None:
    updated = session.execute(
        update(CatalogueState).where(CatalogueState.key == CATALOGUE_KEY).values(value=CatalogueState.value + 1)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.add(CatalogueState(key=CATALOGUE_KEY, value=1))
        session.flush()


def catalogue_version(session: Session) -> int:
    value = session.scalar(select(CatalogueState.value).where(CatalogueState.key == CATALOGUE_KEY))
    return int(value or 0)
