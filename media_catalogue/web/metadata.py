"""Metadata for the web: schema.org JSON-LD (PodcastSeries, PodcastEpisode, VideoObject, Person), the player's
source for an episode, and hreflang alternates between language versions. Pure functions of catalogue objects."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..catalogue.models import Episode, Person, Show, Video
from ..catalogue.providers import ProviderVideo
from ..text import plain_text
from ..urls import UrlPlan
from .templating import date_iso, iso_duration

ORGANISATION = {"@type": "Organization", "name": "IOM Belgium and Luxembourg", "url": "https://belgium.iom.int"}


@dataclass(frozen=True)
class Source:
    """What the player plays and the download link offers: always our stable enclosure URL."""

    url: str
    mime_type: str
    byte_length: int | None
    duration_ms: int | None


def _extension_of(url: str, mime_type: str | None) -> str:
    suffix = urlsplit(url).path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
    if suffix and suffix.isalnum() and len(suffix) <= 5:
        return suffix
    guessed = mimetypes.guess_extension(mime_type or "") or ".mp3"
    return guessed.lstrip(".")


def episode_source(episode: Episode, urls: UrlPlan) -> Source | None:
    show = episode.show
    media = episode.primary_media
    if media is not None:
        return Source(
            urls.enclosure(show.slug, episode.slug, media.extension, storage_key=media.storage_key), media.mime_type,
            media.byte_length,
            media.duration_ms,
        )  # fmt: skip
    if episode.external_enclosure_url:
        extension = _extension_of(episode.external_enclosure_url, episode.external_enclosure_type)
        return Source(
            episode.external_enclosure_url
            if urls.direct_enclosures
            else urls.enclosure(show.slug, episode.slug, extension),
            episode.external_enclosure_type or mimetypes.guess_type(f"x.{extension}")[0] or "audio/mpeg",
            episode.external_enclosure_length,
            None,
        )
    return None


def artwork_url(urls: UrlPlan, key: str | None, width: int | None = None) -> str | None:
    if not key:
        return None
    return urls.artwork(key) + (f"?w={width}" if width else "")


def episode_artwork(episode: Episode) -> str | None:
    return episode.artwork_key or episode.show.artwork_key


def provider_video(video: Video) -> ProviderVideo | None:
    if video.provider and video.provider_id and video.url:
        return ProviderVideo(video.provider, video.provider_id, video.url, video.start_seconds)
    return None


def alternates(current_lang: str, current_url: str, others: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """hreflang links: this version and every language version, each language once."""
    seen: dict[str, str] = {current_lang: current_url}
    for lang, url in others:
        seen.setdefault(lang, url)
    return sorted(seen.items())


def show_ld(show: Show, urls: UrlPlan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "PodcastSeries",
        "name": show.title,
        "description": plain_text(show.description, limit=500),
        "url": urls.show(show.slug),
        "inLanguage": show.language,
        "webFeed": urls.feed(show.slug),
        "author": {"@type": "Organization", "name": show.author} if show.author else ORGANISATION,
        "publisher": ORGANISATION,
    }
    if show.artwork_key:
        data["image"] = urls.artwork(show.artwork_key)
    return data


def person_ref(person: Person, urls: UrlPlan, role: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Person", "name": person.name, "url": urls.person(person.slug)}
    if person.affiliation:
        data["description"] = person.affiliation
    return data


def episode_ld(episode: Episode, urls: UrlPlan) -> dict[str, Any]:
    show = episode.show
    source = episode_source(episode, urls)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": episode.title,
        "url": urls.episode(show.slug, episode.slug),
        "inLanguage": show.language,
        "datePublished": date_iso(episode.published_at, episode.date_precision, show.timezone),
        "description": episode.summary or plain_text(episode.show_notes, limit=500),
        "partOfSeries": {"@type": "PodcastSeries", "name": show.title, "url": urls.show(show.slug)},
        "publisher": ORGANISATION,
    }
    if episode.number is not None:
        data["episodeNumber"] = episode.number
    if episode.season is not None:
        data["partOfSeason"] = {
            "@type": "PodcastSeason",
            "seasonNumber": episode.season,
            **({"name": name} if (name := show.season_name(episode.season)) else {}),
        }
    if source is not None:
        media: dict[str, Any] = {"@type": "AudioObject", "contentUrl": source.url, "encodingFormat": source.mime_type}
        if source.mime_type.startswith("video/"):
            media["@type"] = "VideoObject"
        if duration := iso_duration(source.duration_ms):
            media["duration"] = duration
            data["timeRequired"] = duration
        data["associatedMedia"] = media
    if image := episode_artwork(episode):
        data["image"] = urls.artwork(image)
    people = [person_ref(c.person, urls) for c in episode.credits]
    if people:
        data["actor"] = people
    return data


def video_ld(video: Video, urls: UrlPlan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": video.title,
        "description": plain_text(video.description, limit=500) or video.title,
        "url": urls.video(video.slug),
        "publisher": ORGANISATION,
    }
    if video.language:
        data["inLanguage"] = video.language
    if video.published_on:
        data["uploadDate"] = date_iso(video.published_on, video.date_precision)
    provider = provider_video(video)
    if provider is not None:
        data["embedUrl"] = provider.embed_url
        data["sameAs"] = provider.canonical_url
        if provider.thumbnail_url:
            data["thumbnailUrl"] = provider.thumbnail_url
    people = [person_ref(c.person, urls) for c in video.credits]
    if people:
        data["actor"] = people
    return data


def person_ld(person: Person, urls: UrlPlan) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": "https://schema.org", **person_ref(person, urls)}
    if person.bio:
        data["description"] = plain_text(person.bio, limit=500)
    elif person.affiliation:
        data["description"] = person.affiliation
    if person.link:
        data["sameAs"] = person.link
    return data
