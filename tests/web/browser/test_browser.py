"""End to end in headless Chromium: play an episode on its page and inside an iframe on another origin, seek by
chapter and transcript, keep every request on 127.0.0.1, save screenshots, and check accessibility with axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.conftest import Requests, axe_source, screenshot

pytestmark = pytest.mark.browser
EPISODE = "/shows/match-en/talent-partnerships"
EMBED = "/embed/match-en/talent-partnerships"
Page = tuple[Any, Requests]


def wait_playing(page: Any, selector: str, beyond: float = 0.3) -> float:
    page.wait_for_function(
        f"() => {{ const a = document.querySelector('{selector}');"
        f" return a && !a.paused && a.currentTime > {beyond}; }}",
        timeout=15_000,
    )
    return float(page.evaluate(f"document.querySelector('{selector}').currentTime"))


def test_screenshots_of_the_main_pages(site: str, page: Page) -> None:
    opened, requests = page
    for name, path in (("home", "/"), ("show", "/shows/match-en"), ("episode", EPISODE), ("embed", EMBED),
                       ("episode-fr", f"{EPISODE}?lang=fr")):  # fmt: skip
        response = opened.goto(site + path)
        assert response is not None and response.status == 200
        assert screenshot(opened, name).stat().st_size > 1000
    assert requests.foreign() == []


def test_play_on_the_episode_page_and_seek_by_chapter_and_transcript(site: str, page: Page) -> None:
    opened, requests = page
    opened.goto(site + EPISODE)
    audio = "#player"
    assert opened.evaluate(f"document.querySelector('{audio}').preload") == "none"
    # nothing of the audio is fetched before the listener asks for it
    assert not [u for u in requests.urls if "/media/" in u]
    opened.evaluate(f"document.querySelector('{audio}').play()")
    before = wait_playing(opened, audio, 0.2)
    opened.wait_for_timeout(600)
    assert opened.evaluate(f"document.querySelector('{audio}').currentTime") > before
    opened.get_by_role("button", name="Partnerships").click()
    opened.wait_for_function(f"document.querySelector('{audio}').currentTime >= 4", timeout=10_000)
    opened.locator(".transcript button[data-start='2.0']").click()
    opened.wait_for_function(
        f"(() => {{ const t = document.querySelector('{audio}').currentTime; return t >= 2 && t < 3.5; }})()",
        timeout=10_000,
    )
    assert [u for u in requests.urls if "/media/match-en/talent-partnerships.mp3" in u]
    assert requests.foreign() == []


def test_play_inside_an_iframe_on_another_origin(site: str, partner_site: str, page: Page) -> None:
    opened, requests = page
    opened.goto(partner_site + "/")
    frame = opened.frame_locator("#player")
    play = frame.get_by_role("button", name="Play", exact=True)
    play.focus()
    opened.keyboard.press("Enter")  # keyboard operable
    player = next(f for f in opened.frames if "/embed/" in f.url)
    wait_playing(player, "#audio", 0.3)
    assert frame.get_by_role("button", name="Pause", exact=True).is_visible()
    assert "0:0" in frame.locator("#time").inner_text()
    frame.locator("summary").click()
    frame.get_by_role("button", name="Partnerships").click()
    player.wait_for_function("document.querySelector('#audio').currentTime >= 4", timeout=10_000)
    frame.locator("#speed").click()
    assert player.evaluate("document.querySelector('#audio').playbackRate") == 1.25
    assert player.evaluate("document.cookie") == ""
    screenshot(opened, "embed-on-partner-site")
    assert requests.foreign() == []


@pytest.mark.parametrize("path", [EPISODE, EMBED, "/", "/shows/match-en"])
def test_no_serious_accessibility_violations(site: str, page: Page, path: str) -> None:
    opened, _ = page
    opened.goto(site + path)
    opened.evaluate(axe_source())
    result = opened.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_focus_is_visible_and_the_skip_link_works(site: str, page: Page) -> None:
    opened, _ = page
    opened.goto(site + EPISODE)
    opened.keyboard.press("Tab")
    focused = opened.evaluate(
        "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {cls: e.className, outline: s.outlineStyle, width: s.outlineWidth}; })()"
    )
    assert focused["cls"] == "skip" and focused["outline"] != "none"
    opened.keyboard.press("Enter")
    assert opened.evaluate("location.hash") == "#main"
