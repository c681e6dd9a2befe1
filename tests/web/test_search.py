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
