"""Feeds built from catalogue rows, read back by two real podcast clients (feedparser and gPodder's podcastparser)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
from feed_catalogue import NOW, Factory, podcastparser_read
from lxml import etree
from sqlalchemy.orm import Session

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.identity import podcast_guid_for
from media_catalogue.catalogue.models import DatePrecision, Episode, Show, Status
from media_catalogue.config import Settings
from media_catalogue.errors import NotFound
from media_catalogue.feeds.aggregate import build_catalogue_feed, build_project_feed
from media_catalogue.feeds.build import build_feed
from media_catalogue.feeds.podcast_ns import PODCAST_NS

GOLDEN = Path(__file__).parent / "golden"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
P20 = f"{{{PODCAST_NS}}}"


def rich_show(make: Factory) -> tuple[Show, Show, list[Episode]]:
    """A show with everything a feed can say, plus episodes that must never appear."""
    host = make.person("hanne-beirens", "Hanne Beirens", image_url="https://podcasts.example.org/artwork/hanne.jpg")
    guest = make.person("aissatou-cisse", "Aïssatou Cissé")
    dutch = make.show(
        "match-podcast-nl", title="MATCH Podcast (NL)", language="nl", translation_group="match", category="Business"
    )
    show = make.show(
        hosts=(host,),
        seasons={1: "IDAHOBIT 2021"},
        translation_group="match",
        funding_url="https://podcasts.example.org/support",
        funding_text="Support the project",
        license="CC-BY-4.0",
        copyright="© IOM 2024",
    )
    first = make.episode(
        show,
        "diaspora-insights",
        days_ago=20,
        number=1,
        season=1,
        title="Diaspora Insights with Aïssatou Cissé",
        transcripts=("en", "nl"),
        guests=(guest,),
        video=True,
        chapters=[{"startTime": 0, "title": "Intro"}, {"startTime": 60, "title": "Interview"}],
        show_notes="Notes with a [link](https://example.org/x) & <script>alert('x')</script> and **bold**.",
    )
    second = make.episode(show, "labour-shortages", days_ago=5, number=2, season=1, explicit=True)
    month_only = make.episode(show, "september", days_ago=30, date_precision=DatePrecision.month)
    make.episode(show, "draft", days_ago=3, status=Status.draft)
    make.episode(show, "scheduled-later", days_ago=-2, status=Status.scheduled)
    make.episode(show, "unpublished", days_ago=3, status=Status.unpublished)
    make.episode(show, "deleted", days_ago=3, deleted_at=NOW - timedelta(days=1))
    make.episode(show, "tomorrow", days_ago=-1)
    make.episode(show, "no-enclosure", days_ago=4, media=False)
    return show, dutch, [second, first, month_only]


@pytest.fixture
def rich(make: Factory, session: Session) -> tuple[Show, Show, list[Episode]]:
    return rich_show(make)


def everything(session: Session, show: Show) -> list[Episode]:
    """Every episode row of the show, drafts included: the builder must filter them itself."""
    session.flush()
    session.expire_all()
    return list(session.query(Episode).filter(Episode.show_id == show.id))


def test_feedparser_reads_every_live_episode_once(rich: Any, session: Session, settings: Settings) -> None:
    show, dutch, expected = rich
    data = build_feed(show, everything(session, show), settings, translations=[dutch], now=NOW)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert [entry.id for entry in parsed.entries] == [episode.guid for episode in expected]
    for entry, episode in zip(parsed.entries, expected, strict=True):
        media = episode.primary_media
        assert media is not None
        (enclosure,) = [link for link in entry.links if link.rel == "enclosure"]
        assert enclosure.href == f"https://podcasts.example.org/media/match-podcast-en/{episode.slug}.mp3"
        assert int(enclosure.length) == media.byte_length
        assert enclosure.type == "audio/mpeg"
        assert entry.itunes_duration == str(round((media.duration_ms or 0) / 1000))
        assert entry.guidislink is False
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == episode.published_at
        assert entry.title == episode.title
    first = parsed.entries[1]
    assert (
        first.podcast_chapters["url"] == "https://podcasts.example.org/chapters/match-podcast-en/diaspora-insights.json"
    )
    assert first.podcast_season == {"name": "IDAHOBIT 2021"}
    channel = parsed.feed
    assert channel.title == "MATCH Podcast"
    assert channel.language == "en"
    assert channel.podcast_guid == podcast_guid_for("https://podcasts.example.org/feeds/match-podcast-en.xml")


def test_podcastparser_reads_every_live_episode_once(rich: Any, session: Session, settings: Settings) -> None:
    show, dutch, expected = rich
    data = build_feed(show, everything(session, show), settings, translations=[dutch], now=NOW)
    parsed = podcastparser_read(data)
    assert [e["guid"] for e in parsed["episodes"]] == [episode.guid for episode in expected]
    for item, episode in zip(parsed["episodes"], expected, strict=True):
        media = episode.primary_media
        assert media is not None
        assert item["enclosures"] == [
            {
                "url": f"https://podcasts.example.org/media/match-podcast-en/{episode.slug}.mp3",
                "file_size": media.byte_length,
                "mime_type": "audio/mpeg",
            }
        ]
        assert item["total_time"] == round((media.duration_ms or 0) / 1000)
        assert item["published"] == int(episode.published_at.timestamp())  # type: ignore[union-attr]
    first = parsed["episodes"][1]
    assert first["chapters_json_url"] == "https://podcasts.example.org/chapters/match-podcast-en/diaspora-insights.json"
    assert first["transcript_url"].startswith("https://podcasts.example.org/transcripts/match-podcast-en/")
    assert first["persons"] == [
        {
            "name": "Aïssatou Cissé",
            "role": "guest",
            "group": "cast",
            "href": "https://podcasts.example.org/people/aissatou-cisse",
            "img": None,
        }
    ]
    assert first["season"] == 1 and first["number"] == 1
    assert parsed["episodes"][0]["explicit"] is True and first["explicit"] is False
    assert parsed["itunes_categories"] == [["Business", "Careers"]]
    assert parsed["itunes_owner"] == {"name": "MATCH team", "email": "match@iom.int"}
    assert parsed["explicit"] is False
    assert parsed["import_prohibited"] is True
    assert parsed["funding_url"] == "https://podcasts.example.org/support"
    assert parsed["cover_url"] == "https://podcasts.example.org/artwork/shows/match-podcast-en/artwork.jpg"


def test_channel_and_item_tags(rich: Any, session: Session, settings: Settings) -> None:
    show, dutch, _ = rich
    root = etree.fromstring(build_feed(show, everything(session, show), settings, translations=[dutch], now=NOW))
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext(f"{ITUNES}explicit") == "false"
    assert channel.findtext(f"{ITUNES}type") == "episodic"
    assert channel.findtext(f"{P20}medium") == "podcast"
    locked = channel.find(f"{P20}locked")
    assert locked is not None and locked.text == "yes" and locked.get("owner") == "match@iom.int"
    (host,) = channel.findall(f"{P20}person")
    assert (host.text, host.get("role"), host.get("img")) == (
        "Hanne Beirens",
        "host",
        "https://podcasts.example.org/artwork/hanne.jpg",
    )
    assert channel.findtext(f"{P20}license") == "CC-BY-4.0"
    assert channel.findtext("copyright") == "© IOM 2024"
    assert channel.findtext("link") == "https://podcasts.example.org/shows/match-podcast-en"
    links = {
        (a.get("rel"), a.get("hreflang")): a.get("href") for a in channel.iter("{http://www.w3.org/2005/Atom}link")
    }
    assert links[("self", None)] == "https://podcasts.example.org/feeds/match-podcast-en.xml"
    assert links[("alternate", "nl")] == "https://podcasts.example.org/feeds/match-podcast-nl.xml"
    assert ("hub", None) not in links
    items = channel.findall("item")
    assert items[0].findtext(f"{ITUNES}explicit") == "true"
    first = items[1]
    transcripts = [(t.get("language"), t.get("type"), t.get("url")) for t in first.findall(f"{P20}transcript")]
    assert transcripts == [
        ("en", "text/vtt", "https://podcasts.example.org/transcripts/match-podcast-en/diaspora-insights.en.vtt"),
        ("nl", "text/vtt", "https://podcasts.example.org/transcripts/match-podcast-en/diaspora-insights.nl.vtt"),
    ]
    (alternate,) = first.findall(f"{P20}alternateEnclosure")
    assert alternate.get("type") == "video/mp4" and alternate.get("length") == "88000000"
    source = alternate.find(f"{P20}source")
    assert source is not None
    assert source.get("uri") == "https://podcasts.example.org/media/match-podcast-en/diaspora-insights.video.mp4"
    assert first.findtext(f"{ITUNES}episodeType") == "full"
    assert first.find(f"{P20}season").get("name") == "IDAHOBIT 2021"  # type: ignore[union-attr]


def test_websub_hub_link(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    hub = settings.model_copy(update={"websub_hub_url": "https://pubsubhubbub.appspot.com/"})
    root = etree.fromstring(build_feed(show, [], hub, now=NOW))
    rels = {a.get("rel"): a.get("href") for a in root.iter("{http://www.w3.org/2005/Atom}link")}
    assert rels["hub"] == "https://pubsubhubbub.appspot.com/"


def test_every_url_is_absolute_under_base_url(rich: Any, session: Session, settings: Settings) -> None:
    show, dutch, _ = rich
    data = build_feed(show, everything(session, show), settings, translations=[dutch], now=NOW)
    root = etree.fromstring(data)
    urls = [value for element in root.iter() for key, value in element.attrib.items() if key in {"href", "url", "uri"}]
    urls += [e.text or "" for e in root.iter("link", "url")]
    assert len(urls) > 15
    for url in urls:
        assert url.startswith("https://podcasts.example.org/"), url


def test_never_lists_drafts_scheduled_unpublished_deleted_future_or_enclosureless(
    rich: Any, session: Session, settings: Settings
) -> None:
    show, _, _ = rich
    data = build_feed(show, everything(session, show), settings, now=NOW).decode()
    for slug in ("draft", "scheduled-later", "unpublished", "deleted", "tomorrow", "no-enclosure"):
        assert f"/{slug}" not in data


def test_scheduled_episode_appears_once_its_time_has_passed(
    make: Factory, session: Session, settings: Settings
) -> None:
    show = make.show()
    make.episode(show, "old", days_ago=3)
    make.episode(show, "at-noon-tomorrow", published_at=NOW + timedelta(days=1))
    rows = everything(session, show)
    before = feedparser.parse(build_feed(show, rows, settings, now=NOW + timedelta(hours=23, minutes=59)))
    after = feedparser.parse(build_feed(show, rows, settings, now=NOW + timedelta(days=1)))
    assert [e.link.rsplit("/", 1)[1] for e in before.entries] == ["old"]
    assert [e.link.rsplit("/", 1)[1] for e in after.entries] == ["at-noon-tomorrow", "old"]


def test_newest_first_whatever_the_input_order(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    for days in (7, 1, 30, 3, 3):
        make.episode(show, days_ago=days)
    rows = everything(session, show)
    rows.reverse()
    parsed = feedparser.parse(build_feed(show, rows, settings, now=NOW))
    times = [entry.published_parsed for entry in parsed.entries]
    assert len(times) == 5 and times == sorted(times, reverse=True)


def test_guid_and_enclosure_url_survive_edits(make: Factory, session: Session, settings: Settings) -> None:
    """Slug, title, file and show edits change the item's text, never its GUID (apps would duplicate it)."""
    show = make.show()
    other = make.show("other-show", title="Other")
    episode = make.episode(show, "first-slug", title="First title")
    guid = episode.guid
    before = podcastparser_read(build_feed(show, everything(session, show), settings, now=NOW))["episodes"]

    episode.slug = "renamed-slug"
    episode.title = "A new title"
    media = episode.primary_media
    assert media is not None
    media.byte_length = 20_000_000
    media.sha256 = "f" * 64
    media.duration_ms = 1_500_000
    versions.touch(session, show)
    after = podcastparser_read(build_feed(show, everything(session, show), settings, now=NOW))["episodes"]
    assert [e["guid"] for e in before] == [e["guid"] for e in after] == [guid]
    assert after[0]["title"] == "A new title"
    assert after[0]["enclosures"][0]["file_size"] == 20_000_000

    episode.show = other
    versions.touch(session, show, other)
    moved = podcastparser_read(build_feed(other, everything(session, other), settings, now=NOW))["episodes"]
    assert [e["guid"] for e in moved] == [guid]


def test_enclosure_length_and_placeholder(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    episode = make.episode(show, byte_length=123_456)
    data = build_feed(show, everything(session, show), settings, now=NOW)
    media = episode.primary_media
    assert media is not None
    media.is_placeholder = True
    assert build_feed(show, everything(session, show), settings, now=NOW) == data
    assert b'length="123456"' in data


def test_external_enclosure(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    make.episode(
        show,
        media=False,
        external_enclosure_url="https://cdn.example.net/ep.m4a",
        external_enclosure_length=4242,
        external_enclosure_type="audio/x-m4a",
    )
    (item,) = podcastparser_read(build_feed(show, everything(session, show), settings, now=NOW))["episodes"]
    assert item["enclosures"] == [
        {"url": "https://cdn.example.net/ep.m4a", "file_size": 4242, "mime_type": "audio/x-m4a"}
    ]


def test_month_precision_keeps_stored_time(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    stored = datetime(2021, 9, 1, 10, 0, tzinfo=UTC)
    make.episode(show, published_at=stored, date_precision=DatePrecision.month)
    (item,) = podcastparser_read(build_feed(show, everything(session, show), settings, now=NOW))["episodes"]
    assert item["published"] == int(stored.timestamp())


def test_show_notes_are_sanitized_once_not_escaped_twice(make: Factory, session: Session, settings: Settings) -> None:
    show = make.show()
    make.episode(
        show,
        show_notes=(
            'Tom & Jerry <script>alert("x")</script> <img src=x onerror=alert(1)> '
            "[click](javascript:alert(1)) [ok](https://example.org/?a=1&b=2) ]]> done"
        ),
    )
    parsed = feedparser.parse(build_feed(show, everything(session, show), settings, now=NOW))
    (entry,) = parsed.entries
    html = entry.content[0].value
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not fragment.xpath("//script | //img | //iframe | //*[@*[starts-with(name(), 'on')]]")
    assert all(href.startswith("https://") for href in fragment.xpath("//a/@href"))
    # What was markup in the notes is shown as text, escaped exactly once.
    assert '<script>alert("x")</script>' in fragment.text_content()
    # One HTML escape, as numeric character references (clients and the W3C engine read them best).
    assert '<a href="https://example.org/?a=1&#38;b=2"' in html
    assert "Tom &#38; Jerry" in html  # displays "Tom & Jerry"
    assert "&amp;" not in html and "&#38;amp;" not in html and "&#38;#38;" not in html
    assert "]]&#62; done" in html


def test_feed_is_deterministic(rich: Any, session: Session, settings: Settings) -> None:
    show, dutch, _ = rich
    rows = everything(session, show)
    assert build_feed(show, rows, settings, translations=[dutch], now=NOW) == build_feed(
        show, list(reversed(rows)), settings, translations=[dutch], now=NOW
    )


def test_catalogue_and_project_feeds(make: Factory, session: Session, settings: Settings) -> None:
    project = make.project("match", name="MATCH", description="Skills mobility.", contact_email="match@iom.int")
    en = make.show(project=project)
    nl = make.show("match-podcast-nl", language="nl", project=project)
    outside = make.show("office", title="Office channel")
    a = make.episode(en, "a", days_ago=1)
    b = make.episode(nl, "b", days_ago=2)
    c = make.episode(outside, "c", days_ago=3)
    make.episode(outside, "draft", days_ago=1, status=Status.draft)
    session.flush()
    session.expire_all()
    rows = list(session.query(Episode))
    everything_feed = feedparser.parse(build_catalogue_feed(rows, settings, now=NOW))
    assert [e.id for e in everything_feed.entries] == [a.guid, b.guid, c.guid]
    project_rows = [e for e in rows if e.show.project_id == project.id]
    project_feed = build_project_feed(project, project_rows, settings, now=NOW)
    parsed = podcastparser_read(project_feed)
    assert parsed["title"] == "MATCH"
    assert [e["guid"] for e in parsed["episodes"]] == [a.guid, b.guid]
    assert parsed["episodes"][1]["enclosures"][0]["url"] == "https://podcasts.example.org/media/match-podcast-nl/b.mp3"
    # Both are complete podcast feeds: everything Apple requires of a channel (issue 13, point 4).
    for data in (build_catalogue_feed(rows, settings, now=NOW), project_feed):
        channel = etree.fromstring(data).find("channel")
        assert channel is not None
        assert channel.findtext("language") in {"en", "nl"}
        assert (
            channel.find(f"{ITUNES}image").get("href")
            == "https://podcasts.example.org/artwork/shows/match-podcast-en/artwork.jpg"
        )
        assert channel.find(f"{ITUNES}category").get("text") == "Business"
        assert channel.findtext(f"{ITUNES}explicit") == "false"
        assert channel.findtext(f"{ITUNES}owner/{ITUNES}email") == "match@iom.int"
    assert etree.fromstring(project_feed).findtext("channel/language") == "en"  # the channel's own text
    # A project with no episode is not offered as a feed.
    empty = make.project("acp", name="ACP")
    with pytest.raises(NotFound):
        build_project_feed(empty, [], settings, now=NOW)


def test_golden_feed(rich: Any, session: Session, settings: Settings, database_url: str) -> None:
    """A reviewed feed. Regenerate with MEDIA_CATALOGUE_REGENERATE_GOLDEN=1 after an intended change."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one golden file is enough")
    show, dutch, _ = rich
    data = build_feed(show, everything(session, show), settings, translations=[dutch], now=NOW).decode()
    path = GOLDEN / "match-podcast-en.xml"
    if os.environ.get("MEDIA_CATALOGUE_REGENERATE_GOLDEN"):
        path.write_text(data, encoding="utf-8")

    def stable(text: str) -> str:
        return re.sub(r"<lastBuildDate>[^<]*</lastBuildDate>", "<lastBuildDate/>", text)

    assert stable(data) == stable(path.read_text(encoding="utf-8"))
