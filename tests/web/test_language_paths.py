"""The language in the path (/en, /fr, /nl): every public page in that interface language, links keeping the prefix,
no Vary and no cookie (a static host can serve it), the page cache keeping languages apart; unprefixed URLs
negotiate as before; feeds and files stay language-free. Also oEmbed as a path and ENCLOSURE_BASE_URL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web.app import create_app
from tests.web.conftest import BASE

EPISODE = "/shows/match-en/talent-partnerships"
PAGES = ["/", "/shows", "/shows/match-en", EPISODE, "/projects", "/people", "/videos", "/people/hans-maertens",
         "/embed/match-en/talent-partnerships"]  # fmt: skip
HOME_WORD = {"en": "Shows", "fr": "Émissions", "nl": "Shows"}


def internal_links(page: str) -> list[str]:
    doc = lxml_html.fromstring(page)
    hrefs = doc.xpath("//a[not(ancestor::nav[contains(@class, 'languages')])]/@href | //form/@action")
    return [h for h in hrefs if h.startswith("/") and not h.startswith(("//", "/static/"))]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize("path", PAGES)
def test_a_prefixed_page_speaks_its_language_and_keeps_the_prefix(client: TestClient, language: str, path: str) -> None:
    response = client.get(f"/{language}{path}", headers={"Accept-Language": "nl", "Cookie": "lang=en"})
    assert response.status_code == 200, response.text[:300]
    assert f'<html lang="{language}">' in response.text
    assert response.headers["content-language"] == language
    assert "vary" not in response.headers and "set-cookie" not in response.headers
    links = internal_links(response.text)
    if not path.startswith("/embed/"):
        assert links and all(link.startswith(f"/{language}/") for link in links), links
        doc = lxml_html.fromstring(response.text)
        switcher = doc.xpath("//nav[contains(@class, 'languages')]//a/@href")
        assert switcher == [f"/{other}{path}" for other in ("en", "fr", "nl")]
        canonical = doc.xpath("//link[@rel='canonical']/@href")
        assert not canonical or canonical[0].startswith(f"{BASE}/{language}/")
        for href in doc.xpath("//link[@rel='alternate'][@hreflang]/@href"):
            assert href.startswith(f"{BASE}/{language}/")


def test_unprefixed_pages_negotiate_as_before(client: TestClient) -> None:
    french = client.get("/shows", headers={"Accept-Language": "fr"})
    assert '<html lang="fr">' in french.text and french.headers["vary"] == "Accept-Language, Cookie"
    assert 'href="/shows/match-en"' in french.text  # links stay unprefixed
    chosen = client.get("/shows?lang=nl")
    assert '<html lang="nl">' in chosen.text and "lang=nl" in chosen.headers["set-cookie"]
    assert '<html lang="nl">' in client.get("/shows", headers={"Cookie": "lang=nl"}).text


def test_the_page_cache_keeps_languages_and_prefixes_apart(client: TestClient) -> None:
    for _ in range(2):  # the second round is served from the cache
        assert '<html lang="fr">' in client.get("/fr/shows").text
        assert '<html lang="nl">' in client.get("/nl/shows").text
        unprefixed = client.get("/shows", headers={"Cookie": "lang=fr"}).text
        assert '<html lang="fr">' in unprefixed and 'href="/shows/match-en"' in unprefixed
        assert 'href="/fr/shows/match-en"' in client.get("/fr/shows").text
        # same path once the prefix is stripped, same headers: the fast path must still tell them apart
        assert '<html lang="en">' in client.get("/shows", headers={"Accept-Language": "en"}).text
        assert '<html lang="fr">' in client.get("/fr/shows", headers={"Accept-Language": "en"}).text
    assert client.get("/fr/shows").headers["x-cache"] == "hit"


def test_prefixed_errors_and_moves_keep_the_language(client: TestClient) -> None:
    missing = client.get("/fr/shows/nope")
    assert missing.status_code == 404 and '<html lang="fr">' in missing.text and 'href="/fr/"' in missing.text
    assert client.get("/nl/nothing-here").status_code == 404


@pytest.mark.parametrize(
    "path", ["/fr/feeds/match-en.xml", "/fr/feeds/all.xml", "/nl/api/shows", "/fr/chapters/match-en/x.json",
             "/fr/sitemap.xml", "/fr/robots.txt", "/en/admin/"],
)  # fmt: skip
def test_feeds_files_and_api_have_no_language_prefix(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_oembed_as_a_path_is_the_query_form(client: TestClient) -> None:
    path_form = client.get("/oembed/match-en/talent-partnerships.json")
    query_form = client.get("/oembed", params={"url": f"{BASE}{EPISODE}", "format": "json"})
    assert path_form.status_code == 200 and path_form.content == query_form.content
    assert path_form.headers["content-type"] == "application/json"
    assert client.get("/oembed/match-en/talent-partnerships.xml").status_code == 404
    assert client.get("/oembed/match-en/nope.json").json()["error"]["code"] == "not_found"
    page = client.get(EPISODE).text
    assert f'type="application/json+oembed" href="{BASE}/oembed/match-en/talent-partnerships.json"' in page


def test_enclosure_base_url_points_feeds_and_pages_at_the_storage(synced: Database, settings: Settings) -> None:
    direct = settings.model_copy(update={"enclosure_base_url": "https://media.example.org/podcasts/"})
    with TestClient(create_app(direct, database=synced), base_url=BASE) as client:
        feed = client.get("/feeds/match-en.xml").text
        enclosure = re.search(r'<enclosure url="([^"]+)"', feed)
        assert enclosure and enclosure.group(1).startswith("https://media.example.org/podcasts/episodes/")
        page = client.get(EPISODE).text
        assert f'src="{enclosure.group(1)}"' in page  # the player plays what the feed publishes
        assert "/media/match-en/" not in page
        api = client.get("/api/shows/match-en/episodes/talent-partnerships").json()
        assert enclosure.group(1) in str(api)
