"""Catalogue rows made directly in the test database (no loader, no storage): shows, episodes with media files,
transcripts, chapters and credits, as feeds see them."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import podcastparser
from sqlalchemy.orm import Session

from media_catalogue.catalogue.identity import podcast_guid_for
from media_catalogue.catalogue.models import (
    Credit,
    Episode,
    MediaFile,
    Person,
    Project,
    Season,
    Show,
    Status,
    Transcript,
)
from media_catalogue.config import Settings
from media_catalogue.feeds.podcast_ns import PODCAST_NS
from media_catalogue.urls import UrlPlan

NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)


class Factory:
    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.urls = UrlPlan(settings)
        self.counter = itertools.count(1)  # per test, so that the golden feed does not depend on test order

    def project(self, slug: str = "match", **fields: Any) -> Project:
        project = Project(slug=slug, name=fields.pop("name", slug.upper()), **fields)
        self.session.add(project)
        self.session.flush()
        return project

    def person(self, slug: str, name: str | None = None, **fields: Any) -> Person:
        person = Person(slug=slug, name=name or slug.replace("-", " ").title(), **fields)
        self.session.add(person)
        self.session.flush()
        return person

    def show(self, slug: str = "match-podcast-en", *, hosts: tuple[Person, ...] = (), **fields: Any) -> Show:
        seasons = fields.pop("seasons", {})
        values: dict[str, Any] = {
            "title": "MATCH Podcast",
            "description": "Conversations on **labour migration** between Africa and Europe.",
            "author": "IOM Belgium and Luxembourg",
            "owner_name": "MATCH team",
            "owner_email": "match@iom.int",
            "language": "en",
            "category": "Business",
            "subcategory": "Careers",
            "artwork_key": f"shows/{slug}/artwork.jpg",
            "podcast_guid": podcast_guid_for(self.urls.feed(slug)),
            "created_at": NOW - timedelta(days=400),
            "updated_at": NOW - timedelta(days=30),
        }
        values.update(fields)
        show = Show(slug=slug, **values)
        for number, name in seasons.items():
            show.seasons.append(Season(number=number, name=name))
        for position, person in enumerate(hosts):
            show.credits.append(Credit(person=person, role="host", position=position))
        self.session.add(show)
        self.session.flush()
        return show

    def episode(
        self,
        show: Show,
        slug: str | None = None,
        *,
        days_ago: float = 10,
        media: bool = True,
        duration_ms: int | None = 1_234_567,
        byte_length: int = 19_753_111,
        transcripts: tuple[str, ...] = (),
        guests: tuple[Person, ...] = (),
        video: bool = False,
        **fields: Any,
    ) -> Episode:
        n = next(self.counter)
        slug = slug or f"episode-{n}"
        published_at = fields.pop("published_at", NOW - timedelta(days=days_ago))
        values: dict[str, Any] = {
            "title": f"Episode {n}",
            "summary": f"Summary of episode {n}.",
            "show_notes": f"Show notes of *episode {n}*.",
            "status": Status.published,
            "guid": f"{show.podcast_guid}/{slug}",
            "created_at": published_at - timedelta(days=1),
            "updated_at": published_at - timedelta(hours=1),
        }
        values.update(fields)
        episode = Episode(show=show, slug=slug, published_at=published_at, **values)
        if media:
            episode.media_files.append(
                MediaFile(
                    role="primary",
                    storage_key=f"media/{show.slug}/{slug}.mp3",
                    extension="mp3",
                    mime_type="audio/mpeg",
                    byte_length=byte_length,
                    sha256="0" * 64,
                    duration_ms=duration_ms,
                    bitrate=128_000,
                )
            )
        if video:
            episode.media_files.append(
                MediaFile(
                    role="video",
                    position=1,
                    storage_key=f"media/{show.slug}/{slug}.video.mp4",
                    extension="mp4",
                    mime_type="video/mp4",
                    byte_length=88_000_000,
                    sha256="1" * 64,
                    duration_ms=duration_ms,
                    bitrate=1_500_000,
                    height=720,
                )
            )
        for language in transcripts:
            episode.transcripts.append(
                Transcript(
                    language=language,
                    format="vtt",
                    mime_type="text/vtt",
                    storage_key=f"transcripts/{show.slug}/{slug}.{language}.vtt",
                    byte_length=100,
                )
            )
        for position, person in enumerate(guests):
            episode.credits.append(Credit(person=person, role="guest", position=position))
        self.session.add(episode)
        self.session.flush()
        return episode


# podcastparser 0.6.11 only knows the podcast namespace under its old GitHub URI; the official URI is what apps
# and Apple's validator expect, so the feed uses it and the test shows podcastparser the same elements under the
# URI it knows.
_PODCASTPARSER_NS = b"https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"


def podcastparser_read(data: bytes, url: str = "https://podcasts.example.org/feeds/x.xml") -> dict[str, Any]:
    return podcastparser.parse(url, io.BytesIO(data.replace(PODCAST_NS.encode(), _PODCASTPARSER_NS)))  # type: ignore[no-any-return]
