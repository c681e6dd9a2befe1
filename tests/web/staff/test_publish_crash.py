"""kill -9 of a real server process while a staff member publishes an episode with audio (the staff API: upload the
file as a new draft, then publish it): during the upload after its object was stored, inside the upload's commit,
inside the publish's commit and just after it. The real `media-catalogue serve` then starts on the same database
and storage: what committed is there and whole, nothing is half-written (no episode without its audio, no object
without a row, no temp file, no journal entry), and doing the rest again ends as an uninterrupted publish does: one
published episode with its one audio file, whole (served bytes, recorded checksum and the feed's length agree; the
duration is that of an uninterrupted upload of the same file)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import select as selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, MediaFile, Status
from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from tests.crash_checks import leftovers, referenced_keys, stored_keys
from tests.staff_helpers import StaffWorld

SCRIPT = Path(__file__).resolve().parent / "crash_server.py"
AUDIO = PROJECT_ROOT / "episodes" / "_media" / "placeholder-en.mp3"
TITLE = "Recorded on the day of the crash"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(settings: Settings, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "MEDIA_CATALOGUE_DATA_DIR": str(settings.data_dir),
        "MEDIA_CATALOGUE_DATABASE_URL": settings.resolved_database_url,
        "MEDIA_CATALOGUE_BASE_URL": f"http://127.0.0.1:{port}",
        "MEDIA_CATALOGUE_FETCH_VIDEO_THUMBNAILS": "false",
        "MEDIA_CATALOGUE_DOWNLOADS_ENABLED": "false",
    }


def call(base: str, method: str, path: str, token: str, body: bytes = b"", **headers: str) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1
        base + path, data=body if method != "GET" else None, method=method,
        headers={"Authorization": f"Bearer {token}", **headers},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1
            import json

            data = response.read()
            return response.status, (
                json.loads(data) if response.headers.get_content_type() == "application/json" else data
            )
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(base: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not come up")


def upload(base: str, token: str) -> tuple[int, Any]:
    path = f"/api/staff/shows/match-en/uploads?filename=episode.mp3&title={urllib.request.quote(TITLE)}"
    return call(base, "POST", path, token, AUDIO.read_bytes(), **{"Content-Type": "audio/mpeg"})


def uninterrupted_duration_ms(base: str, token: str, database: Database) -> int:
    """The audio's duration as an uninterrupted upload on the restarted server records it (a second draft)."""
    status, body = call(
        base, "POST", "/api/staff/shows/match-en/uploads?filename=episode.mp3&title=Reference", token,
        AUDIO.read_bytes(), **{"Content-Type": "audio/mpeg"},
    )  # fmt: skip
    assert status == 201, body
    with database.session() as session:
        duration = session.scalar(select(MediaFile.duration_ms).where(MediaFile.episode_id == body["id"]))
    assert duration
    return int(duration)


def publish(base: str, token: str, slug: str) -> tuple[int, Any]:
    return call(base, "POST", f"/api/staff/shows/match-en/episodes/{slug}/publish", token)


@pytest.fixture
def serve(settings: Settings) -> Iterator[Any]:
    """Start `media-catalogue serve` (the real command) on the test's database and storage."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> str:
        port = _port()
        process = subprocess.Popen(
            [sys.executable, "-m", "media_catalogue", "serve", "--port", str(port), "--no-seed"],
            env=_environment(settings, port), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_for(base, process)
        return base

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def kill_at(settings: Settings, point: str, steps: Any) -> None:
    """Run the crash server, do `steps(base)` in a thread until the server reaches `point`, then kill -9 it."""
    port = _port()
    child = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(port), point], env=_environment(settings, port), cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base, child)
        threading.Thread(target=lambda: _ignore_errors(steps, base), daemon=True).start()
        ready, _, _ = selectors.select([child.stdout], [], [], 120)
        assert ready, f"the server never reached {point}"
        assert child.stdout.readline().strip() == point
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _ignore_errors(steps: Any, base: str) -> None:
    with contextlib.suppress(OSError):  # the server died under the request: that is the point
        steps(base)


def episodes_titled(database: Database) -> list[Episode]:
    with database.session() as session:
        rows = list(session.scalars(select(Episode).where(Episode.title == TITLE)))
        for row in rows:
            _ = [m.sha256 for m in row.media_files]
        session.expunge_all()
        return rows


@pytest.mark.parametrize("point", ["upload-written", "upload-commit", "publish-commit", "publish-committed"])
def test_publish_killed_then_done_again_ends_like_an_uninterrupted_publish(
    point: str, settings: Settings, database: Database, world: StaffWorld, serve: Any
) -> None:
    token = world.tokens["editor"]
    slug: dict[str, str] = {}

    def steps(base: str) -> None:
        status, body = upload(base, token)
        assert status == 201, body
        slug["value"] = body["slug"]
        publish(base, token, body["slug"])

    kill_at(settings, point, steps)
    database.engine.dispose()
    base = serve()  # start-up recovery: the journal of the killed process is settled

    rows = episodes_titled(database)
    if point.startswith("upload"):
        assert rows == []  # neither the draft nor its audio: the upload was one transaction
    else:
        assert len(rows) == 1 and len(rows[0].media_files) == 1  # the upload committed, whole
        expected = Status.published if point == "publish-committed" else Status.draft
        assert rows[0].status == expected
    assert stored_keys(settings) == referenced_keys(database)  # no object without a row, no row without its object
    assert leftovers(settings) == []

    # Do again what did not happen, on the restarted server.
    if point.startswith("upload"):
        status, body = upload(base, token)
        assert status == 201, body
        slug["value"] = body["slug"]
    if point != "publish-committed":
        status, body = publish(base, token, slug["value"])
        assert status == 200, body

    rows = episodes_titled(database)
    assert len(rows) == 1 and rows[0].status == Status.published
    (media,) = rows[0].media_files  # one audio file, whole: what was served is what was stored and recorded
    status, feed = call(base, "GET", "/feeds/match-en.xml", token)
    assert (
        status == 200
        and feed.count(f"<title>{TITLE}</title>".encode()) == 1
        and f'length="{media.byte_length}"'.encode() in feed
    )
    status, audio = call(base, "GET", f"/media/match-en/{slug['value']}.mp3", token)
    assert status == 200 and len(audio) == media.byte_length and hashlib.sha256(audio).hexdigest() == media.sha256
    assert media.duration_ms and abs(media.duration_ms - uninterrupted_duration_ms(base, token, database)) < 50
    assert stored_keys(settings) == referenced_keys(database)
    assert leftovers(settings) == []
