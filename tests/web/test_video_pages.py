"""The video pages: /videos filters (kind, project, person, language, year, series) and pagination through the
rendered pages, series grouping, and click-to-load embeds (our poster and a button; no provider iframe, image or
script in the page; the page's CSP frames only its own provider's embed origin)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html

from tests.catalogue_fixtures import write
from tests.web.conftest import build_catalogue

VLOG = """\
---
title: "Vlog {n}: a journey"
kind: vlog
published: 2021-0{n}
language: {language}
project: match
series: Diaspora vlogs
url: {url}
people:
  - {{person: {person}, role: speaker}}
---
Vlog number {n}.
"""

SHORT = """\
---
title: "Short video {n:02d}"
kind: short_video
published: 2020-03-{n:02d}
language: nl
---
Short number {n}.
"""

VLOGS = [
    (1, "en", "https://youtu.be/zIGiOZcyRYY?t=30", "sammy-mahdi"),
    (2, "fr", "https://vimeo.com/76979871", "hans-maertens"),
    (3, "en", "https://www.facebook.com/IOMBelgiumLuxembourg/videos/2828064354120788", "sammy-mahdi"),
]
SHORTS = 26  # with the catalogue's webinar and the three vlogs: 30 videos, two pages of 24


@pytest.fixture
def catalogue_root(tmp_path: Path) -> Path:
    root = build_catalogue(tmp_path / "episodes")
    for n, language, url, person in VLOGS:
        write(root, f"videos/vlog-{n}.md", VLOG.format(n=n, language=language, url=url, person=person))
    for n in range(1, SHORTS + 1):
        write(root, f"videos/short-{n:02d}.md", SHORT.format(n=n))
    return root


def parse(response: object) -> html.HtmlElement:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return html.fromstring(response.content)  # type: ignore[attr-defined]


def listed(doc: html.HtmlElement) -> list[str]:
    """The slugs of the listing's results (the list after the result count, not the series above it)."""
    links = doc.xpath("//p[@role='status']/following-sibling::ul[1]/li[contains(@class, 'item')]//h3/a/@href")
    return [href.rsplit("/", 1)[1] for href in links]


def status(doc: html.HtmlElement) -> str:
    return str(doc.xpath("string(//p[@role='status'])")).strip()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=vlog", ["vlog-3", "vlog-2", "vlog-1"]),
        ("kind=webinar", ["rob-de-lobel-presenting-match"]),
        ("project=match&kind=vlog&language=en", ["vlog-3", "vlog-1"]),
        ("person=hans-maertens", ["vlog-2"]),
        ("person=sammy-mahdi", ["rob-de-lobel-presenting-match", "vlog-3", "vlog-1"]),
        ("language=fr", ["vlog-2"]),
        ("year=2021", ["rob-de-lobel-presenting-match", "vlog-3", "vlog-2", "vlog-1"]),
        ("year=2021&kind=vlog&person=sammy-mahdi", ["vlog-3", "vlog-1"]),
        ("series=Diaspora+vlogs", ["vlog-3", "vlog-2", "vlog-1"]),
        ("year=2019", []),
        ("person=nobody", []),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    doc = parse(client.get(f"/videos?{query}"))
    assert listed(doc) == expected
    assert status(doc) == (f"{len(expected)} video" + ("s" if len(expected) != 1 else ""))
    if not expected:
        assert "No videos match." in doc.text_content()


def test_filter_form_offers_the_values_videos_have(client: TestClient) -> None:
    doc = parse(client.get("/videos?year=2020"))
    assert doc.xpath("//select[@id='language']/option/@value") == ["", "en", "fr", "nl"]
    assert doc.xpath("//select[@id='year']/option/@value") == ["", "2021", "2020"]
    assert doc.xpath("//select[@id='year']/option[@selected]/@value") == ["2020"]
    assert doc.xpath("//select[@id='person']/option/@value") == ["", "hans-maertens", "sammy-mahdi"]
    assert doc.xpath("//select[@id='kind']/option/@value") == [
        "", "vlog", "video_podcast", "testimony", "webinar", "short_video",
    ]  # fmt: skip
    assert doc.xpath("//select[@id='project']/option/@value") == ["", "match"]
    assert client.get("/videos?year=abc").status_code == 422
    assert client.get("/videos?kind=film").status_code == 422


def test_pagination_keeps_the_filters(client: TestClient) -> None:
    first = parse(client.get("/videos"))
    assert status(first) == "30 videos"
    assert len(listed(first)) == 24
    assert first.xpath("//nav[@class='pager']//a[@rel='prev']") == []
    (next_url,) = first.xpath("//nav[@class='pager']//a[@rel='next']/@href")
    assert next_url == "/videos/page/2"
    second = parse(client.get(next_url))
    assert len(listed(second)) == 6
    assert set(listed(first)).isdisjoint(listed(second))
    assert listed(second)[-1] == "short-01"  # oldest last
    assert second.xpath("//nav[@class='pager']//a[@rel='prev']/@href") == ["/videos"]
    assert second.xpath("//nav[@class='pager']//a[@rel='next']") == []

    shorts = parse(client.get("/videos?kind=short_video&language=nl&year=2020"))
    assert status(shorts) == "26 videos" and len(listed(shorts)) == 24
    (next_url,) = shorts.xpath("//nav[@class='pager']//a[@rel='next']/@href")
    assert next_url == "/videos/page/2?kind=short_video&language=nl&year=2020"
    rest = parse(client.get(next_url))
    assert listed(rest) == ["short-02", "short-01"]
    assert rest.xpath("//select[@id='kind']/option[@selected]/@value") == ["short_video"]
    assert client.get("/videos/page/9").status_code == 404  # past the end
    moved = client.get("/videos?kind=vlog&page=2", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/videos/page/2?kind=vlog"


def test_vlogs_form_a_series(client: TestClient) -> None:
    listing = parse(client.get("/videos"))
    (series,) = listing.xpath("//section[@aria-labelledby='series-heading']//li")
    assert series.xpath(".//a/@href")[0] == "/videos?series=Diaspora+vlogs"
    assert "3 videos" in series.text_content() and "Vlog" in series.text_content()
    # Filtered listings go straight to the videos.
    assert not parse(client.get("/videos?kind=vlog")).xpath("//section[@aria-labelledby='series-heading']")

    page = parse(client.get("/videos/vlog-2"))
    (section,) = page.xpath("//section[@aria-labelledby='series-heading']")
    assert "In the series Diaspora vlogs" in section.text_content()
    items = section.xpath(".//ol/li")
    assert [item.text_content() for item in items] == ["Vlog 1: a journey", "Vlog 2: a journey", "Vlog 3: a journey"]
    assert items[1].xpath("./strong[@aria-current='page']") and items[0].xpath("./a/@href") == ["/videos/vlog-1"]
    # A video outside any series has no such section.
    assert not parse(client.get("/videos/short-01")).xpath("//section[@aria-labelledby='series-heading']")


@pytest.mark.parametrize(
    ("slug", "provider", "embed", "origin"),
    [
        (
            "vlog-1", "youtube", "https://www.youtube-nocookie.com/embed/zIGiOZcyRYY?start=30",
            "https://www.youtube-nocookie.com",
        ),
        ("vlog-2", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1", "https://player.vimeo.com"),
        (
            "vlog-3", "facebook",
            "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2FIOMBelgiumLuxembourg%2Fvideos%2F2828064354120788%2F",
            "https://www.facebook.com",
        ),
    ],
)  # fmt: skip
def test_click_to_load_player(client: TestClient, slug: str, provider: str, embed: str, origin: str) -> None:
    response = client.get(f"/videos/{slug}")
    doc = parse(response)
    (box,) = doc.xpath("//figure[@class='video-consent']")
    assert box.get("data-provider") == provider and box.get("data-embed") == embed
    assert box.xpath(".//div[@class='video-poster']//svg") and "a journey" in box.text_content()
    assert box.xpath(".//button[@type='button' and @class='load-video']")
    # Nothing from the provider in the page itself: no iframe, no image, no script, no preconnect.
    assert not doc.xpath("//iframe | //img | //embed | //object | //link[@rel='preconnect' or @rel='dns-prefetch']")
    assert [src.split("?")[0] for src in doc.xpath("//script/@src")] == ["/static/video-consent.js"]
    csp = response.headers["content-security-policy"]
    assert f"frame-src 'self' {origin};" in csp
    assert "img-src 'self' data:;" in csp and "frame-ancestors 'self'" in csp
    script = client.get(doc.xpath("//script/@src")[0])
    assert script.status_code == 200 and "load-video" in script.text
    # The page cache answers later requests with the same policy.
    again = client.get(f"/videos/{slug}")
    assert again.headers["content-security-policy"] == csp
    assert client.get(f"/videos/{slug}", headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_video_without_a_link_has_no_player(client: TestClient) -> None:
    response = client.get("/videos/short-01")
    doc = parse(response)
    assert not doc.xpath("//figure[@class='video-consent'] | //script[@src]")
    assert "frame-src 'self';" in response.headers["content-security-policy"]
    assert "This video is not online yet." in doc.text_content()


def test_other_pages_keep_framing_closed(client: TestClient) -> None:
    for path in ("/videos", "/", "/projects/match"):
        assert "frame-src 'self';" in client.get(path).headers["content-security-policy"], path


def test_videos_on_project_person_pages_and_in_search(client: TestClient) -> None:
    project = parse(client.get("/projects/match"))
    assert {"/videos/vlog-1", "/videos/vlog-2", "/videos/vlog-3"} <= set(project.xpath("//main//a/@href"))
    person = parse(client.get("/people/hans-maertens"))
    assert "/videos/vlog-2" in person.xpath("//main//a/@href")
    found = parse(client.get("/search?q=journey"))
    assert "/videos/vlog-1" in found.xpath("//main//a/@href")
    assert "/feeds/videos.xml" in " ".join(parse(client.get("/videos")).xpath("//a/@href | //link/@href"))


def test_json_twin_filters_the_same_and_refuses_unknown_kinds(client: TestClient) -> None:
    body = client.get("/api/videos", params={"series": "Diaspora vlogs", "language": "en"}).json()
    assert [video["slug"] for video in body["items"]] == ["vlog-3", "vlog-1"]
    assert client.get("/api/videos", params={"kind": "vlog", "person": "hans-maertens"}).json()["total"] == 1
    refused = client.get("/api/videos", params={"kind": "film"})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "kind"
