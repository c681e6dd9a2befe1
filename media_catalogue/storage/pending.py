"""Storage objects tied to a database transaction: an object written for a row is deleted if the transaction
that holds the row rolls back, and an object the row no longer points to is deleted only once the transaction
committed. Storage and database cannot share one transaction; the journal (journal.py) covers a crash in between:
`begin` records a key before its object is written, `obsolete` before the row lets go of it, and the entry goes
once the outcome is settled, so start-up recovery finds every object a dead process may have orphaned."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from .base import Storage

log = logging.getLogger(__name__)
_KEY = "media_catalogue.pending_objects"


@dataclass
class _Entry:
    storage: Storage
    key: str
    transaction: SessionTransaction | None  # the innermost SAVEPOINT when written inside one


@dataclass
class PendingObjects:
    written: list[_Entry] = field(default_factory=list)
    obsolete: list[_Entry] = field(default_factory=list)


def _pending(session: Session) -> PendingObjects:
    pending = session.info.get(_KEY)
    if pending is None:
        pending = session.info[_KEY] = PendingObjects()
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_soft_rollback)
    return pending


def begin(storage: Storage, key: str) -> None:
    """`key` is about to be written: journal it first, so that a crash before the commit cannot leave it behind."""
    storage.journal.add(key)


def written(session: Session, storage: Storage, key: str) -> None:
    """`key` (journalled by `begin`) was just written for a row of this transaction: delete it if the transaction
    rolls back, unjournal it once the transaction committed."""
    _pending(session).written.append(_Entry(storage, key, session.get_nested_transaction()))


def obsolete(session: Session, storage: Storage, key: str) -> None:
    """The rows of this transaction no longer point to `key`: delete it once the transaction committed."""
    storage.journal.add(key)
    _pending(session).obsolete.append(_Entry(storage, key, session.get_nested_transaction()))


def discard(storage: Storage, key: str) -> None:
    """Delete now, best effort (the error that made us discard it is the one worth reporting); the journal entry
    goes only when the object is gone, so recovery retries a failed delete."""
    try:
        storage.delete(key)
    except Exception:  # noqa: BLE001 - a failed delete leaves an orphan object, which is harmless
        log.warning("could not delete orphan object %s", key, exc_info=True)
        return
    storage.journal.remove(key)


def _after_commit(session: Session) -> None:
    pending: PendingObjects | None = session.info.get(_KEY)
    if pending is None:
        return
    entries, pending.obsolete = pending.obsolete, []
    kept, pending.written = pending.written, []
    for entry in kept:
        entry.storage.journal.remove(entry.key)
    for entry in entries:
        discard(entry.storage, entry.key)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    pending: PendingObjects | None = session.info.get(_KEY)
    if pending is None:
        return
    if previous.nested:
        undone = [e for e in pending.written if e.transaction is previous]
        released = [e for e in pending.obsolete if e.transaction is previous]
        pending.written = [e for e in pending.written if e.transaction is not previous]
        pending.obsolete = [e for e in pending.obsolete if e.transaction is not previous]
    elif previous.parent is None:
        undone, released, pending.written, pending.obsolete = pending.written, pending.obsolete, [], []
    else:
        return
    for entry in undone:
        discard(entry.storage, entry.key)
    for entry in released:
        entry.storage.journal.remove(entry.key)  # the row still points to it
