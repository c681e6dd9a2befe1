"""Feeds as pure functions of catalogue objects: build_feed(show, episodes, settings) -> RSS bytes.

feedgen writes RSS 2.0 with its iTunes extension (itunes.py: explicit as true/false), our Podcasting 2.0 extension
(podcast_ns.py) and the atom links feedgen omits (links.py). The same catalogue state always gives the same bytes
(lastBuildDate comes from the catalogue, not the clock), so every worker process computes the same strong ETag.

What enters a feed is decided here too, as a second guard behind the queries: only live episodes (published, not
deleted, publication time passed), with a GUID and an enclosure, newest first. The feed checker reports the ones
left out.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from .. import __version__
from ..catalogue.identity import podcast_guid_for
from ..catalogue.models import Credit, Episode, Show, utcnow
from ..config import Settings
from ..text import render_markdown, xml_safe
from ..urls import UrlPlan
from .descriptions import cdata, character_references, description_html, paragraph
from .itemcache import ITEMS, BuiltItem, ItemCache, fingerprint
from .itunes import AppleEntryExtension, AppleExtension
from .links import AtomLinksEntryExtension, AtomLinksExtension
from .podcast_ns import PodcastIndexEntryExtension, PodcastIndexExtension

RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
GENERATOR = f"media-catalogue {__version__}"
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


def _people(credits: Iterable[Credit], urls: UrlPlan) -> tuple[dict[str, str], ...]:
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
        people=_people(episode.credits, urls),
        alternates=tuple(alternates),
        updated_at=max(episode.updated_at or EPOCH, episode.published_at),
    )


def live_in_order(episodes: Iterable[Episode], now: datetime | None = None) -> list[Episode]:
    """Live episodes newest first (ties broken by id, like the queries)."""
    now = now or utcnow()
    live = [e for e in episodes if e.is_live(now)]
    live.sort(key=lambda e: (e.published_at, e.id or 0), reverse=True)
    return live


def feed_items(episodes: Iterable[Episode], urls: UrlPlan, *, now: datetime | None = None) -> list[Item]:
    """Live, listable episodes as items, newest first (ties broken by id, like the queries)."""
    return [item for item in (episode_item(e, urls) for e in live_in_order(episodes, now)) if item is not None]


def new_feed(settings: Settings) -> tuple[FeedGenerator, UrlPlan]:
    fg = FeedGenerator()
    fg.register_extension("podcast", AppleExtension, AppleEntryExtension, atom=False)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False)
    fg.register_extension("atomlinks", AtomLinksExtension, AtomLinksEntryExtension, atom=False)
    fg.generator(GENERATOR)
    if settings.websub_hub_url:
        fg.atomlinks.link(rel="hub", href=settings.websub_hub_url)
    return fg, UrlPlan(settings)


def add_items(fg: FeedGenerator, items: Sequence[Item]) -> None:
    for item in items:
        entry = fg.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.link)
        entry.guid(item.guid, permalink=False)
        entry.pubDate(item.published_at)
        entry.description(cdata(item.description))
        if item.content_html:
            entry.content(item.content_html, type="CDATA")
        entry.enclosure(item.enclosure.url, str(item.enclosure.length), item.enclosure.type)
        itunes = entry.podcast
        if item.duration:
            itunes.itunes_duration(item.duration)
        if item.number is not None:
            itunes.itunes_episode(item.number)
        if item.season is not None:
            itunes.itunes_season(item.season)
        itunes.itunes_episode_type(item.episode_type)
        if item.image:
            itunes.itunes_image(item.image)
        itunes.itunes_explicit(item.explicit)
        p20 = entry.podcastindex
        if item.season is not None:
            p20.season(item.season, name=item.season_name)
        if item.number is not None:
            p20.episode(item.number)
        for transcript in item.transcripts:
            p20.transcript(dict(transcript))
        if item.chapters_url:
            p20.chapters(item.chapters_url)
        for person in item.people:
            p20.person(dict(person))
        for alternate in item.alternates:
            p20.alternate_enclosure({**alternate, "sources": [dict(s) for s in alternate["sources"]]})


def last_build(shows: Iterable[Show], items: Sequence[Item]) -> datetime:
    times = [show.updated_at or EPOCH for show in shows] + [item.updated_at for item in items]
    return max(times, default=EPOCH)


def _channel_people(show: Show, urls: UrlPlan) -> tuple[dict[str, str], ...]:
    return _people(show.credits, urls)


def build_feed(
    show: Show,
    episodes: Iterable[Episode],
    settings: Settings,
    *,
    translations: Sequence[Show] = (),
    now: datetime | None = None,
    cache: ItemCache | None = ITEMS,
) -> bytes:
    """The RSS feed of one show: its live episodes newest first. `translations` are the same series in other
    languages (linked with atom:link rel=alternate hreflang). Items come from `cache` when their episode has not
    changed (feeds.itemcache); the bytes are the same with or without it."""
    urls = UrlPlan(settings)
    built = _built_items(live_in_order(episodes, now), urls, settings, cache if cache is not None else ItemCache(0))
    stamps = [item.updated_at for item in built if item.updated_at is not None]
    channel = _channel(show, settings, translations, max([show.updated_at or EPOCH, *stamps,
                       *(other.updated_at or EPOCH for other in translations)]))  # fmt: skip
    end = channel.rindex(_CHANNEL_END)
    return b"".join([channel[:end], *(item.xml for item in built), channel[end:]])


_CHANNEL_END = b"  </channel>"
_ITEM_START = b"    <item>\n"


def _built_items(live: list[Episode], urls: UrlPlan, settings: Settings, cache: ItemCache) -> list[BuiltItem]:
    """Each live episode's serialized item, from the cache or, for the ones missing, serialized in one pass."""
    keys = [fingerprint(episode, urls.base) for episode in live]
    found: list[BuiltItem | None] = [cache.get(e.id, key) for e, key in zip(live, keys, strict=True)]
    missing = [n for n, item in enumerate(found) if item is None]
    items = {n: episode_item(live[n], urls) for n in missing}
    listed = [n for n in missing if items[n] is not None]
    serialized = dict(zip(listed, _serialize([items[n] for n in listed], settings), strict=True))  # type: ignore[misc]
    for n in missing:
        item = items[n]
        built = BuiltItem(serialized[n], item.updated_at) if item is not None else BuiltItem(b"", None)
        cache.put(live[n].id, keys[n], built)
        found[n] = built
    return [item for item in found if item is not None]


def _serialize(items: Sequence[Item], settings: Settings) -> list[bytes]:
    """The `<item>` elements exactly as a feed with them writes them: written in one document, cut at the item
    boundaries (an item's own text never holds a line that is exactly "    <item>": its HTML is in CDATA and
    sanitized, other text escaped); one document per item if the cut does not give one piece per item."""
    if not items:
        return []
    fg, _ = new_feed(settings)
    fg.title("items")
    fg.link(href="https://example.invalid/", rel="alternate")
    fg.description("items")
    add_items(fg, items)
    document = character_references(bytes(fg.rss_str(pretty=True)))
    start, end = document.find(_ITEM_START), document.rindex(_CHANNEL_END)
    pieces = [_ITEM_START + piece for piece in document[start:end].split(_ITEM_START)[1:]]
    if start >= 0 and len(pieces) == len(items):
        return pieces
    if len(items) == 1:
        raise RuntimeError("a feed item could not be cut out of its document")
    return [piece for item in items for piece in _serialize([item], settings)]


def _channel(show: Show, settings: Settings, translations: Sequence[Show], last: datetime) -> bytes:
    """The feed of the show without its items (they go before `</channel>`)."""
    fg, urls = new_feed(settings)
    feed_url = urls.feed(show.slug)
    title = xml_safe(show.title).strip() or show.slug
    fg.title(title)
    # feedgen uses the last link given as the RSS <link>: the self link first.
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=urls.show(show.slug), rel="alternate")
    fg.description(cdata(description_html(show.description or "") or paragraph(title)))
    fg.language(show.language)
    if show.copyright:
        fg.copyright(xml_safe(show.copyright))
    fg.lastBuildDate(last)
    artwork = urls.artwork(show.artwork_key) if show.artwork_key else None
    if artwork:
        fg.image(url=artwork, title=title, link=urls.show(show.slug))

    itunes = fg.podcast
    itunes.itunes_author(xml_safe(show.author) or title)
    if show.owner_email:  # feedgen writes itunes:owner only with both; the checker reports a missing email
        itunes.itunes_owner(name=xml_safe(show.owner_name) or title, email=show.owner_email)
    if artwork:
        itunes.itunes_image(artwork)
    if show.category:
        category: dict[str, str] = {"cat": show.category}
        if show.subcategory:
            category["sub"] = show.subcategory
        itunes.itunes_category(category)
    itunes.itunes_explicit(bool(show.explicit))
    itunes.itunes_type(str(show.show_type.value if hasattr(show.show_type, "value") else show.show_type))
    if show.complete:
        itunes.itunes_complete("yes")
    if show.subtitle:
        itunes.itunes_subtitle(xml_safe(show.subtitle))
    if show.new_feed_url:  # moved out (move-feed): apps move their subscription there
        itunes.itunes_new_feed_url(show.new_feed_url)

    p20 = fg.podcastindex
    p20.guid(show.podcast_guid or podcast_guid_for(feed_url))
    p20.locked(bool(show.locked), owner=show.owner_email or None)
    p20.medium(show.medium or "podcast")
    if show.funding_url:
        p20.funding(url=show.funding_url, text=xml_safe(show.funding_text or "Support us")[:128])
    if show.license:
        p20.license(xml_safe(show.license))
    for person in _channel_people(show, urls):
        p20.person(dict(person))
    for other in translations:
        fg.atomlinks.link(
            rel="alternate", href=urls.feed(other.slug), type="application/rss+xml", hreflang=other.language,
            title=xml_safe(other.title),
        )  # fmt: skip
    return character_references(bytes(fg.rss_str(pretty=True)))
