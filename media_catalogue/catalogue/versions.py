"""Content versions: counters in the database that every change bumps, so caches in any worker process can tell
cheaply whether what they hold is still current (one indexed read instead of a rebuild).

This module is the one reader of the catalogue-wide counter: `catalogue_version(session)` inside a unit of work,
and `VersionReader` for the per-request check of the feed and page caches, which must cost next to nothing: it
reads the database at most every READ_EVERY_SECONDS (a change made by another process or host is seen within that
time, well inside the one second the hosts promise each other), and at once after a commit of this process bumped
the counter (a session event below), so an editor never sees their own change missing.
"""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session

from .models import CatalogueState, Credit, Episode, Show

CATALOGUE_KEY = "catalogue"
_CATALOGUE_VERSION = select(CatalogueState.value).where(CatalogueState.key == CATALOGUE_KEY)
_CATALOGUE_VERSION_SQL = "SELECT value FROM catalogue_state WHERE key = ?"


def touch(session: Session, *shows: Show) -> None:
    """Record that these shows (and so the catalogue) changed; call in the same transaction as the change."""
    for show in shows:
        if show.id is not None:
            session.execute(update(Show).where(Show.id == show.id).values(content_version=Show.content_version + 1))
            session.expire(show, ["content_version"])
    bump_catalogue(session)


def touch_credited(session: Session, person_id: int) -> None:
    """A person changed (name, image, address: all in podcast:person): every show crediting them, on the show or
    on one of its episodes, changed too, so its feed is rebuilt and announced like any other edit of it."""
    on_episodes = select(Episode.show_id).join(Credit, Credit.episode_id == Episode.id)
    shows = (
        select(Credit.show_id)
        .where(Credit.person_id == person_id, Credit.show_id.is_not(None))
        .union(on_episodes.where(Credit.person_id == person_id))
    )
    session.execute(update(Show).where(Show.id.in_(shows)).values(content_version=Show.content_version + 1))
    bump_catalogue(session)


READ_EVERY_SECONDS = 0.1
_BUMPED = "catalogue_version_bumped"
_local_commits = 0  # commits of this process that bumped the counter: a VersionReader re-reads after each one


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    global _local_commits
    if session.info.pop(_BUMPED, False):
        _local_commits += 1


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_BUMPED, None)


def bump_catalogue(session: Session) -> None:
    session.info[_BUMPED] = True
    updated = session.execute(
        update(CatalogueState).where(CatalogueState.key == CATALOGUE_KEY).values(value=CatalogueState.value + 1)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.add(CatalogueState(key=CATALOGUE_KEY, value=1))
        session.flush()


def catalogue_version(session: Session) -> int:
    value = session.scalar(_CATALOGUE_VERSION)
    return int(value or 0)


class VersionReader:
    """The catalogue version read outside any session, once per request by the feed and page caches.

    On an SQLite file a dedicated autocommit sqlite3 connection reads it in a few microseconds (an SQLAlchemy pool
    checkout costs several times the query; in WAL mode each SELECT sees the latest commit). Use it from one thread
    at a time (the event loop's). Elsewhere a pooled connection of the engine reads it: `instant` is False then, and
    async callers should read it in a worker thread, unless `cached()` has the value already.
    """

    def __init__(self, engine: Engine, read_every: float = READ_EVERY_SECONDS) -> None:
        self.engine = engine
        self.read_every = read_every
        self._value: int | None = None
        self._read_at = 0.0
        self._generation = -1
        url = engine.url
        database_file = url.database if url.get_backend_name() == "sqlite" else None
        self._sqlite_path = database_file if database_file and database_file != ":memory:" else None
        self._sqlite: sqlite3.Connection | None = None

    @property
    def instant(self) -> bool:
        """True when a read never waits on the network or a pool (safe to call from the event loop)."""
        return self._sqlite_path is not None

    def cached(self) -> int | None:
        """The version read less than `read_every` ago with no own commit since, or None (then call read())."""
        if self._generation == _local_commits and time.monotonic() - self._read_at < self.read_every:
            return self._value
        return None

    def read(self) -> int:
        value = self.cached()
        if value is not None:
            return value
        generation, started = _local_commits, time.monotonic()
        value = self._read()
        self._value, self._read_at, self._generation = value, started, generation
        return value

    def _read(self) -> int:
        if self._sqlite_path is not None:
            if self._sqlite is None:
                self._sqlite = sqlite3.connect(self._sqlite_path, isolation_level=None, check_same_thread=False)
                self._sqlite.execute("PRAGMA busy_timeout=10000")
            row = self._sqlite.execute(_CATALOGUE_VERSION_SQL, (CATALOGUE_KEY,)).fetchone()
            return int(row[0]) if row and row[0] is not None else 0
        with self.engine.connect() as connection:
            return int(connection.execute(_CATALOGUE_VERSION).scalar() or 0)

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
