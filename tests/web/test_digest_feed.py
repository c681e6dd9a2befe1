"""/feeds/digest.xml?lang=: the RSS that newsletter tools turn into email, over the seeded catalogue. It passes the
project's re-implementation of the W3C feed validator's rules (no error, no warning), parses in feedparser with each
item's picture, lists each episode once in the language asked (U-CARE in French or Dutch) and is cached like the
other feeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from media_catalogue.web.app import create_app
from tests.feeds.feed_rules import check_rss

BASE = "https://podcasts.example.org"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp: Path = tmp_path_factory.mktemp("seeded-digest-feed")
    settings = Settings(data_dir=tmp / "data", base_url=BASE, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), PROJECT_ROOT / "episodes")
    assert report.errors == [], report.errors
    with TestClient(create_app(settings, database=database), base_url=BASE) as client:
        yield client
    database.dispose()


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_digest_feed_passes_the_feed_rules_and_parses(seeded: TestClient, language: str) -> None:
    response = seeded.get(f"/feeds/digest.xml?lang={language}", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    assert [str(f) for f in check_rss(response.content, podcast=False)] == []
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.feed.language == language
    assert parsed.feed.links[0].href == f"{BASE}/{language}/"
    titles = [entry.title for entry in parsed.entries]
    assert len(titles) == len(set(e.id for e in parsed.entries)) >= 30
    ucare = [e for e in parsed.entries if e.link.startswith(f"{BASE}/{language}/shows/u-care-")]
    assert len(ucare) == 4  # one per episode, not one per language
    assert all(
        e.link.startswith(f"{BASE}/{language}/shows/u-care-{'nl' if language == 'nl' else 'fr'}/") for e in ucare
    )
    pictured = [e for e in parsed.entries if e.get("media_content")]
    assert len(pictured) >= 15
    for entry in pictured:
        image = entry.media_content[0]
        assert image["medium"] == "image" and image["url"].startswith(f"{BASE}/artwork/")
        assert image["width"] == "400"
        assert '<img src="' + image["url"].replace("&", "&amp;") in entry.description or "<img" in entry.description
    match = next(e for e in parsed.entries if e.link.endswith("/global-race-for-talent"))
    also = {"en": "Also in Dutch", "fr": "Aussi en néerlandais", "nl": "Ook in het Engels"}[language]
    assert also in match.description


def test_the_digest_feed_is_cached_and_refuses_unknown_languages(seeded: TestClient) -> None:
    first = seeded.get("/feeds/digest.xml")
    assert first.status_code == 200 and "<language>en</language>" in first.text
    again = seeded.get("/feeds/digest.xml", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    refused = seeded.get("/feeds/digest.xml?lang=de")
    assert refused.status_code == 422 and "de" in refused.text
    assert "Traceback" not in refused.text
