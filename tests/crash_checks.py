"""What the kill -9 tests check after a restart: the stored objects and the rows pointing to them match (no orphan
object, no row without its object), and no temp file or journal entry is left."""

from __future__ import annotations

import os

from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, MediaFile, Show, Transcript
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import TEMP_PREFIX, create_storage


def referenced_keys(database: Database) -> set[str]:
    with database.session() as session:
        keys = set(session.scalars(select(MediaFile.storage_key)))
        keys |= set(session.scalars(select(Transcript.storage_key)))
        keys |= {k for k in session.scalars(select(Show.artwork_key)) if k}
        keys |= {k for k in session.scalars(select(Episode.artwork_key)) if k}
    return keys


def stored_keys(settings: Settings) -> set[str]:
    storage = create_storage(settings)
    return {key for prefix in ("episodes/", "transcripts/", "artwork/") for key in storage.iter_keys(prefix)}


def leftovers(settings: Settings) -> list[str]:
    found = [
        f"{folder}/{name}"
        for folder, _, files in os.walk(settings.data_dir)
        for name in files
        if name.startswith(TEMP_PREFIX)
    ]
    journal = settings.data_dir / "journal"
    return found + ([f"journal {p.name}" for p in journal.iterdir()] if journal.is_dir() else [])
