"""Enclosures and side files: /media (302 to the public URL or exact Range/HEAD streaming), /artwork renditions,
/chapters JSON and /transcripts, for the episode of the test catalogue that has real ingested audio."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.models import Episode
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.web import feeds
from media_catalogue.web.app import create_app
from media_catalogue.web.media import parse_range
from tests.web.conftest import BASE, run_sync

URL = "/media/match-en/talent-partnerships.mp3"


def stored_bytes(database: Database, settings: Settings) -> bytes:
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "talent-partnerships"))
        assert episode is not None and episode.primary_media is not None
        key = episode.primary_media.storage_key
    with create_storage(settings).open(key) as handle:
        return handle.read()


def test_full_get_and_head_agree_exactly(client: TestClient, synced: Database, settings: Settings) -> None:
    data = stored_bytes(synced, settings)
    full = client.get(URL)
    assert full.status_code == 200 and full.content == data
    assert full.headers["content-type"] == "audio/mpeg"
    assert full.headers["accept-ranges"] == "bytes" and full.headers["content-length"] == str(len(data))
    head = client.head(URL)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(data)) and head.headers["etag"] == full.headers["etag"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-1", 0, 1), ("bytes=100-", 100, None), ("bytes=-500", -500, None), ("bytes=10-99999999", 10, None)],
)
def test_byte_ranges(
    client: TestClient, synced: Database, settings: Settings, header: str, start: int, end: int | None
) -> None:
    data = stored_bytes(synced, settings)
    size = len(data)
    expected = data[start : (end + 1 if end is not None else None)]
    response = client.get(URL, headers={"Range": header})
    assert response.status_code == 206 and response.content == expected
    first = start if start >= 0 else size + start
    assert response.headers["content-range"] == f"bytes {first}-{first + len(expected) - 1}/{size}"
    assert response.headers["content-length"] == str(len(expected))
    head = client.head(URL, headers={"Range": header})
    assert head.status_code == 206 and head.headers["content-range"] == response.headers["content-range"]
    assert head.headers["content-length"] == str(len(expected)) and head.content == b""


def test_unsatisfiable_and_ignored_ranges(client: TestClient, synced: Database, settings: Settings) -> None:
    size = len(stored_bytes(synced, settings))
    response = client.get(URL, headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416 and response.headers["content-range"] == f"bytes */{size}"
    assert client.get(URL, headers={"Range": "bytes=0-1,5-6"}).status_code == 200  # several ranges: whole file
    assert client.get(URL, headers={"Range": "items=0-1"}).status_code == 200
    assert client.get(URL, headers={"Range": "bytes=9-2"}).status_code == 200


def test_conditional_requests(client: TestClient) -> None:
    etag = client.head(URL).headers["etag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag}).status_code == 206
    assert client.get(URL, headers={"Range": "bytes=0-9", "If-Range": '"old"'}).status_code == 200
    # If-Range may hold the exact Last-Modified date instead of the tag (RFC 9110 13.1.5); W/ tags never match.
    modified = client.head(URL).headers["last-modified"]
    assert client.get(URL, headers={"Range": "bytes=0-9", "If-Range": modified}).status_code == 206
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(URL, headers={"Range": "bytes=0-9", "If-Range": older}).status_code == 200
    assert client.get(URL, headers={"Range": "bytes=0-9", "If-Range": f"W/{etag}"}).status_code == 200


def test_public_url_redirects(synced: Database, settings: Settings) -> None:
    public = settings.model_copy(update={"storage_public_url": "https://cdn.example.org/media"})
    app = create_app(public, database=synced)
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        response = client.get(URL, headers={"Range": "bytes=0-1"})
        assert response.status_code == 302
        assert response.headers["location"].startswith("https://cdn.example.org/media/")
        assert client.head(URL).status_code == 302


def test_external_enclosure_redirects_and_unknown_files_are_404(client: TestClient) -> None:
    response = client.get("/media/match-en/global-race-for-talent.mp3")
    assert response.status_code == 302 and response.headers["location"] == "https://cdn.example.org/match-2.mp3"
    assert client.get("/media/match-en/talent-partnerships.ogg").status_code == 404
    assert client.get("/media/match-en/talent-partnerships.video.mp4").status_code == 404
    assert client.get("/media/match-en/nope.mp3").status_code == 404
    assert client.get("/media/match-en/noextension").status_code == 404


def test_unpublished_enclosure_is_gone_and_renamed_one_moves(
    client: TestClient, synced: Database, settings: Settings, catalogue_root: Path
) -> None:
    path = catalogue_root / "match-en" / "talent-partnerships.md"
    text = path.read_text().replace("title:", "previous_slugs: [talent-partnerships]\ntitle:", 1)
    path.unlink()
    (catalogue_root / "match-en" / "talent.md").write_text(text)
    run_sync(synced, settings, catalogue_root)
    response = client.get(URL)
    assert response.status_code == 301 and response.headers["location"] == f"{BASE}/media/match-en/talent.mp3"
    assert client.get("/chapters/match-en/talent-partnerships.json").headers["location"].endswith("/talent.json")
    (catalogue_root / "match-en" / "talent.md").unlink()
    run_sync(synced, settings, catalogue_root)
    assert client.get("/media/match-en/talent.mp3").status_code == 410


def test_chapters_json(client: TestClient) -> None:
    response = client.get("/chapters/match-en/talent-partnerships.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json+chapters")
    assert response.headers["access-control-allow-origin"] == "*"
    document = response.json()
    assert document["version"] == "1.2.0"
    assert [c["title"] for c in document["chapters"]] == ["Welcome", "Talent", "Partnerships"]
    assert client.get("/chapters/match-en/global-race-for-talent.json").status_code == 404
    # Validators like every other file: a strong ETag, Last-Modified, 304 on If-None-Match, HEAD without a body.
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    assert etag.startswith('"') and modified.endswith(" GMT")
    again = client.get("/chapters/match-en/talent-partnerships.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    head = client.head("/chapters/match-en/talent-partnerships.json")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_feed_routes_allow_get_and_head(client: TestClient) -> None:
    """Other methods get 405 naming both GET and HEAD (it said "Allow: HEAD" only)."""
    for path in ("/feeds/match-en.xml", "/feeds/all.xml", "/feeds/videos.xml", "/feeds/projects/match.xml"):
        for method in ("POST", "PUT", "DELETE"):
            response = client.request(method, path)
            assert response.status_code == 405, (method, path)
            assert {m.strip() for m in response.headers["allow"].split(",")} == {"GET", "HEAD"}, (method, path)


def test_transcripts(client: TestClient) -> None:
    response = client.get("/transcripts/match-en/talent-partnerships.en.vtt")
    assert response.status_code == 200 and response.text.startswith("WEBVTT")
    assert response.headers["content-type"] == "text/vtt; charset=utf-8"
    assert response.headers["content-language"] == "en"
    assert client.get("/transcripts/match-en/talent-partnerships.fr.vtt").status_code == 404
    assert client.get("/transcripts/match-en/talent-partnerships.en.srt").status_code == 404


def test_artwork_and_renditions(client: TestClient, synced: Database, settings: Settings, tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image

    storage = create_storage(settings)
    image = BytesIO()
    Image.new("RGB", (1400, 1400), (20, 90, 160)).save(image, "JPEG", quality=90)
    storage.put_bytes("artwork/test.jpg", image.getvalue(), content_type="image/jpeg")
    full = client.get("/artwork/artwork/test.jpg")
    assert full.status_code == 200 and full.content == image.getvalue()
    assert full.headers["content-type"] == "image/jpeg"
    small = client.get("/artwork/artwork/test.jpg?w=192")
    assert small.status_code == 200 and len(small.content) < len(image.getvalue())
    assert Image.open(BytesIO(small.content)).size == (192, 192)
    assert (
        client.get("/artwork/artwork/test.jpg?w=192", headers={"If-None-Match": small.headers["etag"]}).status_code
        == 304
    )
    assert client.get("/artwork/artwork/test.jpg?w=193").status_code == 404
    assert client.get("/artwork/artwork/missing.jpg").status_code == 404
    assert client.get("/artwork/..%2Fsecret").status_code in (404, 422)


def test_parse_range_rules() -> None:
    assert parse_range(None, 10) is None
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=-30", 10) == (0, 9)
    assert parse_range("bytes=10-", 10) == "unsatisfiable"
    assert parse_range("bytes=-0", 10) == "unsatisfiable"
    assert parse_range("bytes=-", 10) is None


def test_a_project_feed_is_bounded_to_its_newest_episodes(
    client: TestClient, synced: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project's feed gathers every show of the project: past PROJECT_FEED_LIMIT it keeps the newest (each show's
    own feed stays complete)."""
    whole = client.get("/feeds/projects/match.xml").text
    guids = re.findall(r"<guid[^>]*>([^<]+)</guid>", whole)
    assert len(guids) >= 3
    monkeypatch.setattr(feeds, "PROJECT_FEED_LIMIT", 2)
    with synced.session() as session:  # a new content version: the cached feed is rebuilt
        versions.bump_catalogue(session)
    bounded = client.get("/feeds/projects/match.xml").text
    assert re.findall(r"<guid[^>]*>([^<]+)</guid>", bounded) == guids[:2]
