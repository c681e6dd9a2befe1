"""Leases: work that several app hosts (or worker processes) sharing one database must do once, not once each.

- `lease(engine, name)`: a context manager answering True when this process now holds the named lease (until the
  block ends), False when another process holds it; never waits. `lease(..., wait=True)` waits for it instead.
  PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) on a connection kept for the block, so a killed
  holder's lease is released with its connection. SQLite (one host): an flock on a file beside the database. (The
  lock itself is db.exclusive, which migrations use too.)
- `run_due(database, name, every_seconds, work)`: periodic work (retention purges, WebSub pings) done once per
  period across every host: under the lease, the last run's time is read from catalogue_state and `work` runs only
  when it is due; runs are counted there too (`runs(session, name)`), which is how operators and tests see that a
  job ran once and not once per host.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..db import Database, exclusive
from .models import CatalogueState


@contextlib.contextmanager
def lease(engine: Engine, name: str, *, wait: bool = False) -> Iterator[bool]:
    """True when this process now holds the lease `name` until the block ends; False when another holds it (or,
    with wait=True, waits for it). The lock itself is db.exclusive (advisory lock or file lock)."""
    with exclusive(engine, name, wait=wait) as held:
        yield held


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
