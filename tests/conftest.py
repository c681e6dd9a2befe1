"""Shared fixtures: per-test settings and data directory, a real database (SQLite, and PostgreSQL when
MEDIA_CATALOGUE_TEST_DATABASE_URL is set), and a guard that blocks outbound network."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from media_catalogue.config import Settings
from media_catalogue.db import Database, make_engine

PG_URL = os.environ.get("MEDIA_CATALOGUE_TEST_DATABASE_URL")
_LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", "0.0.0.0", ""}


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 only: a test that reaches the internet fails loudly instead of flaking."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else ""
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in _LOCAL_HOSTS:
            raise RuntimeError(f"test tried to reach {address!r}: outbound network is blocked in tests")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


def database_backends() -> list[object]:
    backends: list[object] = ["sqlite"]
    backends.append(
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not PG_URL, reason="MEDIA_CATALOGUE_TEST_DATABASE_URL is not set (no PostgreSQL)"),
            ],
        )
    )
    return backends


@pytest.fixture(params=database_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh empty database per test: a SQLite file, or a throwaway PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
        return
    assert PG_URL
    schema = f"mc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    data_dir = tmp_path / "data"
    return Settings(
        data_dir=data_dir,
        base_url="https://podcasts.example.org",
        database_url=database_url,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings, engine=make_engine(settings.resolved_database_url))
    db.migrate()
    yield db
    db.dispose()
