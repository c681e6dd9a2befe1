"""Feeds as pure functions of catalogue objects: build_feed(show, episodes, settings) -> RSS bytes.

feedgen writes RSS 2.0 with its iTunes extension (itunes.py: explicit as true/false), our Podcasting 2.0 extension
(podcast_ns.py) and the atom links feedgen omits (links.py). The same catalogue state always gives the same bytes
(lastBuildDate comes from the catalogue, not the clock), so every worker process computes the same strong ETag.

What enters a feed is decided here too, as a second guard behind the queries: only live episodes (published, not
deleted, publication time passed), with a GUID and an enclosure, newest first (feeds.items). The feed checker
reports the ones left out. A feed is its channel with the serialized items spliced in before `</channel>`: each
item is serialized once and kept until its episode changes (feeds.itemcache), for every feed that lists it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from .. import __version__
from ..catalogue.identity import podcast_guid_for
from ..catalogue.models import Episode, Show
from ..config import Settings
from ..text import xml_safe
from ..urls import UrlPlan
from .descriptions import cdata, character_references, description_html, paragraph
from .itemcache import ITEMS, BuiltItem, ItemCache, fingerprint
from .items import EPOCH, Item, episode_item, live_in_order, people
from .itunes import AppleEntryExtension, AppleExtension
from .links import AtomLinksEntryExtension, AtomLinksExtension
from .podcast_ns import PodcastIndexEntryExtension, PodcastIndexExtension

RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
GENERATOR = f"media-catalogue {__version__}"


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


def last_build(shows: Iterable[Show], built: Iterable[BuiltItem]) -> datetime:
    """What lastBuildDate says: the newest change of the channel's shows and of its listed items."""
    times = [show.updated_at or EPOCH for show in shows] + [item.updated_at for item in built if item.updated_at]
    return max(times, default=EPOCH)


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
    built = built_items(live_in_order(episodes, now), UrlPlan(settings), settings, cache)
    channel = _channel(show, settings, translations, last_build([show, *translations], built))
    return splice(channel, built)


def splice(channel: bytes, built: Sequence[BuiltItem]) -> bytes:
    """A channel's feed (written without items) with the serialized items before its `</channel>`."""
    end = channel.rindex(_CHANNEL_END)
    return b"".join([channel[:end], *(item.xml for item in built), channel[end:]])


_CHANNEL_END = b"  </channel>"
_ITEM_START = b"    <item>\n"


def built_items(
    live: list[Episode], urls: UrlPlan, settings: Settings, cache: ItemCache | None = ITEMS
) -> list[BuiltItem]:
    """Each live episode's serialized item (b"" when it cannot be listed), from `cache` or, for the ones missing,
    serialized in one pass; the bytes are the same with or without a cache."""
    cache = cache if cache is not None else ItemCache(0)
    keys = [fingerprint(episode, urls) for episode in live]
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
    for person in people(show.credits, urls):
        p20.person(dict(person))
    for other in translations:
        fg.atomlinks.link(
            rel="alternate", href=urls.feed(other.slug), type="application/rss+xml", hreflang=other.language,
            title=xml_safe(other.title),
        )  # fmt: skip
    return character_references(bytes(fg.rss_str(pretty=True)))
