"""The Media RSS feed of videos: built from catalogue rows, read back with feedparser (media fields present) and
lxml, and served like the podcast feeds (ETag, 304, gzip, HEAD, rebuilt once per change, per project)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import feedparser
import pytest
from fastapi.testclient import TestClient
from feed_catalogue import Factory
from lxml import etree, html
from sqlalchemy import select
from sqlalchemy.orm import Session

from media_catalogue.catalogue import queries, versions
from media_catalogue.catalogue.identity import video_guid_for
from media_catalogue.catalogue.models import Credit, DatePrecision, Project, Status, Video, VideoKind, utcnow
from media_catalogue.catalogue.providers import recognise
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.media_rss import MEDIA_NS, build_video_feed
from media_catalogue.web.app import create_app

MEDIA = f"{{{MEDIA_NS}}}"
BASE = "https://podcasts.example.org"
IDENTITY = {"Accept-Encoding": "identity"}


def add_video(session: Session, slug: str, *, url: str | None = None, **fields: object) -> Video:
    video = Video(slug=slug, title=fields.pop("title", slug.replace("-", " ").title()), **fields)
    if url:
        found = recognise(url)
        video.provider, video.provider_id = found.provider, found.provider_id
        video.url, video.start_seconds = found.canonical_url, found.start_seconds
    session.add(video)
    session.flush()
    return video


def seed(session: Session, settings: Settings) -> dict[str, object]:
    make = Factory(session, settings)
    match = make.project("match", name="MATCH")
    rwanda = make.project("rwandan-diaspora", name="Rwandan Diaspora Engagement")
    speaker = make.person("rob-de-lobel", "Rob de Lobel")
    steffi = make.person("steffi-mushayija", "Steffi Mushayija")
    show = make.show(project=match)
    episode = make.episode(show, "video-podcast", video=True, published_at=utcnow() - timedelta(days=2))
    webinar = add_video(
        session, "rob-de-lobel-presents-match", url="https://youtu.be/5qvz8YyPNdg?t=90", kind=VideoKind.webinar,
        title="Rob de Lobel presents MATCH", description="A **presentation** of the MATCH project.", language="en",
        published_on=date(2021, 6, 1), date_precision=DatePrecision.month, project=match,
    )  # fmt: skip
    webinar.credits.append(Credit(person=speaker, role="speaker"))
    add_video(
        session, "match-video-podcast", kind=VideoKind.video_podcast, title="MATCH video podcast", language="en",
        published_on=date(2022, 3, 4), project=match, episode=episode,
    )  # fmt: skip
    add_video(
        session, "vimeo-testimony", url="https://vimeo.com/76979871", kind=VideoKind.testimony, language="fr",
        published_on=date(2020, 1, 1), date_precision=DatePrecision.year,
    )  # fmt: skip
    vlog = add_video(
        session, "vlog-steffi", kind=VideoKind.vlog, title="Vlog: Steffi in Rwanda", project=rwanda, language="en",
        series="Rwandan diaspora vlogs",
    )  # fmt: skip
    vlog.credits.append(Credit(person=steffi, role="speaker"))
    add_video(session, "a-draft", url="https://youtu.be/zIGiOZcyRYY", status=Status.draft, project=match)
    session.flush()
    return {"match": match, "episode": episode}


@pytest.fixture
def seeded(session: Session, settings: Settings) -> dict[str, object]:
    return seed(session, settings)


def feed_of(session: Session, settings: Settings, project: Project | None = None) -> bytes:
    session.expire_all()
    videos = queries.list_videos(session, project=project.slug if project else None, per_page=100).items
    return build_video_feed(videos, settings, project=project)


def test_feedparser_reads_every_media_field(seeded: dict[str, object], session: Session, settings: Settings) -> None:
    body = feed_of(session, settings)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Videos"
    assert parsed.feed.link == f"{BASE}/videos"
    assert "a-draft" not in body.decode()
    # Newest first; only videos that can be watched (the vlog known only from a newsletter is left out).
    assert [entry.link.rsplit("/", 1)[1] for entry in parsed.entries] == [
        "match-video-podcast", "rob-de-lobel-presents-match", "vimeo-testimony",
    ]  # fmt: skip
    assert "vlog-steffi" not in body.decode()
    podcast, webinar, vimeo = parsed.entries
    for entry in parsed.entries:
        assert entry.media_content and entry.media_player["url"]

    assert webinar.title == "Rob de Lobel presents MATCH"
    assert webinar.id == video_guid_for("rob-de-lobel-presents-match")
    assert webinar.guidislink is False
    assert webinar.summary == "<p>A <strong>presentation</strong> of the MATCH project.</p>"
    assert webinar.published_parsed[:4] == (2021, 6, 1, 10)  # noon in Brussels, as for episodes
    (content,) = webinar.media_content
    assert content == {"medium": "video", "expression": "full", "isdefault": "true", "lang": "en"}
    assert webinar.media_player["url"] == "https://www.youtube-nocookie.com/embed/5qvz8YyPNdg?start=90"
    assert webinar.media_thumbnail == [
        {"url": "https://i.ytimg.com/vi/5qvz8YyPNdg/hqdefault.jpg", "width": "480", "height": "360"}
    ]
    # "speaker" is no EBU role code: our own scheme, never urn:ebu (W3C InvalidCreditRole).
    assert webinar.media_credit == [
        {"role": "speaker", "scheme": "urn:media-catalogue:role", "content": "Rob de Lobel"}
    ]
    assert "Webinar" in [tag.term for tag in webinar.tags]

    # A video podcast whose episode carries a video file: our stored file is the content and the enclosure.
    file_url = f"{BASE}/media/match-podcast-en/video-podcast.video.mp4"
    (content,) = podcast.media_content
    assert (content["url"], content["type"], content["filesize"]) == (file_url, "video/mp4", "88000000")
    assert (content["duration"], content["height"]) == ("1235", "720")
    assert podcast.media_player["url"] == f"{BASE}/videos/match-video-podcast"
    (enclosure,) = podcast.enclosures
    assert (enclosure.href, enclosure.type, enclosure.length) == (file_url, "video/mp4", "88000000")

    assert vimeo.media_player["url"] == "https://player.vimeo.com/video/76979871?dnt=1"
    assert "media_thumbnail" not in vimeo  # Vimeo's thumbnail address is not deterministic: none rather than a fetch
    assert vimeo.published_parsed[:3] == (2020, 1, 1)


def test_media_elements_in_the_xml(seeded: dict[str, object], session: Session, settings: Settings) -> None:
    root = etree.fromstring(feed_of(session, settings))
    assert root.nsmap["media"] == MEDIA_NS
    items = root.findall("channel/item")
    for item in items:
        assert item.find(f"{MEDIA}title").get("type") == "plain"  # type: ignore[union-attr]
        assert item.findtext(f"{MEDIA}title") == item.findtext("title")
        # The same text: plain in media:description, sanitized HTML in <description>.
        assert item.findtext(f"{MEDIA}description") == html.fromstring(item.findtext("description")).text_content()
        category = item.find(f"{MEDIA}category")
        assert category is not None and category.get("scheme") == "urn:media-catalogue:video-kind"
    webinar = items[1]
    content = webinar.find(f"{MEDIA}content")
    assert content is not None and content.get("url") is None  # the player stands in for the file (spec 5.1)
    player = content.find(f"{MEDIA}player")
    assert player is not None and player.get("url", "").startswith("https://www.youtube-nocookie.com/embed/")
    assert webinar.findtext(f"{MEDIA}category") == "webinar"
    assert webinar.find(f"{MEDIA}credit").get("role") == "speaker"  # type: ignore[union-attr]
    # Every URL the feed gives is absolute, and none is youtube.com itself (embeds go through youtube-nocookie).
    text = etree.tostring(root).decode()
    assert "www.youtube.com" not in text
    assert root.findtext("channel/lastBuildDate")


def test_project_feed_and_determinism(seeded: dict[str, object], session: Session, settings: Settings) -> None:
    match = seeded["match"]
    assert isinstance(match, Project)
    body = feed_of(session, settings, match)
    parsed = feedparser.parse(body)
    assert parsed.feed.title == "MATCH: videos"
    assert parsed.feed.link == f"{BASE}/projects/match"
    assert [entry.title for entry in parsed.entries] == ["MATCH video podcast", "Rob de Lobel presents MATCH"]
    assert parsed.feed.language == "en"
    self_link = etree.fromstring(body).find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link is not None and self_link.get("href") == f"{BASE}/feeds/projects/match/videos.xml"
    assert feed_of(session, settings, match) == body  # same catalogue, same bytes (strong ETags)


def test_unlive_episode_gives_no_file(seeded: dict[str, object], session: Session, settings: Settings) -> None:
    episode = seeded["episode"]
    episode.status = Status.draft  # type: ignore[attr-defined]
    session.flush()
    entries = feedparser.parse(feed_of(session, settings)).entries
    # Its file is no longer public and it has no provider link: nothing to watch, so no entry at all.
    assert "MATCH video podcast" not in [entry.title for entry in entries]
    assert all(entry.media_content for entry in entries)


def test_empty_feed_is_valid(session: Session, settings: Settings) -> None:
    parsed = feedparser.parse(build_video_feed([], settings))
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.title == "Videos"


# --- serving ----------------------------------------------------------------------------------------------------


@pytest.fixture
def client(database: Database, settings: Settings) -> Iterator[TestClient]:
    with database.session() as session:
        seed(session, settings)
        # A show whose slug is "videos" must not shadow the video feed.
        Factory(session, settings).show("videos", title="A show called videos")
        versions.bump_catalogue(session)
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


def test_served_with_etag_304_gzip_and_head(client: TestClient) -> None:
    first = client.get("/feeds/videos.xml", headers=IDENTITY)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["last-modified"]
    assert len(feedparser.parse(first.content).entries) == 3
    assert client.get("/feeds/videos.xml", headers={**IDENTITY, "If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/videos.xml", headers={"If-None-Match": '"other"'}).status_code == 200
    zipped = client.get("/feeds/videos.xml", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == first.content
    head = client.head("/feeds/videos.xml", headers=IDENTITY)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    assert client.get("/feeds/videos.xml").status_code == 200


def test_rebuilt_once_per_change(client: TestClient, database: Database) -> None:
    first = client.get("/feeds/videos.xml", headers=IDENTITY)
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    builds = cache.builds
    for _ in range(3):
        assert client.get("/feeds/videos.xml", headers=IDENTITY).headers["etag"] == first.headers["etag"]
    assert cache.builds == builds
    with database.session() as session:
        video = session.scalar(select(Video).where(Video.slug == "vimeo-testimony"))
        assert video is not None
        video.title = "Retitled testimony"
        versions.bump_catalogue(session)
    changed = client.get("/feeds/videos.xml", headers=IDENTITY)
    assert changed.headers["etag"] != first.headers["etag"] and b"Retitled testimony" in changed.content
    assert cache.builds == builds + 1


def test_project_video_feeds_and_errors(client: TestClient) -> None:
    match = client.get("/feeds/projects/match/videos.xml", headers=IDENTITY)
    assert match.status_code == 200
    assert [e.title for e in feedparser.parse(match.content).entries] == [
        "MATCH video podcast",
        "Rob de Lobel presents MATCH",
    ]
    assert (
        client.get("/feeds/projects/match/videos.xml", headers={"If-None-Match": match.headers["etag"]}).status_code
        == 304
    )
    # The Rwandan project's only video has no link yet: nothing to watch, so no feed (and no empty one).
    assert client.get("/feeds/projects/rwandan-diaspora/videos.xml").status_code == 404
    assert client.get("/feeds/projects/nope/videos.xml").status_code == 404
    # The podcast feeds are untouched: the project's podcast feed and a show's feed still answer.
    assert client.get("/feeds/projects/match.xml").status_code == 200
    assert client.get("/feeds/match-podcast-en.xml").status_code == 200
