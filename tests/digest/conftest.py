"""The seeded catalogue (episodes/, the office's real shows and videos) synced once per module into a fresh SQLite
database: the digest tests build the 2021 digest of it, as the newsletters of 2021 would have needed it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder

BASE = "https://podcasts.example.org"


@pytest.fixture(scope="package")
def seeded_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp: Path = tmp_path_factory.mktemp("seeded-digest")
    return Settings(data_dir=tmp / "data", base_url=BASE, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="package")
def seeded_database(seeded_settings: Settings) -> Iterator[Database]:
    database = Database(seeded_settings)
    database.migrate()
    report = sync_folder(database, seeded_settings, create_storage(seeded_settings), PROJECT_ROOT / "episodes")
    assert report.errors == [], report.errors
    yield database
    database.dispose()


# The browser test's chromium fixture (tests/web/browser): it skips, saying why, when chromium or Playwright is missing.
from tests.web.browser.conftest import chromium  # noqa: E402, F401
