"""Several hosts sharing one data folder or storage folder: a journal entry or temp file written by a process of
another machine is never taken for a dead process's leftover (its process id means nothing here), so a host
starting never deletes what another host is writing; this host's own dead writers' leftovers still go at once."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from media_catalogue.storage import TEMP_PREFIX, LocalStorage
from media_catalogue.storage.journal import Journal, this_host

DEAD_PID = 2**22 + 12345  # above Linux's default pid_max: no such process


def _entry(journal: Journal, key: str, host: str) -> Path:
    journal.add(key)
    path = journal._path(key)
    path.write_text(json.dumps({"key": key, "pid": DEAD_PID, "host": host}))
    return path


def test_entries_of_another_host_are_left_to_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    ours = _entry(journal, "episodes/1/ours.mp3", this_host())
    theirs = _entry(journal, "episodes/2/theirs.mp3", "0ther0st")
    legacy = _entry(journal, "episodes/3/legacy.mp3", "")
    alive = {entry.path: entry.writer_alive for entry in journal.entries()}
    assert alive == {ours: False, theirs: True, legacy: False}


def test_temp_files_of_another_host_are_kept_until_old(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media", temp_dir=tmp_path / "tmp")
    (tmp_path / "media").mkdir()
    ours = tmp_path / "media" / f"{TEMP_PREFIX}{DEAD_PID}.{this_host()}-a"
    theirs = tmp_path / "media" / f"{TEMP_PREFIX}{DEAD_PID}.0ther0st-b"
    for path in (ours, theirs):
        path.write_bytes(b"partial")
    storage.cleanup_temp(older_than_seconds=3600)
    assert not ours.exists() and theirs.exists()
    hours_ago = time.time() - 7200
    os.utime(theirs, (hours_ago, hours_ago))
    storage.cleanup_temp(older_than_seconds=3600)
    assert not theirs.exists()
