"""Imports that download: real-encoder files served by a local HTTP server go through the one ingest pipeline
(tagged, stored, probed), with artwork, chapters and transcripts; a failed download leaves a draft with the reason and
the next import retries it; the download limits (redirects, size, schemes, private addresses) hold."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, Show, Status
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import CatalogueError
from media_catalogue.feed_import.fetch import check_url, fetch_bytes
from tests.feed_import.conftest import LocalServer, Run, api_guids
from tests.feed_import.test_guid_rules import rss
from tests.media.factories import artwork_bytes, fixture

CHAPTERS = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Start"}, {"startTime": 1, "title": "End"}]}
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello from the old host.\n"


def _item(n: int, enclosure: str, extra: str = "") -> str:
    return (
        f"<item><title>Episode {n}</title><guid>dl-{n}</guid>"
        f"<pubDate>Tue, 0{n} Jan 2024 08:00:00 -0500</pubDate>{extra}"
        f'<enclosure url="{enclosure}" length="123" type="audio/mpeg"/></item>'
    )


def _feed(server: LocalServer, *, missing: bool = True) -> str:
    server.serve("/ep1.mp3", fixture("cbr-id3v24.mp3").read_bytes(), "audio/mpeg")
    server.serve("/art.jpg", artwork_bytes(1400), "image/jpeg")
    server.serve("/ep1.json", json.dumps(CHAPTERS).encode(), "application/json+chapters")
    server.serve("/ep1.vtt", VTT.encode(), "text/vtt")
    server.serve("/ep3.m4a", fixture("aac.m4a").read_bytes(), "audio/mp4")
    side = (
        f'<itunes:image href="{server.url("/art.jpg")}"/>'
        f'<podcast:chapters url="{server.url("/ep1.json")}" type="application/json+chapters"/>'
        f'<podcast:transcript url="{server.url("/ep1.vtt")}" type="text/vtt" language="en"/>'
        '<podcast:person role="host" href="https://example.org/ann">Ann Host</podcast:person>'
        "<itunes:duration>00:01:05</itunes:duration>"
    )
    items = _item(1, server.url("/ep1.mp3"), side) + _item(2, server.url("/missing.mp3")) + _item(3, server.url("/r1"))
    # Episode 3's file is reached through 3 redirects (allowed: at most 5).
    server.redirect("/r1", server.url("/r2"))
    server.redirect("/r2", "/r3", status=301)
    server.redirect("/r3", server.url("/ep3.m4a"), status=307)
    channel = f'<itunes:image href="{server.url("/art.jpg")}"/>'
    return server.serve("/feed.xml", rss(items, channel=channel).encode(), "application/rss+xml")


def _episodes(database: Database) -> dict[str, Episode]:
    with database.session() as session:
        rows = session.scalars(select(Episode)).all()
        for row in rows:
            _ = (row.media_files, row.transcripts, row.credits)
        return {row.guid or "": row for row in rows}


def test_media_and_side_files_come_through_ingest(
    run: Run, api: TestClient, database: Database, server: LocalServer
) -> None:
    feed_url = _feed(server)
    result = run("import-feed", feed_url, "--show", "downloaded")
    assert result.exit_code == 0, result.output
    assert "2 added" not in result.stdout and "3 added" in result.stdout.splitlines()[-1]
    assert "1 failed download(s) left as drafts" in result.stdout.splitlines()[-1]
    assert 'warning: item 2 "Episode 2": media not downloaded, left as a draft: ' in result.stdout
    assert sorted(api_guids(api, "downloaded")) == ["dl-1", "dl-3"]

    episodes = _episodes(database)
    first, failed, redirected = episodes["dl-1"], episodes["dl-2"], episodes["dl-3"]
    media = first.primary_media
    assert media is not None and media.mime_type == "audio/mpeg" and media.duration_ms and media.sha256
    assert media.source_sha256 is not None  # stored through ingest (tagged copy, source hash kept)
    assert first.artwork_key and first.chapters and [c["title"] for c in first.chapters] == ["Start", "End"]
    assert [(t.language, t.format) for t in first.transcripts] == [("en", "vtt")]
    assert [(c.role, c.position) for c in first.credits] == [("host", 0)]
    assert first.external_duration_ms == 65_000
    assert first.published_at is not None and first.published_at.isoformat() == "2024-01-01T13:00:00+00:00"
    assert redirected.primary_media is not None and redirected.primary_media.container == "mp4"
    assert failed.status == Status.draft and failed.primary_media is None
    assert failed.import_error and "404" in failed.import_error

    body = api.get("/api/shows/downloaded/episodes/episode-1").json()
    assert body["media"][0]["url"].endswith("/media/downloaded/episode-1.mp3")
    assert body["transcripts"][0]["language"] == "en" and body["chapters_url"]

    # The file appears at the old host: the next import retries it, and nothing else is fetched again.
    server.serve("/missing.mp3", fixture("cbr-noxing-id3v23.mp3").read_bytes(), "audio/mpeg")
    hits_before = dict(server.hits)
    again = run("import-feed", feed_url, "--show", "downloaded")
    assert again.exit_code == 0, again.output
    assert "0 added, 1 updated, 2 unchanged, 0 failed" in again.stdout.splitlines()[-1]
    assert sorted(api_guids(api, "downloaded")) == ["dl-1", "dl-2", "dl-3"]
    assert server.hits["/ep1.mp3"] == hits_before["/ep1.mp3"]
    assert server.hits["/art.jpg"] == hits_before["/art.jpg"]
    retried = _episodes(database)["dl-2"]
    assert retried.status == Status.published and retried.import_error is None


def test_no_download_keeps_the_remote_enclosure(
    run: Run, api: TestClient, database: Database, server: LocalServer
) -> None:
    feed_url = _feed(server)
    result = run("import-feed", feed_url, "--show", "remote", "--no-download")
    assert result.exit_code == 0, result.output
    assert server.hits.get("/ep1.mp3") is None and server.hits.get("/art.jpg") is None
    episode = _episodes(database)["dl-1"]
    assert (episode.external_enclosure_url, episode.external_enclosure_length, episode.external_enclosure_type) == (
        server.url("/ep1.mp3"), 123, "audio/mpeg",
    )  # fmt: skip
    assert not episode.media_files
    feed = api.get("/feeds/remote.xml").text
    assert f'url="{server.url("/ep1.mp3")}"' in feed and "<itunes:duration>65</itunes:duration>" in feed
    with database.session() as session:
        show = session.scalars(select(Show)).one()
        assert show.imported_from == feed_url and show.previous_feed_urls == [feed_url]


def test_download_limits(import_settings: Settings, settings: Settings, server: LocalServer) -> None:
    server.serve("/small", b"x" * 100)
    assert fetch_bytes(server.url("/small"), import_settings, limit=100)[0] == b"x" * 100
    with pytest.raises(CatalogueError, match="the limit"):
        fetch_bytes(server.url("/small"), import_settings, limit=99)
    for hop in range(6):
        server.redirect(f"/hop{hop}", server.url(f"/hop{hop + 1}"))
    server.serve("/hop6", b"arrived")
    assert fetch_bytes(server.url("/hop1"), import_settings, limit=100)[0] == b"arrived"  # 5 redirects
    with pytest.raises(CatalogueError, match="more than 5 redirects"):
        fetch_bytes(server.url("/hop0"), import_settings, limit=100)  # 6 redirects
    server.redirect("/to-ftp", "ftp://127.0.0.1/file")
    with pytest.raises(CatalogueError, match="only http and https"):
        fetch_bytes(server.url("/to-ftp"), import_settings, limit=100)
    with pytest.raises(CatalogueError, match="loopback, private or link-local"):
        fetch_bytes(server.url("/small"), settings, limit=100)  # no allowlist: 127.0.0.1 is refused
    for address in ("http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x"):
        with pytest.raises(CatalogueError, match="loopback, private or link-local"):
            check_url(address, settings)
    with pytest.raises(CatalogueError, match="only http and https"):
        check_url("file:///etc/passwd", settings)


def test_a_slow_download_is_cut_at_the_time_limit(import_settings: Settings, server: LocalServer) -> None:
    server.serve("/slow", b"y" * 1000)
    impatient = import_settings.model_copy(update={"import_timeout_seconds": 0.0})
    with pytest.raises(CatalogueError, match="took longer than"):
        fetch_bytes(server.url("/slow"), impatient, limit=10_000)
