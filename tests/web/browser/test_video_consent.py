"""Click-to-load video embeds in headless Chromium: the video page makes no request to any provider host (no
player, no thumbnail, no script) until the visitor presses the play button; then, and only then, the
youtube-nocookie.com iframe appears. Every request the page makes is recorded, and every request for a host other
than 127.0.0.1 is aborted, so nothing leaves the machine even after the click. Skipped (saying why) without chromium
or Playwright, through the chromium fixture of tests/browser/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.browser.conftest import screenshot

pytestmark = pytest.mark.browser
VIDEO = "/videos/rob-de-lobel-presenting-match"  # a YouTube video of the shared test catalogue
PROVIDER_HOSTS = ("youtube", "ytimg", "ggpht", "googlevideo", "doubleclick", "vimeo", "facebook", "fbcdn", "spotify")


class Recorder:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def foreign(self) -> list[str]:
        return [url for url in self.urls if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                and urlsplit(url).hostname != "127.0.0.1"]  # fmt: skip

    def providers(self) -> list[str]:
        return [url for url in self.foreign() if any(name in (urlsplit(url).hostname or "") for name in PROVIDER_HOSTS)]


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Recorder]]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    recorder = Recorder()
    context.on("request", lambda request: recorder.urls.append(request.url))

    def keep_local(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", keep_local)
    opened = context.new_page()
    yield opened, recorder
    context.close()


def test_no_provider_request_before_the_click_and_the_nocookie_iframe_after(
    site: str, page: tuple[Any, Recorder]
) -> None:
    opened, recorder = page
    response = opened.goto(site + VIDEO, wait_until="networkidle")
    assert response is not None and response.status == 200
    opened.wait_for_timeout(500)  # anything lazy or deferred would have started by now
    assert recorder.urls and recorder.foreign() == [], recorder.foreign()
    assert opened.locator("iframe").count() == 0
    poster = opened.locator(".video-consent .video-poster")
    assert poster.is_visible() and "Rob de Lobel" in poster.inner_text()
    assert opened.locator("img").count() == 0
    screenshot(opened, "video-before-consent")
    local_before_click = len(recorder.urls)

    opened.get_by_role("button", name="Play the video").click()
    frame = opened.locator(".video-consent iframe")
    frame.wait_for(state="attached", timeout=10_000)
    src = frame.get_attribute("src") or ""
    parts = urlsplit(src)
    assert (parts.scheme, parts.hostname, parts.path) == ("https", "www.youtube-nocookie.com", "/embed/5qvz8YyPNdg")
    assert parse_qs(parts.query)["autoplay"] == ["1"]
    assert frame.get_attribute("title") == "Rob de Lobel presenting MATCH"
    assert opened.locator(".video-poster").count() == 0
    assert opened.get_by_role("button", name="Play the video").count() == 0
    # The click is what asked the provider: only now a request for the nocookie host shows up (and was aborted, by
    # the route above, after the page's CSP let the frame through). Nothing went to youtube.com or i.ytimg.com.
    deadline = 50
    while not recorder.foreign() and deadline:
        opened.wait_for_timeout(100)
        deadline -= 1
    after = recorder.urls[local_before_click:]
    assert any(urlsplit(url).hostname == "www.youtube-nocookie.com" for url in after), after
    assert {urlsplit(url).hostname for url in recorder.foreign()} == {"www.youtube-nocookie.com"}
    screenshot(opened, "video-after-consent")


def test_keyboard_users_load_the_player_too(site: str, page: tuple[Any, Recorder]) -> None:
    opened, recorder = page
    opened.goto(site + VIDEO, wait_until="networkidle")
    button = opened.get_by_role("button", name="Play the video")
    button.focus()
    opened.keyboard.press("Enter")
    opened.locator(".video-consent iframe").wait_for(state="attached", timeout=10_000)
    assert opened.evaluate("document.activeElement.tagName") == "IFRAME"
    assert all("youtube-nocookie.com" in url for url in recorder.providers()), recorder.providers()


def test_listing_pages_make_no_provider_request(site: str, page: tuple[Any, Recorder]) -> None:
    opened, recorder = page
    for path in ("/videos", "/videos?kind=webinar", "/projects/match", "/people/sammy-mahdi", "/"):
        response = opened.goto(site + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
    assert recorder.foreign() == [], recorder.foreign()
