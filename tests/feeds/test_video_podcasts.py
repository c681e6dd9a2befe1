"""Video podcasts end to end: a real MP4 (tests/media/files/video.mp4) goes through the ingest pipeline as an episode's
video next to its audio, or as its only enclosure; the podcast feed then carries it (enclosure or
podcast:alternateEnclosure, type video/mp4, the stored length), the Media RSS feed offers it as media:content, and
its enclosure URL serves exactly those bytes, with Range."""

from __future__ import annotations

from collections.abc import Iterator

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.orm import Session

from media_catalogue import ingest
from media_catalogue.catalogue.models import Episode, MediaFile, Video, VideoKind
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.media_rss import MEDIA_NS
from media_catalogue.feeds.podcast_ns import PODCAST_NS
from media_catalogue.storage import Storage, create_storage
from media_catalogue.web.app import create_app
from tests.media.factories import add_episode, fixture

BASE = "https://podcasts.example.org"
P20 = f"{{{PODCAST_NS}}}"
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def storage(settings: Settings) -> Storage:
    return create_storage(settings)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessions() as session:
        yield session


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


def _stored(storage: Storage, media: MediaFile) -> bytes:
    with storage.open(media.storage_key) as handle:
        return handle.read()


def test_audio_with_video_alternate_enclosure(
    session: Session, storage: Storage, settings: Settings, client: TestClient
) -> None:
    episode = add_episode(session)
    audio = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    video = ingest.attach_media(
        session, storage, settings, episode, fixture("video.mp4"), filename="first-steps.mp4", role="video"
    )
    session.add(Video(slug="first-steps-video", title="First steps (video)", kind=VideoKind.video_podcast,
                      episode=episode))  # fmt: skip
    session.commit()
    assert (video.media_file.mime_type, video.media_file.extension) == ("video/mp4", "mp4")
    assert (video.media_file.width, video.media_file.height) == (64, 64)
    video_bytes = _stored(storage, video.media_file)
    assert video.media_file.byte_length == len(video_bytes)

    body = client.get("/feeds/match-podcast.xml", headers=IDENTITY).content
    (entry,) = feedparser.parse(body).entries
    (enclosure,) = entry.enclosures
    assert enclosure.type == "audio/mpeg"
    assert enclosure.href == f"{BASE}/media/match-podcast/first-steps.mp3"
    assert int(enclosure.length) == audio.media_file.byte_length
    item = etree.fromstring(body).find("channel/item")
    assert item is not None
    (alternate,) = item.findall(f"{P20}alternateEnclosure")
    assert alternate.get("type") == "video/mp4"
    assert alternate.get("length") == str(len(video_bytes))
    assert alternate.get("height") == "64"
    source = alternate.find(f"{P20}source")
    assert source is not None
    video_url = f"{BASE}/media/match-podcast/first-steps.video.mp4"
    assert source.get("uri") == video_url

    # The alternate enclosure URL serves the stored bytes, whole or by range.
    path = video_url.removeprefix(BASE)
    whole = client.get(path)
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("video/mp4")
    assert whole.content == video_bytes
    part = client.get(path, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == video_bytes[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(video_bytes)}"
    head = client.head(path)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(video_bytes))

    # The linked video in the Media RSS feed offers the same file.
    videos = feedparser.parse(client.get("/feeds/videos.xml").content)
    (linked,) = videos.entries
    (content,) = linked.media_content
    assert (content["url"], content["type"], content["filesize"]) == (video_url, "video/mp4", str(len(video_bytes)))
    assert (content["width"], content["height"]) == ("64", "64")
    assert etree.fromstring(client.get("/feeds/videos.xml").content).nsmap["media"] == MEDIA_NS


def test_video_as_the_only_enclosure(
    session: Session, storage: Storage, settings: Settings, client: TestClient
) -> None:
    episode: Episode = add_episode(session, slug="video-only", title="Video only")
    result = ingest.attach_media(session, storage, settings, episode, fixture("video.mp4"), filename="v.mp4")
    session.commit()
    assert result.media_file.role == "primary"
    length = len(_stored(storage, result.media_file))

    body = client.get("/feeds/match-podcast.xml", headers=IDENTITY).content
    (entry,) = feedparser.parse(body).entries
    (enclosure,) = entry.enclosures
    assert (enclosure.href, enclosure.type) == (f"{BASE}/media/match-podcast/video-only.mp4", "video/mp4")
    assert int(enclosure.length) == length
    assert etree.fromstring(body).find(f"channel/item/{P20}alternateEnclosure") is None
    served = client.get("/media/match-podcast/video-only.mp4")
    assert served.status_code == 200 and len(served.content) == length
