"""Storage objects tied to a database transaction: an object written for a row is deleted if the transaction
that holds the row rolls back, and an object the row no longer points to is deleted only once the transaction
committed. Storage and database cannot share one transaction; this keeps them from disagreeing for longer than the
time between the commit and the delete (a crash in between leaves an orphan object, never a dangling row)."""

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


def written(session: Session, storage: Storage, key: str) -> None:
    """`key` was just written for a row of this transaction: delete it if the transaction rolls back."""
    _pending(session).written.append(_Entry(storage, key, session.get_nested_transaction()))


def obsolete(session: Session, storage: Storage, key: str) -> None:
    """The rows of this transaction no longer point to `key`: delete it once the transaction committed."""
    _pending(session).obsolete.append(_Entry(storage, key, session.get_nested_transaction()))


def discard(storage: Storage, key: str) -> None:
    """Delete now, best effort (the error that made us discard it is the one worth reporting)."""
    try:
        storage.delete(key)
    except Exception:  # noqa: BLE001 - a failed delete leaves an orphan object, which is harmless
        log.warning("could not delete orphan object %s", key, exc_info=True)


def _after_commit(session: Session) -> None:
    pending: PendingObjects | None = session.info.get(_KEY)
    if pending is None:
        return
    entries, pending.obsolete, pending.written = pending.obsolete, [], []
    for entry in entries:
        discard(entry.storage, entry.key)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    pending: PendingObjects | None = session.info.get(_KEY)
    if pending is None:
        return
    if previous.nested:
        undone = [e for e in pending.written if e.transaction is previous]
        pending.written = [e for e in pending.written if e.transaction is not previous]
        pending.obsolete = [e for e in pending.obsolete if e.transaction is not previous]
    elif previous.parent is None:
        undone, pending.written, pending.obsolete = pending.written, [], []
    else:
        return
    for entry in undone:
        discard(entry.storage, entry.key)


def forget(session: Session, key: str) -> None:
    """Stop tracking `key` (it was deleted right away by the caller)."""
    pending: PendingObjects | None = session.info.get(_KEY)
    if pending is not None:
        pending.written = [e for e in pending.written if e.key != key]
