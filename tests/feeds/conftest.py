"""Fixtures of the feed tests: a session on the test database and a factory of catalogue rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from feed_catalogue import NOW, Factory
from sqlalchemy.orm import Session

from media_catalogue.catalogue.models import Episode, Show
from media_catalogue.config import Settings
from media_catalogue.db import Database


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    session = database.sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def make(session: Session, settings: Settings) -> Factory:
    return Factory(session, settings)


@pytest.fixture
def reload(session: Session) -> Callable[[Show], list[Episode]]:
    """All episodes of a show, freshly loaded with their relationships (as the feed route loads them)."""
    from media_catalogue.catalogue.queries import live_episodes

    def load(show: Show, now: datetime = NOW) -> list[Episode]:
        session.flush()
        session.expire_all()
        return live_episodes(session, show=show, now=now)

    return load
