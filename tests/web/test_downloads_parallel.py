"""Issue 16, done-when 2: 1,000 parallel downloads by distinct clients, served by two uvicorn workers (two processes,
two buffers, two writers), end in exactly 1,000 counted downloads once the server shuts down cleanly; on SQLite and
on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from media_catalogue.catalogue.downloads.models import Download, DownloadRequest
from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.conftest import _free_port
from tests.web.live_server import get

CLIENTS = 1_000
PATH = "/media/match-en/talent-partnerships.mp3"


def start_workers(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MEDIA_CATALOGUE_DATA_DIR": str(settings.data_dir),
        "MEDIA_CATALOGUE_DATABASE_URL": settings.resolved_database_url,
        "MEDIA_CATALOGUE_BASE_URL": settings.base_url,
        "MEDIA_CATALOGUE_DOWNLOADS_FLUSH_SECONDS": "0.5",
    }
    command = [sys.executable, "-m", "uvicorn", "media_catalogue.web.app:app_from_environment", "--factory",
               "--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log"]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_a_thousand_parallel_clients_count_a_thousand(synced: Database, settings: Settings, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "uvicorn.log"
    server = start_workers(settings, port, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = get(port, PATH, headers={"User-Agent": "curl/8"})  # a bot: logged, never counted
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(log.read_text()) from None
                time.sleep(0.2)
        assert status == 200
        size = len(body)

        def download(i: int) -> int:
            source = f"127.1.{i // 250}.{i % 250 + 1}"
            status, _, body = get(port, PATH, source=source, headers={"User-Agent": "AntennaPod/3.4.0"})
            assert status == 200 and len(body) == size
            return status

        with ThreadPoolExecutor(max_workers=48) as pool:
            assert list(pool.map(download, range(CLIENTS))) == [200] * CLIENTS
    finally:
        server.send_signal(signal.SIGTERM)  # a clean shutdown: each worker writes what its buffer still holds
        assert server.wait(timeout=60) == 0, log.read_text()
    with synced.session() as session:
        assert session.scalar(select(func.count()).select_from(DownloadRequest)) == CLIENTS + 1
        assert session.scalar(select(func.count()).select_from(Download)) == CLIENTS
        assert session.scalar(select(func.count(func.distinct(Download.client_key)))) == CLIENTS
