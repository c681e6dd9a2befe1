"""What one feed item says, computed from a catalogue episode: the facts (URLs, sanitized descriptions, people,
transcripts, alternate enclosures) every feed writes the same way, whatever its channel (feeds.build for one show,
feeds.aggregate for several). Only listable episodes become items: live, with a GUID and an enclosure."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..catalogue.models import Credit, Episode, utcnow
from ..text import render_markdown, xml_safe
from ..urls import UrlPlan
from .descriptions import description_html, paragraph

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

# Our credit roles mapped onto the podcast namespace's person taxonomy (taxonomy.json): (role, group).
PERSON_ROLES: dict[str, tuple[str, str]] = {
    "host": ("host", "cast"),
    "co-host": ("co-host", "cast"),
    "guest-host": ("guest host", "cast"),
    "guest": ("guest", "cast"),
    "narrator": ("narrator", "cast"),
    "announcer": ("announcer", "cast"),
    "voice-actor": ("voice actor", "cast"),
    "reporter": ("reporter", "cast"),
    # The taxonomy has no "interviewer"; its Reporter is the on-air role that interviews subjects.
    "interviewer": ("reporter", "cast"),
    "moderator": ("host", "cast"),
    "producer": ("producer", "creative direction"),
    "executive-producer": ("executive producer", "creative direction"),
    "director": ("director", "creative direction"),
    "writer": ("writer", "writing"),
    "author": ("author", "writing"),
    "researcher": ("researcher", "writing"),
    "translator": ("translator", "writing"),
    "editor": ("editor", "writing"),
    "audio-editor": ("audio editor", "audio post-production"),
    "sound-designer": ("sound designer", "audio post-production"),
    "composer": ("composer", "audio post-production"),
    "audio-engineer": ("audio engineer", "audio production"),
}
TRANSCRIPT_TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip"}


def person_role(role: str) -> tuple[str, str] | None:
    return PERSON_ROLES.get(role.strip().lower().replace(" ", "-").replace("_", "-"))


@functools.lru_cache(maxsize=4096)
def show_notes_html(source: str) -> str:
    """Sanitized HTML of show notes. Memoized: a feed is rebuilt after every change, but notes rarely change."""
    return render_markdown(source)


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    type: str


@dataclass(frozen=True)
class Item:
    """Everything one <item> says, computed from an episode; feedgen (or any other writer) serializes it."""

    guid: str
    title: str
    link: str
    published_at: datetime
    description: str  # sanitized HTML (feeds.descriptions), written in CDATA
    content_html: str
    enclosure: Enclosure
    explicit: bool
    episode_type: str
    duration: int | None = None
    number: int | None = None
    season: int | None = None
    season_name: str | None = None
    image: str | None = None
    chapters_url: str | None = None
    transcripts: tuple[dict[str, str], ...] = ()
    people: tuple[dict[str, str], ...] = ()
    alternates: tuple[dict[str, Any], ...] = ()
    updated_at: datetime = field(default=EPOCH)


def enclosure_of(episode: Episode, urls: UrlPlan) -> Enclosure | None:
    """The episode's enclosure: our primary media file (stable /media URL, exact stored length), else the
    external one. None when there is none (such an episode is left out and reported by the checker)."""
    media = episode.primary_media
    if media is not None:
        url = urls.enclosure(episode.show.slug, episode.slug, media.extension, storage_key=media.storage_key)
        return Enclosure(url=url, length=int(media.byte_length), type=media.mime_type)
    if episode.external_enclosure_url:
        return Enclosure(
            url=episode.external_enclosure_url,
            length=int(episode.external_enclosure_length or 0),
            type=episode.external_enclosure_type or "audio/mpeg",
        )
    return None


def people(credits: Iterable[Credit], urls: UrlPlan) -> tuple[dict[str, str], ...]:
    people = []
    for credit in credits:
        person = credit.person
        mapped = person_role(credit.role)
        role, group = mapped if mapped else (credit.role.strip().lower(), "cast")
        entry = {"name": xml_safe(person.name), "role": role, "group": group, "href": urls.person(person.slug)}
        if person.image_url:
            entry["img"] = person.image_url
        people.append(entry)
    return tuple(people)


def episode_item(episode: Episode, urls: UrlPlan) -> Item | None:
    """The feed item for an episode, or None when it cannot be listed (no GUID yet, or no enclosure)."""
    enclosure = enclosure_of(episode, urls)
    if enclosure is None or not episode.guid or episode.published_at is None:
        return None
    show = episode.show
    media = episode.primary_media
    duration = None
    if media is not None and media.duration_ms:
        duration = max(1, round(media.duration_ms / 1000))
    elif media is None and episode.external_duration_ms:  # an imported episode whose file stays at the old host
        duration = max(1, round(episode.external_duration_ms / 1000))
    description = description_html(episode.summary or "") or description_html(episode.show_notes or "")
    title = xml_safe(episode.title).strip() or episode.slug
    alternates = []
    for alternate in episode.alternate_media:
        entry: dict[str, Any] = {
            "type": alternate.mime_type,
            "length": int(alternate.byte_length),
            "sources": [
                {
                    "uri": urls.enclosure(
                        show.slug,
                        episode.slug,
                        alternate.extension,
                        role=alternate.role,
                        storage_key=alternate.storage_key,
                    )
                }
            ],
        }
        if alternate.bitrate:
            entry["bitrate"] = alternate.bitrate
        if alternate.height:
            entry["height"] = alternate.height
        if alternate.title:
            entry["title"] = xml_safe(alternate.title)[:32]
        alternates.append(entry)
    transcripts = tuple(
        {
            "url": urls.transcript(show.slug, episode.slug, transcript.language, transcript.format),
            "type": transcript.mime_type or TRANSCRIPT_TYPES.get(transcript.format, "text/plain"),
            "language": transcript.language,
            # VTT and SRT are timed: apps may show them as closed captions.
            **({"rel": "captions"} if transcript.format in TRANSCRIPT_TYPES else {}),
        }
        for transcript in episode.transcripts
        if transcript.language
    )
    return Item(
        guid=episode.guid,
        title=title,
        link=urls.episode(show.slug, episode.slug),
        published_at=episode.published_at,
        description=description or paragraph(title),
        content_html=show_notes_html(episode.show_notes) if episode.show_notes else "",
        enclosure=enclosure,
        explicit=show.explicit if episode.explicit is None else episode.explicit,
        episode_type=str(episode.episode_type.value if hasattr(episode.episode_type, "value") else "full"),
        duration=duration,
        number=episode.number,
        season=episode.season,
        season_name=show.season_name(episode.season) if episode.season is not None else None,
        image=urls.artwork(episode.artwork_key) if episode.artwork_key else None,
        chapters_url=urls.chapters(show.slug, episode.slug) if episode.chapters else None,
        transcripts=transcripts,
        people=people(episode.credits, urls),
        alternates=tuple(alternates),
        updated_at=max(episode.updated_at or EPOCH, episode.published_at),
    )


def live_in_order(episodes: Iterable[Episode], now: datetime | None = None) -> list[Episode]:
    """Live episodes newest first (ties broken by id, like the queries)."""
    now = now or utcnow()
    live = [e for e in episodes if e.is_live(now)]
    live.sort(key=lambda e: (e.published_at, e.id or 0), reverse=True)
    return live
