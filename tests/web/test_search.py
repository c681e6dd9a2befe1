"""Search over titles, show notes, people and transcripts (FTS5 in memory, and the plain-scan fallback)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from media_catalogue.catalogue.search import Index, search
from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.web.conftest import run_sync


@pytest.fixture(params=[True, False], ids=["fts5", "scan"])
def index(request: pytest.FixtureRequest) -> Index:
    return Index(use_fts5=request.param)


def paths(database: Database, index: Index, query: str) -> list[str]:
    with database.session() as session:
        return [result.path for result in search(session, query, index)]


def test_finds_titles_notes_people_and_transcripts(synced: Database, index: Index) -> None:
    assert paths(synced, index, "talent partnerships")[0] == "/shows/match-en/talent-partnerships"
    assert "/shows/match-en/global-race-for-talent" in paths(synced, index, "pioneer")  # show notes
    assert "/shows/match-en/global-race-for-talent" in paths(synced, index, "Mahdi")  # people
    assert "/people/sammy-mahdi" in paths(synced, index, "mahdi")
    assert paths(synced, index, "senegal") == ["/shows/match-en/talent-partnerships"]  # transcript only
    assert "/videos/rob-de-lobel-presenting-match" in paths(synced, index, "lobel")
    assert "/projects/match" in paths(synced, index, "skills mobility")
    assert paths(synced, index, "migr")  # prefix match
    assert paths(synced, index, "") == [] and paths(synced, index, '"*)(') == []
    assert paths(synced, index, "nothingmatchesthis") == []


def test_index_follows_catalogue_changes(synced: Database, settings: Settings, catalogue_root, index: Index) -> None:  # type: ignore[no-untyped-def]
    assert paths(synced, index, "zanzibar") == []
    path = catalogue_root / "match-en" / "first-steps.md"
    path.write_text(path.read_text().replace("pioneer", "pioneer from Zanzibar"))
    run_sync(synced, settings, catalogue_root)
    assert paths(synced, index, "zanzibar") == ["/shows/match-en/first-steps"]
    path.unlink()
    run_sync(synced, settings, catalogue_root)
    assert paths(synced, index, "zanzibar") == []  # unpublished episodes are not found


def test_diacritics_are_folded(synced: Database, settings: Settings, catalogue_root, index: Index) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_root / "people.yaml"
    path.write_text(path.read_text() + "- slug: aissatou-cisse\n  name: Aïssatou Cissé\n")
    run_sync(synced, settings, catalogue_root)
    assert paths(synced, index, "aissatou cisse") == ["/people/aissatou-cisse"]
    assert paths(synced, index, "CISSÉ") == ["/people/aissatou-cisse"]


def test_search_page_highlights_and_marks_languages(client: TestClient) -> None:
    response = client.get("/search?q=pioneer&lang=nl")
    doc = lxml_html.fromstring(response.content)
    assert doc.get("lang") == "nl"
    assert doc.xpath("//mark/text()") and doc.xpath("//mark/text()")[0].lower() == "pioneer"
    assert doc.xpath("//li[@class='item']//a[@lang='en']")
    assert doc.xpath("//input[@id='q']/@value") == ["pioneer"]
    assert "resultat" in doc.xpath("string(//h2[@role='status'])")


def test_search_page_escapes_the_query(client: TestClient) -> None:
    response = client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert response.status_code == 200 and "<script>alert(1)" not in response.text


def test_search_pages_through_every_result(database: Database, settings: Settings, catalogue_root) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, point 11: /search stopped at 50 results with no way to see more."""
    from media_catalogue.web.app import create_app
    from tests.catalogue_fixtures import EPISODE, write

    for n in range(1, 62):
        write(catalogue_root, f"match-en/zebra-{n}.md", EPISODE.replace("The global race for talent", f"Zebra {n}")
              .replace("number: 2", f"number: {100 + n}").replace("match-ep2", f"zebra-{n}"))  # fmt: skip
    run_sync(database, settings, catalogue_root)
    seen: list[str] = []
    with TestClient(create_app(settings, database=database)) as client:
        url: str | None = "/search?q=zebra"
        while url:
            page = lxml_html.fromstring(client.get(url).text)
            assert page.xpath("string(//h2[@role='status'])") == "61 results"
            links = page.xpath("//ul[@class='items']//h3/a/@href")
            assert 0 < len(links) <= 20
            seen += links
            following = page.xpath("//nav[@class='pager']//a[@rel='next']/@href")
            url = following[0] if following else None
        assert "Page 4 of 4" in page.text_content()
    assert len(seen) == len(set(seen)) == 61
    assert all(path.startswith("/shows/match-en/zebra-") for path in seen)
