"""The 2021 email digest of the seeded catalogue in Debian's chromium at the widths email clients use (600 px, and
375 px for phones): nothing wider than the screen, every picture loads, and nothing is asked of any host but the
catalogue's (served by a real uvicorn on 127.0.0.1). Screenshots: test-artifacts/digest-*.png."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from media_catalogue.catalogue.queries.digest import build_digest
from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.digest import render
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from media_catalogue.urls import UrlPlan
from tests.web.browser.conftest import CHROMIUM_FLAGS, _free_port, _wait_for, chromium_path, screenshot


@pytest.fixture(scope="module")
def catalogue(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings, Database]]:
    import uvicorn

    from media_catalogue.web.app import create_app

    tmp: Path = tmp_path_factory.mktemp("digest-browser")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=tmp / "data", base_url=base, fetch_video_thumbnails=False, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), PROJECT_ROOT / "episodes")
    assert report.errors == [], report.errors
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, database=database),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            ws="none",
        )  # fmt: skip
    )
    thread = threading.Thread(target=server.run, name="uvicorn-digest-browser", daemon=True)
    thread.start()
    _wait_for(port)
    yield base, settings, database
    server.should_exit = True
    thread.join(timeout=10)


def _in_chromium(scenario: Callable[[Any], None]) -> None:
    """Run `scenario(browser)` in Debian's chromium on a thread of its own: Playwright's sync API refuses to run where
    an asyncio loop is (or was left) running, which other tests of the suite may do on the main thread."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

    def run() -> None:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
            try:
                scenario(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def test_the_email_fits_and_asks_only_the_catalogue(catalogue: tuple[str, Settings, Database]) -> None:
    base, settings, database = catalogue
    emails = {}
    with database.session() as session:
        for language in ("en", "nl"):
            found = build_digest(session, date(2021, 1, 1), date(2021, 12, 31), language=language)
            emails[language] = render(found, UrlPlan(settings), "html")
    requests: list[str] = []

    def scenario(browser: Any) -> None:
        for language, email in emails.items():
            for width in (600, 375):
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.on("request", lambda request: requests.append(request.url))
                try:
                    page = context.new_page()
                    page.set_content(email, wait_until="load")
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                    )
                    assert overflow <= 0, f"{language}: {overflow} px wider than a {width} px screen"
                    wide = page.evaluate(
                        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                        "document.documentElement.clientWidth + 0.5).map(e => e.tagName + ' ' + "
                        "(e.textContent || '').slice(0, 40))"
                    )
                    assert wide == [], (language, width)
                    images = page.evaluate(
                        "[...document.images].map(i => [i.currentSrc, i.complete && i.naturalWidth > 0])"
                    )
                    assert len(images) >= 9 and all(loaded for _src, loaded in images), images
                    screenshot(page, f"digest-{language}-{width}")
                finally:
                    context.close()

    _in_chromium(scenario)
    host = urlsplit(base).netloc
    foreign = [u for u in requests if urlsplit(u).scheme not in ("data", "about") and urlsplit(u).netloc != host]
    assert foreign == []
    assert any(u.startswith(f"{base}/artwork/") for u in requests)
