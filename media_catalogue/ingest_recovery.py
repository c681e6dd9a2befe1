"""Crash leftovers: objects a process stored and then died before its transaction settled.

`recover` runs at start-up (app, CLI ingest, cleanup command): every journal entry whose process is gone names an
object that is deleted unless a committed row points to it, whatever its age, then the entry goes; temp files of dead
processes and empty folders go too. (`remove_orphans` is the slower sweep by listing, for objects from before
the journal, kept to objects older than an hour since it cannot tell whose they are.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalogue.models import Episode, MediaFile, Show, Transcript
from .db import Database
from .storage import Storage, pending


def _referenced(session: Session, keys: set[str]) -> set[str]:
    found: set[str] = set()
    for column in (MediaFile.storage_key, Transcript.storage_key, Show.artwork_key, Episode.artwork_key):
        found |= {k for k in session.scalars(select(column).where(column.in_(keys))) if k}
    return found


def recover(database: Database, storage: Storage) -> list[str]:
    """Settle the journal entries of dead processes; returns the keys deleted."""
    entries = [entry for entry in storage.journal.entries() if not entry.writer_alive]
    referenced: set[str] = set()
    if entries:
        with database.session() as session:
            referenced = _referenced(session, {entry.key for entry in entries})
    removed = []
    for entry in entries:
        if entry.key in referenced:
            storage.journal.remove(entry.key)  # committed before the crash: the entry was all that was left
            continue
        pending.discard(storage, entry.key)
        removed.append(entry.key)
    storage.cleanup_temp(older_than_seconds=3600)
    return removed


def remove_orphans(session: Session, storage: Storage, *, older_than_seconds: float = 3600) -> list[str]:
    """Delete stored media, transcript and artwork objects that no row points to and that are older than
    `older_than_seconds` (younger ones may belong to an ingest about to commit). Returns the keys removed."""
    referenced = set(session.scalars(select(MediaFile.storage_key)))
    referenced |= set(session.scalars(select(Transcript.storage_key)))
    referenced |= {k for k in session.scalars(select(Show.artwork_key)) if k}
    referenced |= {k for k in session.scalars(select(Episode.artwork_key)) if k}
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
    removed = []
    for prefix in ("episodes/", "transcripts/", "artwork/"):
        for key in list(storage.iter_keys(prefix)):
            if key in referenced:
                continue
            stat = storage.stat(key)
            if stat is None or (stat.last_modified is not None and stat.last_modified > cutoff):
                continue
            pending.discard(storage, key)
            removed.append(key)
    return removed
