"""Fixtures of the staff tests, imported by the conftest of each folder that tests staff features: the seeded
test catalogue, one account per role, the app and API tokens."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from media_catalogue.catalogue import accounts  # noqa: F401 - complete metadata
from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.staff_helpers import PASSWORD, StaffWorld


@pytest.fixture
def world(database: Database, settings: Settings, tmp_path: Path) -> StaffWorld:
    return StaffWorld.build(database, settings, tmp_path / "content")


@pytest.fixture
def app(settings: Settings, database: Database):  # type: ignore[no-untyped-def]
    from media_catalogue.web.app import create_app

    return create_app(settings, database=database)


@pytest.fixture
def client(app, world: StaffWorld) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production argon2 parameters cost ~0.3 s per hash; the tests hash a lot, and what they check does not depend
    on the cost (the production parameters are argon2-cffi's defaults, checked in test_staff_accounts)."""
    from argon2 import PasswordHasher

    from media_catalogue.catalogue import access

    monkeypatch.setattr(access, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def live_server(settings: Settings, database: Database, world: StaffWorld) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread of this process."""
    import uvicorn

    from media_catalogue.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.base_url = f"http://127.0.0.1:{port}"
    app = create_app(settings, database=database)
    from media_catalogue.web.server import uvicorn_config

    config = uvicorn_config(app, settings, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield settings.base_url
    server.should_exit = True
    thread.join(timeout=10)
