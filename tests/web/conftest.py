"""Fixtures for the public site: the small test catalogue of tests/catalogue_fixtures plus one episode with real
audio, chapters and a transcript (ingested through the real pipeline), synced into a fresh database; and a FastAPI
test client on the real app."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import SyncReport, sync_folder
from media_catalogue.web.app import create_app
from tests.catalogue_fixtures import make_catalogue, write

MEDIA = Path(__file__).resolve().parent.parent / "media" / "files"
BASE = "https://podcasts.example.org"

WITH_AUDIO = """\
---
title: "Talent partnerships explained"
number: 3
season: 1
published: 2022-03-10
summary: What a talent partnership is, in three chapters.
people:
  - {person: hans-maertens, role: host}
audio: talent.mp3
chapters: talent.chapters.json
transcripts:
  - {language: en, file: talent.en.vtt}
translation_group: match-ep3
---
Show notes with a [link](https://www.match-project.eu/) and <script>alert(1)</script> raw HTML that must not survive.
"""

MONTH_EPISODE = """\
---
title: "A month-precise episode"
published: 2021-09
summary: Only the month is known.
enclosure_url: https://cdn.example.org/month.mp3
enclosure_length: 1000
enclosure_type: audio/mpeg
---
Notes.
"""

CHAPTERS = {
    "version": "1.2.0",
    "chapters": [
        {"startTime": 0, "title": "Welcome"},
        {"startTime": 0.5, "title": "Talent"},
        {"startTime": 1, "title": "Partnerships"},
    ],
}

VTT = """WEBVTT

00:00:00.000 --> 00:00:00.500
Welcome to the MATCH podcast.

00:00:00.500 --> 00:00:01.400
Today: talent partnerships between Senegal and Belgium.
"""


def build_catalogue(root: Path) -> Path:
    make_catalogue(root)
    shutil.copy(MEDIA / "cbr-id3v24.mp3", root / "match-en" / "talent.mp3")
    (root / "match-en" / "talent.chapters.json").write_text(json.dumps(CHAPTERS), encoding="utf-8")
    (root / "match-en" / "talent.en.vtt").write_text(VTT, encoding="utf-8")
    write(root, "match-en/talent-partnerships.md", WITH_AUDIO)
    write(root, "match-en/month-episode.md", MONTH_EPISODE)
    return root


def run_sync(database: Database, settings: Settings, root: Path) -> SyncReport:
    report = sync_folder(database, settings, create_storage(settings), root)
    assert report.errors == [], report.errors
    return report


@pytest.fixture
def catalogue_root(tmp_path: Path) -> Path:
    return build_catalogue(tmp_path / "episodes")


@pytest.fixture
def synced(database: Database, settings: Settings, catalogue_root: Path) -> Database:
    run_sync(database, settings, catalogue_root)
    return database


@pytest.fixture
def client(synced: Database, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, database=synced)
    with TestClient(app, base_url=BASE, follow_redirects=False) as test_client:
        yield test_client
