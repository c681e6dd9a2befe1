"""The seeded catalogue (episodes/) through the public site: every show, episode, video, project and person page
answers in English, French and Dutch; the enclosures of the placeholder audio serve Range requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from media_catalogue.web.app import create_app

BASE = "https://podcasts.example.org"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp: Path = tmp_path_factory.mktemp("seeded-site")
    settings = Settings(data_dir=tmp / "data", base_url=BASE, _env_file=None)  # type: ignore[call-arg]
    database = Database(settings)
    database.migrate()
    report = sync_folder(database, settings, create_storage(settings), PROJECT_ROOT / "episodes")
    assert report.errors == [], report.errors
    with TestClient(create_app(settings, database=database), base_url=BASE) as client:
        yield client
    database.dispose()


def sitemap_paths(client: TestClient) -> list[str]:
    """Every address of every child sitemap of the sitemap index."""
    namespaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.fromstring(client.get("/sitemap.xml").content)
    paths: list[str] = []
    for child in index.xpath("//s:sitemap/s:loc/text()", namespaces=namespaces):
        root = etree.fromstring(client.get(child.removeprefix(BASE)).content)
        paths += [loc.removeprefix(BASE) for loc in root.xpath("//s:url/s:loc/text()", namespaces=namespaces)]
    return paths


def test_every_seeded_page_answers_in_three_languages(seeded: TestClient) -> None:
    paths = sitemap_paths(seeded)
    assert sum(p.startswith("/shows/") and p.count("/") == 3 for p in paths) == 22
    assert sum(p.startswith("/videos/") for p in paths) >= 20
    assert sum(p.startswith("/shows/") and p.count("/") == 2 for p in paths) == 6
    for path in paths:
        for lang in ("en", "fr", "nl"):
            response = seeded.get(f"{path}?lang={lang}")
            assert response.status_code == 200, (path, lang)
            assert f'<html lang="{lang}">' in response.text


def test_seeded_episode_plays_with_range(seeded: TestClient) -> None:
    page = seeded.get("/shows/u-care-fr/episode-1").text
    assert 'preload="none"' in page and "septembre" not in page  # year precision: only "2021"
    assert '<time datetime="2021">2021</time>' in page
    response = seeded.get("/media/u-care-fr/episode-1.mp3", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and len(response.content) == 10
    assert response.headers["content-type"] == "audio/mpeg"


def test_seeded_translations_are_linked(seeded: TestClient) -> None:
    page = seeded.get("/shows/u-care-fr/episode-1").text
    assert 'hreflang="nl" href="https://podcasts.example.org/shows/u-care-nl/aflevering-1"' in page
    assert 'hreflang="nl"' in seeded.get("/shows/match-podcast-en").text
