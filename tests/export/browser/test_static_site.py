"""The export served by a plain static file server (python -m http.server, no app process anywhere): at a phone's
width (390 px) a visitor browses home -> show -> episode in French and plays the episode, whose audio comes straight
from the storage folder (served by a second static server) through MEDIA_CATALOGUE_ENCLOSURE_BASE_URL."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.export import export
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.catalogue_fixtures import make_catalogue, write
from tests.web.browser.conftest import CHAPTERS, EPISODE, SPOKEN, VTT, _free_port, _wait_for, screenshot

pytestmark = pytest.mark.browser


def _static_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(port)
    return process


@pytest.fixture(scope="module")
def static_site(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(site URL, media URL): the export and the storage folder, each behind its own `python -m http.server`."""
    tmp = tmp_path_factory.mktemp("static-site")
    root = make_catalogue(tmp / "episodes")
    shutil.copy(SPOKEN, root / "match-en" / "spoken.mp3")
    (root / "match-en" / "spoken.chapters.json").write_text(json.dumps(CHAPTERS), encoding="utf-8")
    (root / "match-en" / "spoken.en.vtt").write_text(VTT, encoding="utf-8")
    write(root, "match-en/talent-partnerships.md", EPISODE)
    site_port, media_port = _free_port(), _free_port()
    site, media = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{media_port}"
    settings = Settings(
        data_dir=tmp / "data", base_url=site, enclosure_base_url=media, fetch_video_thumbnails=False,
        _env_file=None,  # type: ignore[call-arg]
    )  # fmt: skip
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), root)
    assert report.errors == [], report.errors
    database.dispose()
    out = tmp / "export"
    export(settings, str(out))  # with Playwright's event loop running in this thread: export() uses its own thread
    servers = [_static_server(out, site_port), _static_server(Path(settings.resolved_storage_url), media_port)]
    try:
        yield site, media
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_browse_the_static_export_in_french_and_play_an_episode(browser: Any, static_site: tuple[str, str]) -> None:
    site, media = static_site
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE", is_mobile=True)
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    try:
        page.goto(f"{site}/fr/")
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.locator("a[href='/fr/shows/match-en']").first.click()
        page.wait_for_url(f"{site}/fr/shows/match-en/")
        assert page.evaluate("document.documentElement.lang") == "fr"
        page.locator("a[href='/fr/shows/match-en/talent-partnerships']").first.click()
        page.wait_for_url(f"{site}/fr/shows/match-en/talent-partnerships/")
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows a phone's width
        source = page.evaluate("document.querySelector('#player').currentSrc || document.querySelector('#player').src")
        assert source.startswith(f"{media}/episodes/")
        page.evaluate("document.querySelector('#player').play()")
        page.wait_for_function(
            "(() => { const a = document.querySelector('#player'); return a.ended || a.currentTime > 1; })()",
            timeout=15_000,
        )
        screenshot(page, "static-export-episode-fr-390")
        dutch = page.locator("nav.languages a[hreflang='nl']").get_attribute("href")
        assert dutch == "/nl/shows/match-en/talent-partnerships"
    finally:
        context.close()
    assert all(url.startswith((site, media)) for url in asked if not url.startswith(("data:", "blob:"))), asked


def test_search_on_the_static_export_runs_in_the_browser(browser: Any, static_site: tuple[str, str]) -> None:
    """A static host cannot answer /search?q=: the exported search page searches /search/index.json itself."""
    site, _media = static_site
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{site}/fr/")
        page.fill("#site-search", "Talent partnerships")
        page.press("#site-search", "Enter")
        page.wait_for_url(f"{site}/fr/search/?q=Talent+partnerships")
        page.wait_for_selector("#static-search:not([hidden]) li.item")
        links = page.eval_on_selector_all("#static-search li.item a", "links => links.map(a => a.getAttribute('href'))")
        assert links[0] == "/fr/shows/match-en/talent-partnerships", links
        status = page.text_content("#static-search h2") or ""
        assert re.fullmatch(r"\d+ résultats?", status), status
        assert int(status.split()[0]) == len(links)
        assert page.input_value("#q") == "Talent partnerships"
        page.goto(f"{site}/search/?q=zzzznothing")
        page.wait_for_selector("#static-search:not([hidden])")
        assert page.text_content("#static-search h2") == "0 results"
        screenshot(page, "static-export-search-390")
    finally:
        context.close()
