"""Serving feeds: headers, conditional requests, gzip, HEAD, and a cache that is rebuilt once per change (in every
worker process) and at the next scheduled publication, never per request."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from feed_catalogue import Factory
from sqlalchemy import select

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.models import Episode, Show, SlugRedirect, utcnow
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.websub import HubNotifier
from media_catalogue.web.app import create_app
from media_catalogue.web.feeds import FeedCache

FEED = "/feeds/match-podcast-en.xml"
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def catalogue(database: Database, settings: Settings) -> None:
    with database.session() as session:
        make = Factory(session, settings)
        project = make.project("match", name="MATCH", contact_email="match@iom.int")
        show = make.show(project=project)
        make.show("office", title="Office channel")
        make.episode(show, "one", published_at=utcnow() - timedelta(days=3))
        make.episode(show, "two", published_at=utcnow() - timedelta(days=1))
        versions.touch(session, show)


def make_app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


@pytest.fixture
def client(settings: Settings, database: Database, catalogue: None) -> Iterator[TestClient]:
    with TestClient(make_app(settings, database)) as client:
        yield client


def cache_of(client: TestClient) -> FeedCache:
    return client.app.state.feed_cache  # type: ignore[attr-defined,no-any-return]


def edit(database: Database, slug: str, title: str) -> None:
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == slug))
        assert episode is not None
        episode.title = title
        versions.touch(session, episode.show)


def test_headers_and_body(client: TestClient) -> None:
    response = client.get(FEED, headers=IDENTITY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["vary"] == "Accept-Encoding"
    assert "content-encoding" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)
    parsedate_to_datetime(response.headers["last-modified"])
    parsed = feedparser.parse(response.content)
    assert [entry.title for entry in parsed.entries] == ["Episode 2", "Episode 1"]


def test_conditional_requests(client: TestClient) -> None:
    first = client.get(FEED, headers=IDENTITY)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in (
        {"If-None-Match": etag},
        {"If-None-Match": f'"other", {etag}'},
        {"If-None-Match": f"W/{etag}"},
        {"If-None-Match": "*"},
        {"If-Modified-Since": modified},
        {"If-Modified-Since": format_datetime(utcnow() + timedelta(days=1), usegmt=True)},
    ):
        response = client.get(FEED, headers={**IDENTITY, **headers})
        assert response.status_code == 304, headers
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "public, max-age=300"
    older = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    for headers in ({"If-None-Match": '"other"'}, {"If-Modified-Since": older}, {"If-Modified-Since": "garbage"}):
        assert client.get(FEED, headers={**IDENTITY, **headers}).status_code == 200, headers
    # If-None-Match wins over If-Modified-Since (RFC 9110).
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert client.get(FEED, headers={**IDENTITY, **both}).status_code == 200


def test_gzip_when_accepted(client: TestClient) -> None:
    plain = client.get(FEED, headers=IDENTITY)
    raw = client.get(FEED, headers={"Accept-Encoding": "gzip"}, extensions={})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.content == plain.content  # httpx decodes; the bytes on the wire are gzip
    assert raw.headers["etag"] != plain.headers["etag"]
    assert int(raw.headers["content-length"]) < len(plain.content)
    assert client.get(FEED, headers={"Accept-Encoding": "gzip;q=0"}).headers.get("content-encoding") is None
    assert client.get(FEED, headers={"If-None-Match": raw.headers["etag"]}).status_code == 304
    assert gzip.decompress(cache_of(client).entries["show:match-podcast-en"].gzip_body) == plain.content


def test_head(client: TestClient) -> None:
    get = client.get(FEED, headers=IDENTITY)
    head = client.head(FEED, headers=IDENTITY)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert client.head(FEED, headers={"If-None-Match": get.headers["etag"]}).status_code == 304


def test_built_once_per_change_not_per_request(client: TestClient, database: Database) -> None:
    first = client.get(FEED, headers=IDENTITY)
    cache = cache_of(client)
    builds = cache.builds
    for _ in range(5):
        assert client.get(FEED, headers=IDENTITY).headers["etag"] == first.headers["etag"]
    assert cache.builds == builds

    edit(database, "two", "Retitled episode")
    changed = client.get(FEED, headers=IDENTITY)
    assert changed.headers["etag"] != first.headers["etag"]
    assert b"Retitled episode" in changed.content
    assert client.get(FEED, headers={"If-None-Match": first.headers["etag"]}).status_code == 200
    assert cache.builds == builds + 1


def test_workers_sharing_a_database_stay_coherent(settings: Settings, database: Database, catalogue: None) -> None:
    """Two apps = two worker processes' caches: same bytes and ETag; a change made anywhere reaches both."""
    with TestClient(make_app(settings, database)) as one, TestClient(make_app(settings, database)) as two:
        a, b = one.get(FEED, headers=IDENTITY), two.get(FEED, headers=IDENTITY)
        assert a.headers["etag"] == b.headers["etag"] and a.content == b.content
        edit(database, "one", "Edited elsewhere")
        a2, b2 = one.get(FEED, headers=IDENTITY), two.get(FEED, headers=IDENTITY)
        assert a2.headers["etag"] == b2.headers["etag"] != a.headers["etag"]
        assert b"Edited elsewhere" in b2.content


def test_scheduled_episode_appears_when_its_time_comes_without_any_write(
    client: TestClient, database: Database, settings: Settings
) -> None:
    # The margin must outlast the build of the feed before its time: on a loaded machine a build once took longer
    # than 1.5 s (PostgreSQL in CI), so a build that ate the margin is tried again with a longer one.
    for margin in (3, 8, 20):
        title = f"Soon in {margin} s"
        with database.session() as session:
            show = session.scalar(select(Show).where(Show.slug == "match-podcast-en"))
            assert show is not None
            goes_live = utcnow() + timedelta(seconds=margin)
            Factory(session, settings).episode(show, f"soon-{margin}", title=title, published_at=goes_live)
            versions.touch(session, show)
        before = client.get(FEED, headers=IDENTITY)
        if utcnow() < goes_live:
            break
    else:
        pytest.fail("every build of the feed took longer than its margin: the test proves nothing")
    assert title.encode() not in before.content
    time.sleep(max(0.0, (goes_live - utcnow()).total_seconds()) + 0.2)
    after = client.get(FEED, headers=IDENTITY)
    assert f"<title>{title}</title>".encode() in after.content
    assert after.headers["etag"] != before.headers["etag"]


def test_aggregate_feeds_and_errors(client: TestClient, database: Database) -> None:
    everything = client.get("/feeds/all.xml")
    assert everything.status_code == 200
    assert len(feedparser.parse(everything.content).entries) == 2
    project = client.get("/feeds/projects/match.xml")
    assert project.status_code == 200 and feedparser.parse(project.content).feed.title == "MATCH"
    assert client.get("/feeds/projects/nope.xml").status_code == 404
    assert client.get("/feeds/nope.xml").status_code == 404
    assert client.get("/feeds/office.xml").status_code == 200
    with database.session() as session:
        show = session.scalar(select(Show).where(Show.slug == "match-podcast-en"))
        assert show is not None
        session.add(SlugRedirect(kind="show", old_slug="match-old", target_id=show.id))
    moved = client.get("/feeds/match-old.xml", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == FEED


def test_websub_hub_is_notified_in_the_background_and_retried() -> None:
    """The notifier web.scheduled uses (pings are sent once for all hosts by the lease holder: tests/web/test_hosts)."""
    sent: list[bytes] = []
    failures = [1]

    def post(url: str, data: bytes, timeout: float) -> int:
        if failures:
            failures.pop()
            raise OSError("hub down")  # the first attempt fails: retried
        sent.append(data)
        return 204

    hub = HubNotifier("https://hub.example.org/", first_delay=0.01, post=post)
    hub.publish("https://podcasts.example.org/feeds/match-podcast-en.xml")
    hub.join()
    assert sent == [b"hub.mode=publish&hub.url=https%3A%2F%2Fpodcasts.example.org%2Ffeeds%2Fmatch-podcast-en.xml"]
