"""sitemap.xml and robots.txt."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lxml import etree

from tests.web.conftest import BASE

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_sitemap_lists_every_public_page_with_language_alternates(client: TestClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    locations = root.xpath("//s:loc/text()", namespaces=NS)
    assert len(locations) == len(set(locations))
    expected = {
        f"{BASE}/",
        f"{BASE}/shows/match-en",
        f"{BASE}/shows/match-nl",
        f"{BASE}/shows/match-en/global-race-for-talent",
        f"{BASE}/shows/match-en/first-steps",
        f"{BASE}/shows/match-nl/wereldwijde-race",
        f"{BASE}/videos/rob-de-lobel-presenting-match",
        f"{BASE}/projects/match",
        f"{BASE}/people/sammy-mahdi",
    }
    assert expected <= set(locations)
    for loc in locations:
        assert client.get(loc.removeprefix(BASE)).status_code == 200, loc
    entry = root.xpath("//s:url[s:loc=$u]", namespaces=NS, u=f"{BASE}/shows/match-en/global-race-for-talent")[0]
    alternates = {a.get("hreflang"): a.get("href") for a in entry.xpath("x:link", namespaces=NS)}
    assert alternates == {
        "en": f"{BASE}/shows/match-en/global-race-for-talent",
        "nl": f"{BASE}/shows/match-nl/wereldwijde-race",
    }
    assert client.get("/sitemap.xml", headers={"If-None-Match": response.headers["etag"]}).status_code == 304


def test_robots_txt(client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {BASE}/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text and "Disallow: /api/" in response.text
