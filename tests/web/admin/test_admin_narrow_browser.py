"""In headless Chromium at 390 px (a phone), in French: no workspace page scrolls sideways, and a refused upload
reads as a failure (bar emptied and red, Cancel hidden), in French (issue 15, points 2 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.staff_helpers import PASSWORD, StaffWorld
from tests.web.admin.test_admin_browser import _in_browser

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_narrow_screen_and_refused_upload(live_server: str, world: StaffWorld, tmp_path: Path) -> None:
    not_audio = tmp_path / "notes.mp3"
    not_audio.write_bytes(b"these are not the sounds you are looking for\n" * 200)

    def scenario(page) -> None:  # type: ignore[no-untyped-def]
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/admin/login?lang=fr")
        page.fill("#username", "editor")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        assert "Vos émissions" in page.text_content("main")
        page.goto("/admin/shows/match-en/episodes/new")
        page.fill("#title", "Un épisode étroit")
        with page.expect_navigation():
            page.click("form[action$='/episodes/new'] button[type=submit]")
        episode_url = page.url.split("?")[0]
        ARTIFACTS.mkdir(exist_ok=True)
        for name, url in (("dashboard", "/admin/"), ("show", "/admin/shows/match-en"), ("episode", episode_url),
                          ("check", "/admin/shows/match-en/check")):  # fmt: skip
            page.goto(url)
            page.screenshot(path=str(ARTIFACTS / f"admin-390-{name}.png"), full_page=True)
            assert page.evaluate(OVERFLOW) <= 0, f"{url} scrolls sideways at 390 px"

        page.goto(episode_url)
        page.set_input_files("#audio-file", str(not_audio))
        page.click("#audio-submit")
        page.wait_for_function("() => document.getElementById('audio-status').dataset.done === 'failed'")
        assert page.evaluate("document.getElementById('audio-bar').value") == 0
        assert page.evaluate("document.getElementById('audio-bar').classList.contains('failed')")
        assert not page.is_visible("#audio-cancel")
        status = page.text_content("#audio-status")
        assert status and "fichier" in status, status  # the refusal in French, by its code

    _in_browser(live_server, scenario)
