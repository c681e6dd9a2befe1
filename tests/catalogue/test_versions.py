"""catalogue.versions.VersionReader: the per-request version check reads the database at most every read_every
seconds (another process's change is seen within that time), and at once after a commit of this process."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import update

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.models import CatalogueState
from media_catalogue.db import Database


def test_reads_are_throttled_but_own_commits_are_seen_at_once(database: Database) -> None:
    with database.session() as session:
        versions.bump_catalogue(session)
    reader = versions.VersionReader(database.engine, read_every=0.2)
    first = reader.read()
    # Another process's commit (not through this process's sessions): seen once read_every has passed.
    other = database.engine.url
    if other.get_backend_name() == "sqlite":
        with sqlite3.connect(other.database or "") as connection:
            connection.execute("UPDATE catalogue_state SET value = value + 1 WHERE key = 'catalogue'")
    else:
        with database.engine.begin() as connection:
            connection.execute(
                update(CatalogueState).where(CatalogueState.key == "catalogue").values(value=CatalogueState.value + 1)
            )
    assert reader.read() == first  # within read_every: the cached value
    time.sleep(0.25)
    assert reader.read() == first + 1
    with database.session() as session:  # this process's change: visible at the next read, however soon
        versions.bump_catalogue(session)
    assert reader.cached() is None
    assert reader.read() == first + 2


def test_a_rolled_back_bump_forces_no_reread(database: Database) -> None:
    reader = versions.VersionReader(database.engine, read_every=60)
    value = reader.read()
    with pytest.raises(RuntimeError), database.session() as session:
        versions.bump_catalogue(session)
        raise RuntimeError("rolled back")
    assert reader.cached() == value
    with database.session():
        pass  # a commit that bumped nothing
    assert reader.cached() == value
