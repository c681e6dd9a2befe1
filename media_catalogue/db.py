"""Database engine, sessions and migrations: SQLite (WAL) by default, PostgreSQL when configured."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from .catalogue.search_sqlite import register as register_search_functions
from .config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    register_search_functions(dbapi_connection)  # the search index's triggers call search_text()


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


_LOCAL: dict[str, threading.Lock] = {}
_LOCAL_GUARD = threading.Lock()
_MIGRATING = threading.Lock()  # Alembic's context is process-global: one migration at a time per process


def lock_key(name: str) -> int:
    """The 64-bit PostgreSQL advisory-lock key of a lock name (stable across processes and releases)."""
    return int.from_bytes(hashlib.sha256(f"media-catalogue:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(engine: Engine, name: str, *, wait: bool = False) -> Iterator[bool]:
    """A lock named `name` shared by every process using this database: yields True while held, False when another
    process (or thread) holds it and `wait` is False. PostgreSQL: a session-level advisory lock on a connection kept
    for the block (a killed holder's lock goes with its connection). SQLite: a thread lock, plus an flock on a file
    beside the database file (one host). catalogue.leases is the API the rest of the code uses."""
    with _LOCAL_GUARD:
        local = _LOCAL.setdefault(f"{engine.url}|{name}", threading.Lock())
    if not local.acquire(blocking=wait):
        yield False
        return
    try:
        if engine.dialect.name == "postgresql":
            with _advisory_lock(engine, name, wait) as held:
                yield held
        elif engine.url.database and engine.url.database != ":memory:":
            with _file_lock(Path(f"{engine.url.database}.lock-{name.replace(':', '-')}"), wait) as held:
                yield held
        else:
            yield True
    finally:
        local.release()


@contextmanager
def _advisory_lock(engine: Engine, name: str, wait: bool) -> Iterator[bool]:
    key = lock_key(name)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        function = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        held = connection.execute(text(f"SELECT {function}(:key)"), {"key": key}).scalar() is not False
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextmanager
def _file_lock(path: Path, wait: bool) -> Iterator[bool]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; run on every start, a no-op when already there.

    Several hosts or workers may start at once: each waits for the "migrate" lock first, so one migrates and the
    others then find the schema current (without it, two race to create the same tables and one fails to start)."""
    with _MIGRATING, exclusive(engine, "migrate", wait=True):
        command.upgrade(alembic_config(engine), "head")


def ping(session: Session) -> str:
    """One real round trip to the database (the health check); answers the dialect's name."""
    session.execute(text("SELECT 1"))
    return session.get_bind().dialect.name


class Database:
    """Owns the engine and the session factory for one Settings."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.resolved_database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
