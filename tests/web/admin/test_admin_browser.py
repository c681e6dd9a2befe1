"""In headless Chromium: sign in, create a draft, upload audio and watch the progress bar reach 100%, fill in the
metadata, publish, then find the episode on the public page and in the feed. Skipped when Chromium is absent."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.staff_helpers import PASSWORD, StaffWorld

pytestmark = pytest.mark.browser

AUDIO = Path(__file__).resolve().parents[3] / "episodes" / "_media" / "placeholder-en.mp3"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None) or (
    shutil.which("chromium") or shutil.which("chromium-browser")
)


def _in_browser(live_server: str, scenario) -> None:  # type: ignore[no-untyped-def]
    """Run `scenario(page)` in headless Chromium, on a thread of its own: Playwright's sync API refuses to run where
    an asyncio loop is (or was left) running, which other tests of the suite may do on the main thread."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); the browser test needs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

    def run() -> None:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            try:
                context = browser.new_context(base_url=live_server)
                scenario(context.new_page())
                context.close()
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def test_from_audio_file_to_published_episode(live_server: str, world: StaffWorld) -> None:
    _in_browser(live_server, _from_audio_file_to_published_episode)


def _from_audio_file_to_published_episode(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/admin/")
    assert "/admin/login" in page.url
    page.fill("#username", "editor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto("/admin/shows/match-en/episodes/new")
    page.fill("#title", "Talent partnerships in practice")
    with page.expect_navigation():
        page.click("form[action$='/episodes/new'] button[type=submit]")
    assert "/admin/episodes/" in page.url, [e.text_content() for e in page.query_selector_all(".error, .alert")]

    # Record every progress report the page shows while the file goes up.
    page.evaluate(
        """() => {
        window.__progress = [];
        const status = document.getElementById('audio-status');
        new MutationObserver(() => window.__progress.push(status.textContent)).observe(
            status, {childList: true, characterData: true, subtree: true});
    }"""
    )
    page.set_input_files("#audio-file", str(AUDIO))
    page.click("#audio-submit")
    page.wait_for_function("() => document.getElementById('audio-bar').value === 100", timeout=30_000)
    page.wait_for_function("() => document.getElementById('audio-status').dataset.done === 'true'", timeout=30_000)
    reports = page.evaluate("window.__progress")
    assert any("100%" in r for r in reports), reports
    assert any(" of " in r and "MB" in r for r in reports), reports
    page.wait_for_url("**notice=Audio*", timeout=10_000)
    assert "Current file: audio/mpeg" in page.text_content("#audio-current")

    page.fill("#summary", "How Belgium matches skills and jobs.")
    page.fill("#show_notes", "With **Sammy Mahdi**.")
    page.select_option("select[name=person] >> nth=0", "sammy-mahdi")
    page.fill("input[name=person_role] >> nth=0", "guest")
    page.fill("input[name=chapter_start] >> nth=0", "0:00")
    page.fill("input[name=chapter_title] >> nth=0", "Welcome")
    page.click("#save")
    page.wait_for_url("**notice=Saved*")

    page.click("#publish-now")
    page.wait_for_url("**notice=Published*")
    assert page.text_content("#status") == "published"
    public_link = page.get_attribute("#public-link", "href")
    assert public_link

    response = page.request.get(public_link)
    if response.status == 404 and "/shows/" in public_link:
        response = page.request.get(
            public_link.replace("/shows/", "/api/shows/", 1).replace("/api/shows/", "/api/shows/", 1)
        )
    assert response.ok, response.status
    assert "Talent partnerships in practice" in response.text()

    feed = page.request.get("/feeds/match-en.xml")
    if feed.status == 404:
        pytest.skip("the feeds are not part of this build; the public page was checked")
    assert feed.ok
    assert "Talent partnerships in practice" in feed.text()
