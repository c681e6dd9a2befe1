"""Browser tests: Debian's chromium driven by Playwright (never a downloaded browser), headless, with the flags a
closed network needs. The app runs in a real uvicorn on 127.0.0.1 (background thread) over a synced test catalogue
whose episode has real spoken audio; a second server on another port plays a partner website that embeds the
player. Tests skip, saying why, when chromium or Playwright is missing. Screenshots go to test-artifacts/."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.catalogue_fixtures import make_catalogue, write

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
SPOKEN = ROOT / "episodes" / "_media" / "placeholder-en.mp3"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]

EPISODE = """\
---
title: "Talent partnerships explained"
number: 3
season: 1
published: 2022-03-10
summary: What a talent partnership is, in three chapters.
people:
  - {person: hans-maertens, role: host}
  - {person: sammy-mahdi, role: guest}
audio: spoken.mp3
chapters: spoken.chapters.json
transcripts:
  - {language: en, file: spoken.en.vtt}
translation_group: match-ep3
---
Belgium is a **pioneer** of talent partnerships. [The MATCH project](https://www.match-project.eu/).
"""

CHAPTERS = {
    "version": "1.2.0",
    "chapters": [
        {"startTime": 0, "title": "Welcome"},
        {"startTime": 2, "title": "Talent"},
        {"startTime": 4, "title": "Partnerships"},
    ],
}

VTT = """WEBVTT

00:00:00.000 --> 00:00:02.000
Welcome to the MATCH podcast.

00:00:02.000 --> 00:00:04.000
Today: talent partnerships.

00:00:04.000 --> 00:00:06.000
Between Senegal, Nigeria and Belgium.
"""


def chromium_path() -> str | None:
    found = os.environ.get("MEDIA_CATALOGUE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return found if found and Path(found).exists() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port}")


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium binary (install Debian's `chromium` package; .ci/run does) - browser tests skipped")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed - browser tests skipped")
    return path


@pytest.fixture(scope="session")
def site(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app served by uvicorn on 127.0.0.1, over a freshly synced test catalogue."""
    import uvicorn

    from media_catalogue.web.app import create_app

    tmp = tmp_path_factory.mktemp("browser-site")
    root = make_catalogue(tmp / "episodes")
    shutil.copy(SPOKEN, root / "match-en" / "spoken.mp3")
    (root / "match-en" / "spoken.chapters.json").write_text(json.dumps(CHAPTERS), encoding="utf-8")
    (root / "match-en" / "spoken.en.vtt").write_text(VTT, encoding="utf-8")
    write(root, "match-en/talent-partnerships.md", EPISODE)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=tmp / "data", base_url=base, fetch_video_thumbnails=False, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), root)
    assert report.errors == [], report.errors
    app = create_app(settings, database=database)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-browser-tests", daemon=True)
    thread.start()
    _wait_for(port)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def partner_site(site: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A partner website on another origin (another port) whose page embeds the player in an iframe."""
    folder = tmp_path_factory.mktemp("partner")
    (folder / "index.html").write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Partner site</title></head><body>"
        "<main><h1>Our partner page</h1>"
        f'<iframe id="player" src="{site}/embed/match-en/talent-partnerships" title="MATCH podcast player" '
        'width="600" height="200" style="border:0" allow="autoplay"></iframe></main></body></html>',
        encoding="utf-8",
    )

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="partner-site", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Requests:
    """Every URL a page asked for, to prove that nothing leaves 127.0.0.1."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def foreign(self) -> list[str]:
        from urllib.parse import urlsplit

        return [u for u in self.urls if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname != "127.0.0.1"]  # fmt: skip


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Requests]]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    requests = Requests()
    context.on("request", lambda request: requests.urls.append(request.url))
    opened = context.new_page()
    yield opened, requests
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "tests/browser/vendor/axe.min.js changed: see its README"
    return data.decode("utf-8")
