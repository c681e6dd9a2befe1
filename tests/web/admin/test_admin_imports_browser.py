"""In headless Chromium: an admin pastes the address of a feed served from 127.0.0.1, reads the preview, confirms,
watches the progress bars reach 100% and finds the episodes in the show's list."""

from __future__ import annotations

import pytest

from media_catalogue.config import Settings
from tests.feed_import.conftest import LocalServer, server  # noqa: F401 - the local HTTP server fixture
from tests.staff_helpers import PASSWORD, StaffWorld
from tests.web.admin.test_admin_browser import _in_browser
from tests.web.admin.test_admin_imports import feed_on

pytestmark = pytest.mark.browser


def test_import_a_feed_in_the_browser(
    live_server: str,
    world: StaffWorld,
    settings: Settings,
    server: LocalServer,  # noqa: F811
) -> None:
    settings.import_allowed_hosts = ["127.0.0.1"]
    url = feed_on(server)

    def scenario(page) -> None:  # type: ignore[no-untyped-def]
        page.goto("/admin/login")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        page.click("a[href='/admin/imports']")
        page.fill("#import-show", "moved-in")
        page.fill("#import-url", url)
        page.check("input[name=download]")
        with page.expect_navigation():
            page.click("#import-preview")
        assert page.locator("#import-items tbody tr").count() == 2
        assert "itunes:weird" in page.text_content("#import-warnings")
        page.evaluate(
            """() => { window.__bars = []; const seen = () => window.__bars.push(
                 Array.from(document.querySelectorAll('progress')).map(p => p.value));
               new MutationObserver(seen).observe(document, {subtree: true, childList: true, attributes: true}); }"""
        )
        with page.expect_navigation():
            page.click("#import-confirm")
        page.wait_for_function("() => document.getElementById('import-state').dataset.state === 'done'", timeout=60_000)
        assert page.evaluate("document.getElementById('import-bar').value") == 100
        bars = page.evaluate("Array.from(document.querySelectorAll('#import-files progress')).map(p => p.value)")
        assert bars == [100, 100]
        page.click("#import-next a")
        page.wait_for_url("**/admin/shows/moved-in")
        assert "Episode 1" in page.text_content("main") and "Episode 2" in page.text_content("main")

    _in_browser(live_server, scenario)
