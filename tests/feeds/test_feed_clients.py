"""Every feed the seeded catalogue serves (each show, all, each project, videos, each project's videos), fetched over
HTTP: 0 errors and 0 warnings under the W3C engine's rules (feed_rules.py), and feedparser, podcastparser and
Podcast Index's podcast-partytime (run with node, as a real client) read each item's title, date, duration,
description and enclosure exactly as catalogued, including an episode whose title has "&", "<", emoji and Arabic
and whose notes have typed HTML."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from feed_catalogue import Factory, podcastparser_read
from feed_rules import check_rss

from media_catalogue.catalogue.models import Episode
from media_catalogue.catalogue.queries import get_project, list_projects, list_shows, list_videos, live_episodes
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.descriptions import description_html
from media_catalogue.text import plain_text
from media_catalogue.urls import UrlPlan
from media_catalogue.web.app import create_app

CLIENTS = Path(__file__).parent / "clients"
TRICKY_TITLE = "Q&A <live> 🎙️ حوار: a & b < c"
TRICKY_NOTES = "Typed <b>HTML</b> & <script>alert('x')</script>, **bold** 🎙️ and مرحبا <img src=x onerror=alert(1)>."


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: Podcast Index's parser (podcast-partytime) cannot run")
    if not (CLIENTS / "node_modules" / "podcast-partytime").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: podcast-partytime cannot be installed")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=CLIENTS, check=True, timeout=300)
    return node


def partytime(data: bytes) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [_node(), str(CLIENTS / "read_feed.js")], input=data, capture_output=True, cwd=CLIENTS, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def text_of(description: str) -> str:
    """What an app shows of an HTML description: the text, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", description))).strip()


def spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def served(database: Database, settings: Settings) -> Iterator[tuple[TestClient, Database]]:
    sync = pytest.importorskip("media_catalogue.sync")
    storage_module = pytest.importorskip("media_catalogue.storage")
    report = sync.sync_folder(database, settings, storage_module.create_storage(settings), settings.content_dir)
    assert not report.errors, report.errors
    with database.session() as session:
        make = Factory(session, settings)
        show = make.show("tricky-test", title="Tricky test show", category="Society & Culture", subcategory=None)
        make.episode(show, "tricky", days_ago=1, title=TRICKY_TITLE, summary="", show_notes=TRICKY_NOTES)
        from media_catalogue.catalogue import versions

        versions.bump_catalogue(session)
    with TestClient(create_app(settings, database=database)) as client:
        yield client, database


@dataclass(frozen=True)
class Expected:
    """An item as catalogued, read while the session is open."""

    slug: str
    title: str
    published_at: datetime
    seconds: int
    description: str  # the summary, else the notes (RSS description)
    notes: str  # the show notes (content:encoded), which gPodder's podcastparser shows when present
    written: str  # the HTML our <description> carries
    enclosure: tuple[str, int, str]


def _expected(episode: Episode, urls: UrlPlan) -> Expected:
    media = episode.primary_media
    assert media is not None and episode.published_at is not None and media.duration_ms
    return Expected(
        slug=episode.slug,
        title=episode.title,
        published_at=episode.published_at,
        seconds=round(media.duration_ms / 1000),
        description=plain_text(episode.summary) or plain_text(episode.show_notes),
        notes=plain_text(episode.show_notes) or plain_text(episode.summary),
        written=description_html(episode.summary) or description_html(episode.show_notes),
        enclosure=(
            urls.enclosure(episode.show.slug, episode.slug, media.extension),
            media.byte_length,
            media.mime_type,
        ),
    )


def _feeds(client: TestClient, database: Database, settings: Settings) -> dict[str, list[Expected] | None]:
    """Path of every feed the catalogue serves -> its items as catalogued (None for feeds checked by rules only)."""
    urls = UrlPlan(settings)
    feeds: dict[str, list[Expected] | None] = {}
    with database.session() as session:
        for show in list_shows(session):
            feeds[f"/feeds/{show.slug}.xml"] = [_expected(e, urls) for e in live_episodes(session, show=show)]
        feeds["/feeds/all.xml"] = None  # its items are the show feeds' items
        feeds["/feeds/videos.xml"] = None
        for project in list_projects(session):
            project = get_project(session, project.slug)
            episodes = live_episodes(session, project=project)
            if episodes:
                feeds[f"/feeds/projects/{project.slug}.xml"] = [_expected(e, urls) for e in episodes]
            elif client.get(f"/feeds/projects/{project.slug}.xml").status_code != 404:
                pytest.fail(f"{project.slug} has no episodes but still offers a feed")
            if any(video.url for video in list_videos(session, project=project.slug, per_page=200).items):
                feeds[f"/feeds/projects/{project.slug}/videos.xml"] = None
    return feeds


def test_every_served_feed_passes_the_w3c_rules_and_three_clients(
    served: tuple[TestClient, Database], settings: Settings
) -> None:
    client, database = served
    urls = UrlPlan(settings)
    feeds = _feeds(client, database, settings)
    assert "/feeds/tricky-test.xml" in feeds and "/feeds/videos.xml" in feeds
    checked_items = 0
    for path, episodes in feeds.items():
        response = client.get(path)
        assert response.status_code == 200, path
        findings = check_rss(response.content, podcast="/videos.xml" not in path)
        assert [str(f) for f in findings] == [], path
        if episodes is None:
            assert not feedparser.parse(response.content).bozo
            continue
        by_feedparser = feedparser.parse(response.content).entries
        by_podcastparser = podcastparser_read(response.content, urls.absolute(path))["episodes"]
        by_partytime = partytime(response.content)["items"]
        assert len(by_feedparser) == len(by_podcastparser) == len(by_partytime) == len(episodes), path
        for item, fp, pp, pt in zip(episodes, by_feedparser, by_podcastparser, by_partytime, strict=True):
            where = f"{path} {item.slug}"
            assert fp.title == pp["title"] == pt["title"] == item.title, where
            # the instant catalogued: for a day-only date, noon in the show's time zone
            assert datetime(*fp.published_parsed[:6], tzinfo=UTC) == item.published_at, where
            assert pp["published"] == int(item.published_at.timestamp()), where
            assert pt["pubDate"] == item.published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"), where
            assert int(fp.itunes_duration) == pp["total_time"] == pt["duration"] == item.seconds, where
            # the text the staff typed (Markdown rendered), no entity shown literally
            assert text_of(fp.summary) == item.description, where
            assert pt["description"] == html.unescape(item.written), where  # see the tricky test below
            assert spaces(pp["description"]) == item.notes, where  # podcastparser gives plain text
            url, length, mime_type = item.enclosure
            assert pp["enclosures"] == [{"url": url, "file_size": length, "mime_type": mime_type}], where
            assert pt["enclosure"] == {"url": url, "length": length, "type": mime_type}, where
            (enclosure,) = [link for link in fp.links if link.rel == "enclosure"]
            assert (enclosure.href, int(enclosure.length), enclosure.type) == item.enclosure, where
            checked_items += 1
    assert checked_items > 20


def test_the_tricky_episode_reaches_every_client_as_typed(
    served: tuple[TestClient, Database], settings: Settings
) -> None:
    client, _database = served
    data = client.get("/feeds/tricky-test.xml").content
    (fp,) = feedparser.parse(data).entries
    (pp,) = podcastparser_read(data)["episodes"]
    (pt,) = partytime(data)["items"]
    assert fp.title == pp["title"] == pt["title"] == TRICKY_TITLE
    # "&" and "<" in a title as numeric character references, as the W3C engine recommends (point 8)
    assert "<title>Q&#38;A &#60;live&#62; 🎙️ حوار: a &#38; b &#60; c</title>" in data.decode()
    assert b"&amp;" not in data and b"&lt;" not in data
    typed = "Typed <b>HTML</b> & <script>alert('x')</script>, bold 🎙️ and مرحبا <img src=x onerror=alert(1)>."
    assert text_of(fp.summary) == spaces(pp["description"]) == typed
    # typed markup is text, never live HTML, in feedparser's sanitized HTML
    assert "<script" not in fp.summary and "<img" not in fp.summary and "&#60;script&#62;" in fp.summary
    # podcast-partytime unescapes entities once more after XML parsing (its unescape.js, also for CDATA): it reads
    # exactly the HTML we wrote, decoded once; an app using it must treat that string as text, not as HTML.
    assert pt["description"] == html.unescape(description_html(TRICKY_NOTES))
