"""Crash-clean by journal: a real ingest in a child process is killed with SIGKILL before the write, in the middle
of it, after it but before the commit, and after the commit; then the app starts. Where nothing was committed no row,
no object, no temp file, no empty folder and no journal entry remains, whatever their age; the committed case is
intact; a retry succeeds."""

from __future__ import annotations

import hashlib
import os
import select as selectors
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from media_catalogue import ingest
from media_catalogue.catalogue.models import Episode, MediaFile
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import TEMP_PREFIX, create_storage
from media_catalogue.web.app import create_app
from tests.media.conftest import made as made  # noqa: F401 - the session's ffmpeg-made files
from tests.media.factories import add_episode

SCRIPT = Path(__file__).resolve().parent / "crash_ingest.py"


def _run_until(settings: Settings, episode_id: int, source: Path, point: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(settings.data_dir), settings.resolved_database_url, str(episode_id),
         str(source), point],
        stdout=subprocess.PIPE,
        text=True,
        cwd=SCRIPT.parent.parent,
    )  # fmt: skip
    assert child.stdout is not None
    ready, _, _ = selectors.select([child.stdout], [], [], 60)
    assert ready, f"the child never reached {point}"
    assert child.stdout.readline().strip() == point
    return child


def _leftovers(settings: Settings) -> list[str]:
    """Temp files, staging files and empty folders anywhere under the data directory, and journal entries."""
    found = []
    kept = {settings.temp_dir, settings.data_dir / "journal", settings.data_dir / "media"}
    for folder, dirs, files in os.walk(settings.data_dir):
        found += [f"{folder}/{name}" for name in files if name.startswith(TEMP_PREFIX)]
        if not dirs and not files and Path(folder) not in kept:
            found.append(f"empty folder {folder}")
    journal = settings.data_dir / "journal"
    found += [f"journal {p.name}" for p in journal.iterdir()] if journal.is_dir() else []
    return found


@pytest.mark.parametrize("point", ["before-write", "mid-write", "after-write", "after-commit"])
def test_killed_ingest_leaves_nothing_but_what_was_committed(
    point: str, settings: Settings, database: Database, made: Callable[[str], Path]
) -> None:
    source = made("long.mp3")
    with database.session() as session:
        episode_id = add_episode(session, chapters=None).id
    child = _run_until(settings, episode_id, source, point)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    storage = create_storage(settings)
    episodes_before = list(storage.iter_keys("episodes/"))
    if point != "before-write":
        assert episodes_before or _leftovers(settings), "the kill came too late to leave anything"
    with TestClient(create_app(settings, database=database)):
        pass  # start-up recovery runs in the lifespan
    with database.session() as session:
        rows = session.scalars(select(MediaFile)).all()
        keys = list(storage.iter_keys("episodes/"))
        if point == "after-commit":
            assert len(rows) == 1 and keys == [rows[0].storage_key]
            with storage.open(keys[0]) as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == rows[0].sha256
        else:
            assert rows == [] and keys == []
        assert _leftovers(settings) == []
        episode = session.get(Episode, episode_id)
        assert episode is not None
        result = ingest.attach_media(session, storage, settings, episode, source, filename="episode.mp3")
        assert result.media_file.duration_ms and abs(result.media_file.duration_ms - 200_000) < 100
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(MediaFile)) == 1
        assert len(list(storage.iter_keys("episodes/"))) == 1
    assert _leftovers(settings) == []
