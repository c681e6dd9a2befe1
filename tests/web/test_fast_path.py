"""The fast path (web.pagecache.answer_cached, web.feeds.FeedCache.fast_answer): once its route has built a feed,
the feed is answered before FastAPI runs, and that answer is the route's own, byte for byte and header for header
(200, 304 by ETag or date, gzip or not, HEAD, a moved feed's 301), at once up to date after a change."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.models import Show
from media_catalogue.db import Database

FEED = "/feeds/match-en.xml"


def _compare(client: TestClient, method: str, headers: dict[str, str], path: str = FEED) -> Any:
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    cache.paths.clear()  # the route answers
    routed = client.request(method, path, headers=headers, follow_redirects=False)
    fast_before = cache.fast_hits
    fast = client.request(method, path, headers=headers, follow_redirects=False)
    assert cache.fast_hits == fast_before + 1, "not answered by the fast path"
    assert (fast.status_code, fast.content) == (routed.status_code, routed.content)
    assert [(k, v) for k, v in fast.headers.multi_items() if k != "date"] == [
        (k, v) for k, v in routed.headers.multi_items() if k != "date"
    ]
    return fast


def test_a_built_feed_is_answered_before_routing_exactly_as_its_route_answers(client: TestClient) -> None:
    plain = client.get(FEED, headers={"Accept-Encoding": "identity"})
    zipped = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    cases = [
        ("GET", {"Accept-Encoding": "identity"}),
        ("GET", {"Accept-Encoding": "gzip"}),
        ("GET", {"Accept-Encoding": "gzip;q=0"}),
        ("HEAD", {"Accept-Encoding": "identity"}),
        ("HEAD", {"Accept-Encoding": "gzip"}),
        ("GET", {"Accept-Encoding": "identity", "If-None-Match": plain.headers["etag"]}),
        ("GET", {"Accept-Encoding": "gzip", "If-None-Match": f'W/{zipped.headers["etag"]}, "other"'}),
        ("GET", {"Accept-Encoding": "identity", "If-None-Match": '"stale"'}),
        ("GET", {"Accept-Encoding": "identity", "If-Modified-Since": plain.headers["last-modified"]}),
        ("GET", {"Accept-Encoding": "identity", "If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"}),
        ("GET", {"Accept-Encoding": "identity", "If-Modified-Since": "not a date"}),
    ]
    statuses = [_compare(client, method, headers).status_code for method, headers in cases]
    assert statuses == [200, 200, 200, 200, 200, 304, 304, 200, 304, 200, 200]
    fast = _compare(client, "GET", {"Accept-Encoding": "identity"}, FEED + "?utm_source=app")
    assert fast.content == plain.content
    assert fast.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert fast.headers["content-security-policy"] and fast.headers["x-content-type-options"] == "nosniff"
    refused = client.post(FEED)
    assert refused.status_code == 405 and set(refused.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_a_change_reaches_the_fast_path_at_once_and_a_moved_feed_answers_301(
    client: TestClient, synced: Database
) -> None:
    before = client.get(FEED, headers={"Accept-Encoding": "identity"})
    assert client.get(FEED, headers={"Accept-Encoding": "identity"}).content == before.content
    with synced.session() as session:
        show = session.scalar(select(Show).where(Show.slug == "match-en"))
        assert show is not None
        show.title = "A new title"
        show.new_feed_url = "https://elsewhere.example.com/feed.xml"
        versions.touch(session, show)
    moved = _compare(client, "GET", {"Accept-Encoding": "identity"})  # no wait: this process made the change
    assert moved.status_code == 301 and moved.headers["location"] == "https://elsewhere.example.com/feed.xml"
    assert b"<title>A new title</title>" in moved.content and b"new-feed-url" in moved.content
    assert _compare(client, "HEAD", {"Accept-Encoding": "gzip"}).status_code == 301


def test_unknown_feeds_and_bodies_go_to_the_routes(client: TestClient) -> None:
    assert client.get("/feeds/no-such-show.xml").status_code == 404
    assert client.get("/feeds/no-such-show.xml").status_code == 404
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    assert "/feeds/no-such-show.xml" not in cache.paths
    client.get(FEED)
    hits = cache.fast_hits
    assert client.request("GET", FEED, content=b"x" * 10).status_code == 200  # a GET with a body: the full stack
    assert client.get(FEED + "?x=%00").status_code == 400  # RejectNulCharacters still answers
    assert cache.fast_hits == hits
