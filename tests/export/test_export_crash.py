"""kill -9 during an export (a real `media-catalogue export` process): the folder holds whole files only, and the
next run completes it into exactly what an uninterrupted export writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.export import export
from tests.export.conftest import MANIFEST, tree

TEMP = ".export-tmp-"


def _start(settings: Settings, out: Path) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        MEDIA_CATALOGUE_DATA_DIR=str(settings.data_dir),
        MEDIA_CATALOGUE_BASE_URL=settings.base_url,
        MEDIA_CATALOGUE_DATABASE_URL=settings.resolved_database_url,
        MEDIA_CATALOGUE_FETCH_VIDEO_THUMBNAILS="false",
    )
    code = "from media_catalogue.cli import app; app()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "export", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _files(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.is_file()) if out.exists() else 0


@pytest.mark.parametrize("fraction", [0.02, 0.6])
def test_kill_9_mid_export_then_the_next_run_completes(
    synced: Database, settings: Settings, tmp_path: Path, fraction: float
) -> None:
    reference = tmp_path / "reference"
    export(settings, str(reference))
    expected = tree(reference)
    out = tmp_path / "site"
    process = _start(settings, out)
    threshold = max(2, int(len(expected) * fraction))
    deadline = time.monotonic() + 120
    while _files(out) < threshold and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, f"the export finished before it could be killed: {process.communicate()}"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    left = tree(out)
    assert 0 < len(left) < len(expected)
    for name, body in left.items():  # whole files only: each is the complete file (or an unpublished temp file)
        if TEMP not in name and name != MANIFEST:
            assert body == expected[name], name
    report = export(settings, str(out))
    assert tree(out) == expected  # same names, same bytes, the manifest included; no temp file left
    assert report.unchanged + report.written == len(expected) - 1
    assert export(settings, str(out)).written == 0
