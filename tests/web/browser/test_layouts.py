"""Every public page of the seeded catalogue at a phone's width (390 px) and a desktop's (1280 px): no horizontal
overflow, nothing stranded, and a screenshot of each in test-artifacts/ (issue 13, point 10)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.web.browser.conftest import _free_port, _wait_for, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "shows": "/shows",
    "show": "/shows/diaspora-insights",
    "episode": "/shows/diaspora-insights/tino-chibebe",
    "videos": "/videos",
    "video": "/videos/match-rob-de-lobel-presents-match",
    "projects": "/projects",
    "project": "/projects/u-care",
    "people": "/people",
    "person": "/people/tino-chibebe",
    "search": "/search?q=the",
    "embed": "/embed/diaspora-insights/tino-chibebe",
    "episode-fr": "/shows/u-care-fr/episode-1?lang=fr",  # the French ones last: ?lang= sets a cookie
    "not-found-fr": "/shows/nope?lang=fr",
}
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def seeded_site(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the seeded catalogue (episodes/), served by uvicorn on 127.0.0.1."""
    import uvicorn

    from media_catalogue.web.app import create_app

    tmp = tmp_path_factory.mktemp("seeded-site")
    root = tmp / "episodes"
    shutil.copytree(PROJECT_ROOT / "episodes", root)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(data_dir=tmp / "data", base_url=base, fetch_video_thumbnails=False, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), root)
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
    thread = threading.Thread(target=server.run, name="uvicorn-seeded-site", daemon=True)
    thread.start()
    _wait_for(port)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_fits_the_screen(seeded_site: str, browser: Any, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    overflowing = {}
    try:
        for name, path in PAGES.items():
            response = page.goto(seeded_site + path)
            assert response is not None and response.status == (404 if name.startswith("not-found") else 200), path
            page.wait_for_load_state("load")
            wide = page.evaluate(
                "() => { const w = document.documentElement.clientWidth;"
                " return [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > w + 1)"
                ".map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5); }"
            )
            scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if scroll > 0 or wide:
                overflowing[name] = (scroll, wide)
            assert screenshot(page, f"layout-{name}-{width}").stat().st_size > 1000
    finally:
        context.close()
    assert overflowing == {}


def test_the_home_page_reaches_the_latest_episodes_on_a_phone(seeded_site: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(seeded_site + "/")
        top = page.evaluate("document.getElementById('latest-heading').getBoundingClientRect().top + scrollY")
    finally:
        context.close()
    assert top < 1300  # six full-width tiles put it at about 2,600 px


def test_filter_labels_stay_with_their_fields(seeded_site: str, browser: Any) -> None:
    """On desktop a label sat at the end of one line and its drop-down at the start of the next."""
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        page = context.new_page()
        try:
            page.goto(seeded_site + "/videos")
            apart = page.evaluate(
                "() => [...document.querySelectorAll('.filters label')].filter(l => {"
                " const f = document.getElementById(l.htmlFor); const a = l.getBoundingClientRect(),"
                " b = f.getBoundingClientRect(); return Math.abs(a.left - b.left) > 4 && Math.abs(a.top - b.top) > 4"
                " }).map(l => l.htmlFor)"
            )
        finally:
            context.close()
        assert apart == [], width


@pytest.mark.parametrize("width", [320, 600])
def test_the_embed_fits_the_height_its_code_gives_with_chapters_open(
    site: str, partner_site: str, browser: Any, width: int
) -> None:
    """Issue 13, point 12: with chapters open, 213 px of content sat in the 200 px iframe (border and focus ring
    cut). In every state everything stays inside the frame, and the player tells its parent the height it wants."""
    from media_catalogue.web.embed import EMBED_HEIGHT

    context = browser.new_context(viewport={"width": 700, "height": 600}, locale="en-GB")
    page = context.new_page()
    try:
        page.add_init_script(
            "window.heights = []; addEventListener('message', e => { try { const m = JSON.parse(e.data);"
            " if (m.context === 'iframe.resize') heights.push(m.height); } catch (x) {} });"
        )
        page.goto(partner_site + "/")  # its iframe is the embed code's: 200 px high
        assert page.evaluate("document.getElementById('player').height") == str(EMBED_HEIGHT)
        page.evaluate(f"document.getElementById('player').width = '{width}'")
        frame = page.frame_locator("#player")
        frame.locator("summary").click()
        frame.get_by_role("button", name="Partnerships").focus()
        player = next(f for f in page.frames if "/embed/" in f.url)
        inside = player.evaluate(
            "() => { const h = innerHeight, w = innerWidth, m = document.querySelector('main').getBoundingClientRect();"
            " const f = document.activeElement.getBoundingClientRect();"
            " return {main: m.bottom <= h && m.right <= w, focus: f.bottom + 5 <= h && f.top >= 0,"
            " scroll: document.documentElement.scrollHeight <= h}; }"
        )
        assert inside == {"main": True, "focus": True, "scroll": True}
        page.wait_for_function("window.heights.length > 0")
        assert page.evaluate("window.heights[window.heights.length - 1]") <= EMBED_HEIGHT
        screenshot(page, f"embed-chapters-open-{width}")
        # its link names what the page offers: this episode has a transcript
        assert frame.locator(".more a").inner_text() == "Show notes and transcript"
    finally:
        context.close()
