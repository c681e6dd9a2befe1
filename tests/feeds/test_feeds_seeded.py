"""The seeded catalogue (episodes/): checks clean, and both client libraries read every feed completely."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest
from feed_catalogue import podcastparser_read

from media_catalogue.catalogue.queries import get_project, list_projects, list_shows, live_episodes, show_translations
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import NotFound
from media_catalogue.feeds.aggregate import build_catalogue_feed, build_project_feed
from media_catalogue.feeds.build import build_feed
from media_catalogue.feeds.checker import check_catalogue
from media_catalogue.feeds.findings import Severity
from media_catalogue.urls import UrlPlan


@pytest.fixture
def seeded(database: Database, settings: Settings) -> Database:
    sync = pytest.importorskip("media_catalogue.sync")
    storage_module = pytest.importorskip("media_catalogue.storage")
    storage = storage_module.create_storage(settings)
    report = sync.sync_folder(database, settings, storage, settings.content_dir)
    assert not report.errors, report.errors
    database.storage = storage  # type: ignore[attr-defined]
    return database


def test_seeded_catalogue_checks_clean(seeded: Database, settings: Settings) -> None:
    with seeded.session() as session:
        findings = check_catalogue(session, settings, storage=seeded.storage)  # type: ignore[attr-defined]
    assert [f for f in findings if f.severity == Severity.error] == []
    for warning in findings:
        assert warning.message and warning.fix  # each names the missing fact and how to supply it


def test_both_clients_read_every_seeded_feed_completely(seeded: Database, settings: Settings) -> None:
    urls = UrlPlan(settings)
    checked = 0
    with seeded.session() as session:
        for show in list_shows(session):
            episodes = live_episodes(session, show=show)
            data = build_feed(show, episodes, settings, translations=show_translations(session, show))
            by_feedparser = feedparser.parse(data)
            assert not by_feedparser.bozo, by_feedparser.bozo_exception
            by_podcastparser = podcastparser_read(data, urls.feed(show.slug))
            assert [e.id for e in by_feedparser.entries] == [e.guid for e in episodes]
            assert [e["guid"] for e in by_podcastparser["episodes"]] == [e.guid for e in episodes]
            for episode, fp, pp in zip(episodes, by_feedparser.entries, by_podcastparser["episodes"], strict=True):
                media = episode.primary_media
                assert media is not None, f"{show.slug}/{episode.slug} has no audio"
                url = urls.enclosure(show.slug, episode.slug, media.extension)
                assert pp["enclosures"] == [{"url": url, "file_size": media.byte_length, "mime_type": media.mime_type}]
                (enclosure,) = [link for link in fp.links if link.rel == "enclosure"]
                assert (enclosure.href, int(enclosure.length), enclosure.type) == (
                    url,
                    media.byte_length,
                    media.mime_type,
                )
                assert media.duration_ms
                assert pp["total_time"] == round(media.duration_ms / 1000) == int(fp.itunes_duration)
                assert episode.published_at is not None
                assert pp["published"] == int(episode.published_at.timestamp())
                assert datetime(*fp.published_parsed[:6], tzinfo=UTC) == episode.published_at
                if episode.chapters:
                    assert pp["chapters_json_url"] == urls.chapters(show.slug, episode.slug)
                    assert fp.podcast_chapters["url"] == urls.chapters(show.slug, episode.slug)
                if episode.transcripts:
                    last = episode.transcripts[-1]
                    assert pp["transcript_url"] == urls.transcript(show.slug, episode.slug, last.language, last.format)
                checked += 1
        assert checked > 10
        everything = feedparser.parse(build_catalogue_feed(live_episodes(session, limit=100), settings))
        assert len(everything.entries) == checked
        for project in list_projects(session):
            project = get_project(session, project.slug)
            project_episodes = live_episodes(session, project=project)
            if not project_episodes:  # no feed for a project without episodes (pages do not link one)
                with pytest.raises(NotFound):
                    build_project_feed(project, project_episodes, settings)
                continue
            parsed = feedparser.parse(build_project_feed(project, project_episodes, settings))
            assert not parsed.bozo
