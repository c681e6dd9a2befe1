"""Leases: work that several app hosts (or worker processes) sharing one database must do once, not once each.

- `lease(engine, name)`: a context manager answering True when this process now holds the named lease (until the
  block ends), False when another process holds it; never waits. `lease(..., wait=True)` waits for it instead.
  PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) on a connection kept for the block, so a killed
  holder's lease is released with its connection. SQLite (one host): an flock on a file beside the database.
- `run_due(database, name, every_seconds, work)`: periodic work (retention purges, WebSub pings) done once per
  period across every host: under the lease, the last run's time is read from catalogue_state and `work` runs only
  when it is due; runs are counted there too (`runs(session, name)`), which is how operators and tests see that a
  job ran once and not once per host.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from ..db import Database
from .models import CatalogueState

_LOCAL: dict[str, threading.Lock] = {}  # in-memory SQLite: one process, so a process-wide lock is the lease
_LOCAL_GUARD = threading.Lock()


def lease_key(name: str) -> int:
    """The 64-bit advisory-lock key of a lease name (stable across processes and releases)."""
    return int.from_bytes(hashlib.sha256(f"media-catalogue:{name}".encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def lease(engine: Engine, name: str, *, wait: bool = False) -> Iterator[bool]:
    if engine.dialect.name == "postgresql":
        with _postgres_lease(engine, name, wait) as held:
            yield held
        return
    database = engine.url.database
    if not database or database == ":memory:":
        with _local_lease(name, wait) as held:
            yield held
        return
    with _file_lease(Path(f"{database}.lease-{name}"), wait) as held:
        yield held


@contextlib.contextmanager
def _postgres_lease(engine: Engine, name: str, wait: bool) -> Iterator[bool]:
    key = lease_key(name)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if wait:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            held = True
        else:
            held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextlib.contextmanager
def _local_lease(name: str, wait: bool) -> Iterator[bool]:
    with _LOCAL_GUARD:
        lock = _LOCAL.setdefault(name, threading.Lock())
    held = lock.acquire(blocking=wait)
    try:
        yield held
    finally:
        if held:
            lock.release()


@contextlib.contextmanager
def _file_lease(path: Path, wait: bool) -> Iterator[bool]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _state_key(name: str, what: str) -> str:
    return f"job:{name}:{what}"[:60]


def _read(session: Session, key: str) -> int:
    return int(session.scalar(select(CatalogueState.value).where(CatalogueState.key == key)) or 0)


def _write(session: Session, key: str, value: int) -> None:
    row = session.get(CatalogueState, key)
    if row is None:
        session.add(CatalogueState(key=key, value=value))
    else:
        row.value = value


def runs(session: Session, name: str) -> int:
    """How many times the periodic job `name` has run, on every host together."""
    return _read(session, _state_key(name, "runs"))


def run_due(
    database: Database,
    name: str,
    every_seconds: float,
    work: Callable[[], object],
    *,
    clock: Callable[[], float] = time.time,
) -> bool:
    """Run `work` if no run of `name` finished within `every_seconds` on any host and no other host is running it
    now; answers whether it ran. An exception from `work` propagates and the run is not recorded (so it is retried)."""
    with lease(database.engine, f"job:{name}") as held:
        if not held:
            return False
        with database.session() as session:
            last = _read(session, _state_key(name, "at"))
        now_ms = int(clock() * 1000)
        if last and now_ms - last < every_seconds * 1000:
            return False
        work()
        with database.session() as session:
            _write(session, _state_key(name, "at"), int(clock() * 1000))
            _write(session, _state_key(name, "runs"), _read(session, _state_key(name, "runs")) + 1)
        return True
