"""The sitemap index and its child sitemaps, and robots.txt."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lxml import etree

from media_catalogue.web import site
from tests.web.conftest import BASE

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def children(client: TestClient) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "sitemapindex"
    return [str(loc) for loc in root.xpath("//s:sitemap/s:loc/text()", namespaces=NS)]


def test_sitemap_index_points_at_child_sitemaps_listing_every_public_page(client: TestClient) -> None:
    locations: list[str] = []
    entries = []
    for child in children(client):
        assert child.startswith(f"{BASE}/sitemaps/") and "?" not in child
        response = client.get(child.removeprefix(BASE))
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        root = etree.fromstring(response.content)
        locations += root.xpath("//s:loc/text()", namespaces=NS)
        entries += root.xpath("//s:url", namespaces=NS)
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
    entry = next(e for e in entries if e.findtext("s:loc", namespaces=NS).endswith("/global-race-for-talent"))
    alternates = {a.get("hreflang"): a.get("href") for a in entry.xpath("x:link", namespaces=NS)}
    assert alternates == {
        "en": f"{BASE}/shows/match-en/global-race-for-talent",
        "nl": f"{BASE}/shows/match-nl/wereldwijde-race",
    }
    etag = client.get("/sitemap.xml").headers["etag"]
    assert client.get("/sitemap.xml", headers={"If-None-Match": etag}).status_code == 304


def test_child_sitemaps_are_bounded_and_past_the_end_is_404(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(site, "SITEMAP_SIZE", 2)
    episode_children = [c for c in children(client) if "/sitemaps/episodes-" in c]
    assert len(episode_children) >= 2
    seen: list[str] = []
    for child in episode_children:
        root = etree.fromstring(client.get(child.removeprefix(BASE)).content)
        found = root.xpath("//s:loc/text()", namespaces=NS)
        assert 1 <= len(found) <= 2
        seen += found
    assert len(seen) == len(set(seen))
    assert client.get(f"/sitemaps/episodes-{len(episode_children) + 1}.xml").status_code == 404
    assert client.get("/sitemaps/episodes-0.xml").status_code == 404
    assert client.get("/sitemaps/nothing-1.xml").status_code == 404


def test_robots_txt(client: TestClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {BASE}/sitemap.xml" in response.text
