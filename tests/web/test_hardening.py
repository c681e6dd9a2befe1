"""Hostile input to the public site (issue 14): malformed URLs in oEmbed, /artwork/ asked for objects that are not
artwork, and query strings that would bypass or flush the page cache."""

from __future__ import annotations

from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage


def test_oembed_answers_a_malformed_url_with_422_naming_the_field(client: TestClient) -> None:
    for url in ("http://[::1/shows/a/b", "http://podcasts.example.org:99999/shows/a/b", "http://[zz]/shows/a/b"):
        answer = client.get("/oembed", params={"url": url})
        assert answer.status_code in (404, 422), (url, answer.status_code, answer.text)
        assert answer.headers["content-type"].startswith("application/json")
    answer = client.get("/oembed", params={"url": "http://[::1/shows/a/b"})
    assert answer.status_code == 422 and answer.json()["error"]["field"] == "url"


def test_artwork_serves_only_artwork(client: TestClient, synced: Database, settings: Settings) -> None:
    storage = create_storage(settings)
    storage.put_bytes("episodes/1/draft-secret.mp3", b"ID3 not public", content_type="audio/mpeg")
    storage.put_bytes("transcripts/1/en-secret.vtt", b"WEBVTT\n\nsecret", content_type="text/vtt")
    storage.put_bytes("artwork/notes.txt", b"not an image", content_type="text/plain")
    for key in ("episodes/1/draft-secret.mp3", "transcripts/1/en-secret.vtt", "artwork/notes.txt"):
        for method in ("GET", "HEAD"):
            answer = client.request(method, f"/artwork/{key}")
            assert answer.status_code == 404, (method, key, answer.status_code)
            assert b"ID3 not public" not in answer.content and b"WEBVTT" not in answer.content


def test_unknown_query_parameters_neither_render_nor_evict_cached_pages(client: TestClient) -> None:
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    first = client.get("/shows/match-en")
    assert first.status_code == 200
    entries = len(cache.entries)
    misses = cache.misses
    for n in range(30):
        answer = client.get(f"/shows/match-en?utm_source=x{n}&cachebust={n}")
        assert answer.status_code == 200 and answer.headers["x-cache"] == "hit", n
        assert answer.headers["etag"] == first.headers["etag"]
    assert cache.misses == misses and len(cache.entries) == entries
    # A first visit with an unknown parameter renders the page without it (no link carries it along).
    fresh = client.get("/videos?tracking=zzz-marker-zzz")
    assert fresh.status_code == 200 and "zzz-marker-zzz" not in fresh.text
    assert client.get("/videos").headers["x-cache"] == "hit"
    # Parameters the page uses still make their own page.
    assert client.get("/videos?kind=testimony").headers["x-cache"] == "miss"
    assert client.get("/videos?kind=testimony&fbclid=1").headers["x-cache"] == "hit"
