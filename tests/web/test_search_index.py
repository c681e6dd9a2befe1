"""/search/index.json, what the exported search page searches in the browser (catalogue.static_search): the public
documents only, bounded, cached like a page; the page carries the words its script needs, in the page's language."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from media_catalogue.catalogue import static_search, versions
from media_catalogue.catalogue.models import Episode, Status
from media_catalogue.db import Database


def _entries(client: TestClient) -> list[dict[str, str]]:
    response = client.get("/search/index.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    return json.loads(response.content)["entries"]


def test_the_index_lists_what_the_public_sees(client: TestClient, synced: Database) -> None:
    entries = _entries(client)
    paths = {entry["path"] for entry in entries}
    assert "/shows/match-en/talent-partnerships" in paths and "/shows/match-en" in paths
    assert {entry["kind"] for entry in entries} >= {"show", "episode", "video", "person", "project"}
    talent = next(e for e in entries if e["path"] == "/shows/match-en/talent-partnerships")
    assert talent["title"] and talent["language"] == "en" and talent["context"]
    assert all(len(entry["text"]) <= static_search.BODY_CHARACTERS + 1 for entry in entries)
    with synced.session() as session:
        episode = session.query(Episode).filter_by(slug="talent-partnerships").one()
        episode.status = Status.draft
        versions.touch(session, episode.show)
    assert "/shows/match-en/talent-partnerships" not in {entry["path"] for entry in _entries(client)}


def test_the_index_is_bounded(client: TestClient, synced: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    every = [e for e in _entries(client) if e["kind"] == "episode"]
    assert len(every) >= 2
    monkeypatch.setattr(static_search, "MAX_EPISODES", 1)
    with synced.session() as session:
        versions.bump_catalogue(session)
    assert [e for e in _entries(client) if e["kind"] == "episode"] == every[:1]  # the newest


def test_the_search_page_carries_its_scripts_words(client: TestClient) -> None:
    page = lxml_html.fromstring(client.get("/fr/search").content)
    [box] = page.xpath("//*[@id='static-search']")
    assert box.get("hidden") is not None and box.get("data-query") == ""
    assert box.get("data-one") == "1 résultat" and box.get("data-other") == "2 résultats"
    english = lxml_html.fromstring(client.get("/en/search").content).xpath("//*[@id='static-search']")[0]
    french_kinds, english_kinds = json.loads(box.get("data-kinds")), json.loads(english.get("data-kinds"))
    assert set(french_kinds) == {"show", "episode", "video", "person", "project"}
    assert french_kinds != english_kinds  # translated
    assert any("search-static.js" in (s.get("src") or "") for s in page.xpath("//script"))
    answered = lxml_html.fromstring(client.get("/search", params={"q": "talent"}).content)
    assert answered.xpath("//*[@id='static-search']")[0].get("data-query") == "talent"  # the script stays idle
