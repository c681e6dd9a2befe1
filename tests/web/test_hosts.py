"""Two app hosts: two `media-catalogue serve` commands of two workers each, on different ports and data folders,
sharing one PostgreSQL schema and one bucket of moto's S3 server. A change made through host A is served by host B
within a second (feed, page, search, oEmbed, API, tokens); a scheduled episode appears on both at its time; the
WebSub announcement of each change reaches a fake hub once, not once per host or worker; the housekeeping runs once
per period for both hosts together."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote

import pytest
from sqlalchemy import create_engine, text

from media_catalogue.catalogue import leases
from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.conftest import PG_URL, _free_port
from tests.staff_helpers import StaffWorld

MP3 = Path(__file__).resolve().parents[1] / "media" / "files" / "cbr-id3v24.mp3"
BASE = "https://podcasts.example.org"
FEED = f"{BASE}/feeds/match-en.xml"
EPISODES = "/api/staff/shows/match-en/episodes"
pytestmark = pytest.mark.skipif(not PG_URL, reason="MEDIA_CATALOGUE_TEST_DATABASE_URL is not set (no PostgreSQL)")


class Hub:
    """A fake WebSub hub on 127.0.0.1 that records every publish ping."""

    def __init__(self) -> None:
        pings: list[str] = []
        self.pings = pings

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                pings.append(parse_qs(body)["hub.url"][0])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, topic: str) -> int:
        return self.pings.count(topic)


def request(port: int, method: str, path: str, body: object = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        sent = {**(headers or {})}
        if body is not None and not isinstance(body, bytes):
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture
def schema_url() -> Iterator[str]:
    assert PG_URL
    schema = f"mc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _start(environment: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    # The production command, two workers each: four processes in all share the caches' promises and the leases.
    command = [sys.executable, "-m", "media_catalogue", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "2", "--no-seed"]  # fmt: skip
    process = subprocess.Popen(command, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # noqa: S603
    return process, port


def _wait_healthy(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-2000:]
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"host on port {port} did not start: {log.read_text()[-2000:]}")


@pytest.fixture
def hosts(tmp_path: Path, schema_url: str, s3_settings: Settings) -> Iterator[tuple[int, int, StaffWorld, Hub]]:
    hub = Hub()
    shared = {
        "MEDIA_CATALOGUE_DATABASE_URL": schema_url,
        "MEDIA_CATALOGUE_STORAGE_URL": s3_settings.resolved_storage_url,
        "MEDIA_CATALOGUE_S3_ENDPOINT_URL": s3_settings.s3_endpoint_url or "",
        "MEDIA_CATALOGUE_S3_REGION": "us-east-1",
        "MEDIA_CATALOGUE_BASE_URL": BASE,
        "MEDIA_CATALOGUE_SECRET_KEY": "shared-by-every-host-" + uuid.uuid4().hex,
        "MEDIA_CATALOGUE_WEBSUB_HUB_URL": hub.url,
        "MEDIA_CATALOGUE_HOUSEKEEPING_SECONDS": "1",
        "MEDIA_CATALOGUE_FETCH_VIDEO_THUMBNAILS": "false",
    }
    settings = Settings(data_dir=tmp_path / "seed", **{k.removeprefix("MEDIA_CATALOGUE_").lower(): v for k, v in
                        shared.items()}, _env_file=None)  # type: ignore[arg-type]  # fmt: skip
    database = Database(settings)
    database.migrate()
    world = StaffWorld.build(database, settings, tmp_path / "content")
    processes = []
    try:
        for name in ("a", "b"):
            environment = {**os.environ, **shared, "MEDIA_CATALOGUE_DATA_DIR": str(tmp_path / name)}
            processes.append((*_start(environment, tmp_path / f"{name}.log"), tmp_path / f"{name}.log"))
        for process, port, log in processes:
            _wait_healthy(process, port, log)
        yield processes[0][1], processes[1][1], world, hub
    finally:
        for process, _port, _log in processes:
            process.terminate()
        for process, _port, _log in processes:
            process.wait(timeout=30)
        database.dispose()
        hub.server.shutdown()


def _until(check: Callable[[], bool], limit: float, since: float | None = None) -> float:
    """Seconds from `since` (default: now) to the start of the first poll at which `check` held; fails past `limit`.
    Measured to the poll's start, not its end: what is measured is how soon a host serves the change, not how long one
    request takes on a loaded machine."""
    start = time.monotonic() if since is None else since
    while True:
        asked = time.monotonic()
        if check():
            return asked - start
        assert asked - start < limit, f"not seen within {limit} s"
        time.sleep(0.02)


def _settled(hub: Hub) -> int:
    """The number of pings for the feed once none came for 1.5 s (the hosts look for changes every second)."""
    count = hub.count(FEED)
    while True:
        time.sleep(1.5)
        if hub.count(FEED) == count:
            return count
        count = hub.count(FEED)


def _first_seen(check: Callable[[], bool], limit: float) -> tuple[datetime, datetime | None]:
    """The clock time at the end of the first poll at which `check` held (the server answered it before then), and
    at the start of the last poll at which it did not (the server answered that one after then)."""
    deadline = time.monotonic() + limit
    last_miss = None
    while time.monotonic() < deadline:
        asked = datetime.now(UTC)
        if check():
            return datetime.now(UTC), last_miss
        last_miss = asked
        time.sleep(0.02)
    raise AssertionError(f"not seen within {limit} s")


def _views(port: int, slug: str) -> dict[str, Callable[[], bytes]]:
    page = f"{BASE}/shows/match-en/{slug}"
    return {
        "feed": lambda: request(port, "GET", "/feeds/match-en.xml")[2],
        "page": lambda: request(port, "GET", "/shows/match-en")[2],
        "search": lambda: request(port, "GET", "/search?q=zanzibar")[2],
        "api": lambda: request(port, "GET", "/api/shows/match-en/episodes")[2],
        "oembed": lambda: request(port, "GET", f"/oembed?url={quote(page, safe='')}")[2],
    }


def _draft(port: int, world: StaffWorld, title: str) -> dict:  # type: ignore[type-arg]
    status, _h, body = request(
        port, "POST", EPISODES, {"title": title, "summary": "Two hosts."}, world.bearer("editor")
    )
    assert status == 201, body
    draft = json.loads(body)
    url = f"{EPISODES}/{draft['slug']}/media?filename=interview.mp3"
    status, _h, body = request(
        port, "PUT", url, MP3.read_bytes(), {**world.bearer("editor"), "Content-Type": "application/octet-stream"}
    )
    assert status in (200, 201), body
    return json.loads(body)  # type: ignore[no-any-return]


def test_two_hosts_serve_each_others_changes_within_a_second(hosts: tuple[int, int, StaffWorld, Hub]) -> None:
    a, b, world, hub = hosts
    with world.database.session() as session:
        runs_before = leases.runs(session, "downloads-housekeeping")
    started = time.monotonic()
    for view in _views(b, "none").values():  # host B has everything cached before the change
        view()
    assert request(b, "GET", "/api/staff/shows", headers=world.bearer("editor"))[0] == 200  # a token works anywhere

    draft = _draft(a, world, "Zanzibar coherence")
    pings = _settled(hub)  # creating the draft and uploading its file are changes too, announced in their turn
    slug = draft["slug"]
    status, _h, body = request(
        a, "POST", f"{EPISODES}/{slug}/publish", headers={**world.bearer("editor"), "If-Match": draft["etag"]}
    )
    assert status == 200, body
    published = time.monotonic()
    for name, view in _views(b, slug).items():
        needle = b"Zanzibar" if name != "oembed" else b"Zanzibar coherence"
        assert _until(lambda v=view, n=needle: n in v(), 5.0, published) < 1.0, name  # type: ignore[misc]
    _until(lambda: hub.count(FEED) == pings + 1, 3.0)
    time.sleep(1.5)  # both hosts look for changes every second: a second ping would have come by now
    assert hub.count(FEED) == pings + 1, hub.pings

    etag = json.loads(request(a, "GET", f"{EPISODES}/{slug}", headers=world.bearer("editor"))[2])["etag"]
    status, _h, body = request(
        a, "PATCH", f"{EPISODES}/{slug}", {"title": "Zanzibar edited"}, {**world.bearer("editor"), "If-Match": etag}
    )
    assert status == 200, body
    edited = time.monotonic()
    for name, view in _views(b, slug).items():
        assert _until(lambda v=view: b"Zanzibar edited" in v(), 5.0, edited) < 1.0, name  # type: ignore[misc]
    _until(lambda: hub.count(FEED) == pings + 2, 3.0)

    later = _draft(a, world, "Zanzibar scheduled")
    pings = _settled(hub)
    at = datetime.now(UTC) + timedelta(seconds=3)
    status, _h, body = request(
        a,
        "POST",
        f"{EPISODES}/{later['slug']}/schedule",
        {"published_at": at.isoformat()},
        {**world.bearer("editor"), "If-Match": later["etag"]},
    )
    assert status == 200, body
    _until(lambda: hub.count(FEED) == pings + 1, 3.0)  # the schedule itself is a change (the GUID is reserved)
    for port in (a, b):
        assert b"Zanzibar scheduled" not in request(port, "GET", "/feeds/match-en.xml")[2]
    for port in (a, b):
        for name, view in _views(port, later["slug"]).items():
            if name == "oembed":
                continue
            seen, last_miss = _first_seen(lambda v=view: b"Zanzibar scheduled" in v(), 8.0)  # type: ignore[misc]
            assert seen >= at, (name, port, "shown before its time")
            assert last_miss is None or last_miss < at + timedelta(seconds=1), (name, port, last_miss - at)
    _until(lambda: hub.count(FEED) == pings + 2, 3.0)  # going live by the clock is announced by one host
    time.sleep(1.5)
    assert hub.count(FEED) == pings + 2, hub.pings
    assert hub.count(f"{BASE}/feeds/match-nl.xml") == 0  # an untouched show is not announced

    # A token made on one host works on the other at once, and once revoked on one is refused by the other at once.
    status, _h, body = request(b, "POST", "/api/staff/tokens", {"name": "two hosts"}, world.bearer("editor"))
    assert status == 201, body
    made = json.loads(body)
    assert request(a, "GET", "/api/staff/tokens", headers={"Authorization": f"Bearer {made['token']}"})[0] == 200
    assert request(a, "DELETE", f"/api/staff/tokens/{made['id']}", headers=world.bearer("editor"))[0] == 200
    assert request(b, "GET", "/api/staff/tokens", headers={"Authorization": f"Bearer {made['token']}"})[0] == 401

    with world.database.session() as session:
        runs = leases.runs(session, "downloads-housekeeping") - runs_before
    # Each host asks ten times a period (1 s here): the purge ran about once a second in all, not once per host.
    elapsed = time.monotonic() - started
    assert elapsed / 2 <= runs <= elapsed + 1, (runs, elapsed)
