"""kill -9 during `media-catalogue sync` of the seeded text catalogue (episodes/): a real CLI process is killed
after a stored object was written but before its row committed, inside a commit, and just after one; then the command
runs again. Nothing that committed is lost, nothing is half-written (no object without a row, no row without its
object, no temp file, no journal entry), and the second run ends with the catalogue an uninterrupted run makes."""

from __future__ import annotations

import hashlib
import os
import select as selectors
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, Person, Project, Show, Video
from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from tests.crash_checks import leftovers, referenced_keys, stored_keys

SCRIPT = Path(__file__).resolve().parent / "crash_sync.py"
FOLDER = PROJECT_ROOT / "episodes"


def _environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "MEDIA_CATALOGUE_DATA_DIR": str(settings.data_dir),
        "MEDIA_CATALOGUE_DATABASE_URL": settings.resolved_database_url,
        "MEDIA_CATALOGUE_BASE_URL": settings.base_url,
        "MEDIA_CATALOGUE_FETCH_VIDEO_THUMBNAILS": "false",
    }


def _sync(settings: Settings, point: str = "none") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(FOLDER), point], env=_environment(settings), cwd=PROJECT_ROOT,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _kill_at(settings: Settings, point: str) -> None:
    child = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(FOLDER), point], env=_environment(settings), cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    try:
        ready, _, _ = selectors.select([child.stdout], [], [], 240)
        assert ready, f"the sync never reached {point}"
        assert child.stdout.readline().strip() == point
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def catalogue(database: Database, settings: Settings) -> dict[str, Any]:
    """What the catalogue holds, by natural keys (ids and stored-object names differ between runs): every show,
    episode with its files (by content), transcript, person, project and video."""
    storage = create_storage(settings)

    def content(key: str | None) -> str | None:
        if key is None:
            return None
        with storage.open(key) as handle:  # also proves the object a row points to is there
            return hashlib.sha256(handle.read()).hexdigest()

    with database.session() as session:
        shows = {
            s.slug: (s.title, s.podcast_guid, s.content_hash, s.language, content(s.artwork_key))
            for s in session.scalars(select(Show))
        }
        episodes = {}
        for e in session.scalars(select(Episode)):
            files = sorted(
                (m.role, m.extension, m.sha256, m.byte_length, m.duration_ms, content(m.storage_key) == m.sha256)
                for m in e.media_files
            )
            transcripts = sorted((t.language, t.format, content(t.storage_key)) for t in e.transcripts)
            episodes[f"{e.show.slug}/{e.slug}"] = (
                e.title, e.status.value, e.guid, e.published_at, e.content_hash, e.chapters, content(e.artwork_key),
                files, transcripts, sorted((c.person.slug, c.role) for c in e.credits),
            )  # fmt: skip
        return {
            "shows": shows,
            "episodes": episodes,
            "people": sorted(session.scalars(select(Person.slug))),
            "projects": sorted(session.scalars(select(Project.slug))),
            "videos": {v.slug: (v.title, v.status.value, v.content_hash) for v in session.scalars(select(Video))},
        }


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The catalogue one uninterrupted sync makes (on SQLite: the comparison is by content)."""
    root = tmp_path_factory.mktemp("reference")
    settings = Settings(
        data_dir=root / "data", base_url="https://podcasts.example.org",
        database_url=f"sqlite:///{root / 'catalogue.sqlite3'}", _env_file=None,  # type: ignore[call-arg]
    )  # fmt: skip
    result = _sync(settings)
    assert result.returncode == 0, result.stderr
    database = Database(settings)
    try:
        return catalogue(database, settings)
    finally:
        database.dispose()


@pytest.mark.parametrize("point", ["object-5", "object-12", "commit-45", "committed-50"])
def test_sync_killed_then_run_again_loses_nothing_and_ends_like_an_uninterrupted_run(
    point: str, settings: Settings, database: Database, uninterrupted: dict[str, Any]
) -> None:
    _kill_at(settings, point)
    database.engine.dispose()  # a fresh look at what the killed process committed
    killed = catalogue(database, settings)  # every row that committed points to a complete object
    assert (
        0
        < len(killed["shows"]) + len(killed["episodes"])
        < len(uninterrupted["shows"]) + len(uninterrupted["episodes"])
    ), "the kill came before anything committed, or after everything did"
    for slug, row in killed["episodes"].items():
        assert row == uninterrupted["episodes"][slug], slug  # committed rows are whole, not half-written
    if point.startswith("object"):
        assert stored_keys(settings) - referenced_keys(database), "the kill came after the object was committed"

    again = _sync(settings)
    assert again.returncode == 0, again.stdout + again.stderr

    assert catalogue(database, settings) == uninterrupted
    assert stored_keys(settings) == referenced_keys(database)  # no orphan object, no row without its object
    assert leftovers(settings) == []
    third = _sync(settings)
    assert third.returncode == 0 and third.stdout.splitlines()[-1].startswith("0 changes"), third.stdout
