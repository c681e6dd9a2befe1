"""Issue 15's "done when", in headless Chromium: an admin signs in, switches to French, creates a show with artwork,
adds a person and a project, creates an episode, uploads its audio watching the progress bar, previews it (the
public page's artwork and formatted chapters), publishes it and reads it on the public page and in the feed; then
the same in Dutch. One browser and one server for both runs; a screenshot of each step under test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.staff_helpers import PASSWORD, StaffWorld
from tests.web.admin.test_admin_browser import AUDIO, _in_browser

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

RUNS = {
    "fr": {
        "title": "Podcast MATCH en français", "slug": "podcast-match-en-francais", "person": "Awa Ndiaye",
        "project": "Passerelles de talents", "episode": "Les partenariats de talents",
        "chapters": ("Bienvenue", "Les partenariats"),
        "words": {"dashboard": "Vos émissions", "created": "Émission créée", "published": "Publié"},
    },
    "nl": {
        "title": "MATCH-podcast in het Nederlands", "slug": "match-podcast-in-het-nederlands",
        "person": "Joris Peeters", "project": "Talentbruggen", "episode": "Talentpartnerschappen uitgelegd",
        "chapters": ("Welkom", "Partnerschappen"),
        "words": {"dashboard": "Uw shows", "created": "Show aangemaakt", "published": "Gepubliceerd"},
    },
}  # fmt: skip


def _cover(folder: Path) -> Path:
    path = folder / "cover.jpg"
    Image.new("RGB", (1400, 1400), (11, 92, 173)).save(path, "JPEG", quality=85)
    return path


def test_the_whole_journey_in_french_and_dutch(live_server: str, world: StaffWorld, tmp_path: Path) -> None:
    cover = _cover(tmp_path)

    def scenario(page: Any) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.goto("/admin/login?lang=fr")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/")
        for language, run in RUNS.items():
            _journey(page, language, run, cover)

    _in_browser(live_server, scenario)


def _shot(page: Any, language: str, step: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"journey-{language}-{step}.png"), full_page=True)


def _journey(page: Any, language: str, run: dict[str, Any], cover: Path) -> None:  # noqa: PLR0915 - one story
    slug = run["slug"]
    page.goto(f"/admin/?lang={language}")
    assert page.get_attribute("html", "lang") == language
    assert run["words"]["dashboard"] in page.text_content("main")
    _shot(page, language, "01-dashboard")

    # A new show, with every directory field, then its artwork.
    page.click("#new-show")
    page.fill("#title", run["title"])
    page.fill("#subtitle", "MATCH")
    page.fill("#description", "Compétences et emplois entre le Sénégal, le Nigeria et la Belgique.")
    page.fill("#author", "MATCH")
    page.fill("#owner_name", "MATCH")
    page.fill("#owner_email", "podcast@example.org")
    page.select_option("#language", language)
    page.select_option("#category", "Business › Careers")
    page.check("input[name=show_type][value=episodic]")
    page.fill("#spotify_url", "https://open.spotify.com/show/match")
    page.fill("#license", "CC BY 4.0")
    _shot(page, language, "02-new-show")
    page.click("#save")
    page.wait_for_url(f"**/admin/shows/{slug}/settings**")
    assert run["words"]["created"] in page.text_content(".notice")
    page.set_input_files("#artwork-file", str(cover))
    page.click("#artwork-submit")
    page.wait_for_url("**#field-artwork")
    images = page.query_selector_all("#artwork-previews img")
    assert [img.get_attribute("width") for img in images] == ["300", "160", "55"]
    page.wait_for_function(
        "() => [...document.querySelectorAll('#artwork-previews img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert page.is_visible("#verdict")
    _shot(page, language, "03-show-artwork")

    # A person and a project; the show joins the project.
    page.goto("/admin/people/new")
    page.fill("#name", run["person"])
    page.check("input[name=roles][value=host]")
    page.fill("#bio", "MATCH")
    page.click("#save")
    page.wait_for_url("**/admin/people/*")
    person = page.url.split("/admin/people/")[1].split("?")[0]
    _shot(page, language, "04-person")
    page.goto("/admin/projects/new")
    page.fill("#name", run["project"])
    page.fill("#description", "MATCH")
    page.click("#save")
    page.wait_for_url("**/admin/projects/*")
    project = page.url.split("/admin/projects/")[1].split("?")[0]
    page.goto(f"/admin/shows/{slug}/settings")
    page.select_option("#project", project)
    page.click("#save")
    page.wait_for_url("**#feed-check")
    page.goto(f"/admin/projects/{project}")
    assert run["title"] in page.text_content("#members")
    _shot(page, language, "05-project")

    # An episode, its audio with the progress bar, chapters.
    page.goto(f"/admin/shows/{slug}/episodes/new")
    page.fill("#title", run["episode"])
    page.fill("#summary", "MATCH")
    page.select_option("select[name=person] >> nth=0", person)
    page.fill("input[name=person_role] >> nth=0", "host")
    with page.expect_navigation():
        page.click("form[action$='/episodes/new'] button[type=submit]")
    assert "/admin/episodes/" in page.url, [e.text_content() for e in page.query_selector_all(".error, .alert")]
    episode_url = page.url.split("?")[0]
    page.evaluate(
        """() => { window.__progress = []; const status = document.getElementById('audio-status');
        new MutationObserver(() => window.__progress.push(document.getElementById('audio-bar').value)).observe(
            status, {childList: true, characterData: true, subtree: true}); }"""
    )
    page.set_input_files("#audio-file", str(AUDIO))
    with page.expect_navigation(timeout=60_000):  # the page reloads itself once the file is in
        page.click("#audio-submit")
        page.wait_for_function("() => document.getElementById('audio-bar').value === 100", timeout=30_000)
        page.wait_for_function("() => document.getElementById('audio-status').dataset.done === 'true'")
        assert 100 in page.evaluate("window.__progress")
        _shot(page, language, "06-audio")
    assert page.is_visible("#audio-current")
    for row, (start, title) in enumerate((("0:00", run["chapters"][0]), ("0:02", run["chapters"][1]))):
        page.fill(f"input[name=chapter_start] >> nth={row}", start)
        page.fill(f"input[name=chapter_title] >> nth={row}", title)
    with page.expect_navigation():
        page.click("#save")
    assert "notice=" in page.url, [e.text_content() for e in page.query_selector_all(".error, .alert")]

    # The preview is the public page: the show's artwork and the chapters as 0:00, 0:02.
    page.goto(page.get_attribute("#preview-link", "href"))
    assert page.is_visible("#preview-banner")
    artwork = page.get_attribute("img.artwork", "src")
    assert artwork and "/artwork/" in artwork
    page.wait_for_function("() => document.querySelector('img.artwork').naturalWidth > 0")
    assert [t.strip() for t in page.locator(".chapters .time").all_text_contents()] == ["0:00", "0:02"]
    _shot(page, language, "07-preview")

    # Publish, then read it on the public page and in the feed.
    page.goto(episode_url)
    page.click("#publish-now")
    page.wait_for_url("**notice=*")
    assert page.get_attribute("#status", "data-status") == "published"
    assert page.text_content("#status") == run["words"]["published"]
    _shot(page, language, "08-published")
    public = page.get_attribute("#public-link", "href")
    page.goto(public)
    assert run["episode"] in page.text_content("h1")
    assert page.query_selector("img.artwork") is not None
    _shot(page, language, "09-public-page")
    feed = page.request.get(f"/feeds/{slug}.xml")
    assert feed.ok, feed.status
    text = feed.text()
    assert run["episode"] in text and re.search(r"<itunes:image href=\"[^\"]+/artwork/", text)
