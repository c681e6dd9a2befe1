"""An RSS 2.0 podcast feed to plain dataclasses: what the show and each episode say, the GUID rules, and a `warning`
line for everything that cannot be mapped (naming the item and the field).

GUID rules (never changed by the importer, since podcast apps key on them):
- the text of <guid> after XML decoding (entities, CDATA), with surrounding XML whitespace (space, tab, CR, LF)
  stripped, exactly, whatever isPermaLink says: never resolved, never lower-cased, query and fragment kept;
- missing or empty: the URL of the media enclosure, resolved against xml:base or the feed's URL when relative;
- items sharing a GUID are one episode: the first in document order, with a warning naming the others;
- an item without an audio or video enclosure is skipped with a warning. The enclosure is the first whose type is
  audio/* or video/*, else the first that is not image/*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from .document import ITUNES, MEDIA, PODCAST, Document, local_name, namespace_of, refuse, rss_channel
from .values import (
    Enclosure,
    PersonData,
    children,
    first,
    iso_or_rfc822,
    resolve,
    seconds_of,
    text_of,
    whole_number,
    yes_no,
)

XML_WHITESPACE = " \t\r\n"

# Elements read for the show; everything else a channel says becomes a warning, except what is regenerated here.
CHANNEL_IGNORED = {
    ("", "lastBuildDate"), ("", "pubDate"), ("", "generator"), ("", "docs"), ("", "ttl"), ("atom", "link"),
    ("", "item"), ("", "managingEditor"), ("", "webMaster"), (ITUNES, "summary"), (ITUNES, "new-feed-url"),
}  # fmt: skip
ITEM_READ = {
    ("", "title"), ("", "guid"), ("", "link"), ("", "pubDate"), ("", "description"), ("", "enclosure"),
    ("content", "encoded"), (ITUNES, "title"), (ITUNES, "subtitle"), (ITUNES, "summary"), (ITUNES, "duration"),
    (ITUNES, "episode"), (ITUNES, "season"), (ITUNES, "episodeType"), (ITUNES, "explicit"), (ITUNES, "image"),
    (PODCAST, "person"), (PODCAST, "chapters"), (PODCAST, "transcript"), (PODCAST, "alternateEnclosure"),
    (PODCAST, "season"), (PODCAST, "episode"), (ITUNES, "author"), (MEDIA, "content"),
}  # fmt: skip


@dataclass
class ItemData:
    position: int  # 1-based, in document order
    guid: str
    title: str
    enclosure: Enclosure
    link: str | None = None
    published_at: datetime | None = None
    summary: str = ""
    notes_html: str = ""
    duration_seconds: int | None = None
    number: int | None = None
    season: int | None = None
    season_name: str | None = None
    episode_type: str = "full"
    explicit: bool | None = None
    image_url: str | None = None
    people: list[PersonData] = field(default_factory=list)
    chapters_url: str | None = None
    transcripts: list[tuple[str, str, str | None]] = field(default_factory=list)  # (url, type, language)
    alternates: list[Enclosure] = field(default_factory=list)


@dataclass
class ShowData:
    title: str
    description_html: str = ""
    subtitle: str = ""
    language: str | None = None
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    category: str = ""
    subcategory: str | None = None
    explicit: bool = False
    show_type: str = "episodic"
    image_url: str | None = None
    website: str | None = None
    copyright: str = ""
    funding_url: str | None = None
    funding_text: str | None = None
    license: str | None = None
    people: list[PersonData] = field(default_factory=list)
    locked: bool | None = None
    locked_owner: str | None = None
    podcast_guid: str | None = None
    self_url: str | None = None
    new_feed_url: str | None = None
    complete: bool = False


@dataclass
class ParsedFeed:
    show: ShowData
    items: list[ItemData]
    warnings: list[str]

    @property
    def owner_address(self) -> str:
        return self.show.locked_owner or self.show.owner_email or "(the feed names no owner address)"


def _warn_unknown(parent: etree._Element, read: set[tuple[str, str]], where: str, warnings: list[str]) -> None:
    seen: set[str] = set()
    for child in children(parent):
        key = (namespace_of(child), local_name(child))
        if key in read:
            continue
        prefix = (child.prefix or key[0]) if etree.QName(child).namespace else ""
        name = f"{prefix}:{key[1]}" if prefix else key[1]
        if name not in seen:
            seen.add(name)
            warnings.append(f"warning: {where}: <{name}> is not imported")


def _people(parent: etree._Element, base: str | None, default_role: str) -> list[PersonData]:
    people = []
    for element in children(parent, PODCAST, "person"):
        name = text_of(element)
        if name:
            people.append(
                PersonData(
                    name=name,
                    role=(element.get("role") or default_role).strip().lower(),
                    href=resolve(element.get("href"), base),
                    img=resolve(element.get("img"), base),
                )
            )
    return people


def choose_enclosure(item: etree._Element, base: str | None) -> Enclosure | None:
    enclosures = children(item, "", "enclosure")
    usable = [e for e in enclosures if (e.get("url") or "").strip(XML_WHITESPACE)]
    chosen = next((e for e in usable if (e.get("type") or "").strip().lower().startswith(("audio/", "video/"))), None)
    if chosen is None:
        chosen = next((e for e in usable if not (e.get("type") or "").strip().lower().startswith("image/")), None)
    if chosen is None:
        return None
    url = resolve(chosen.get("url"), base)
    if url is None:
        return None
    return Enclosure(url=url, length=whole_number(chosen.get("length")), type=(chosen.get("type") or "").strip())


def item_guid(item: etree._Element, enclosure: Enclosure) -> tuple[str, bool]:
    """The item's GUID, and whether it came from the enclosure (no <guid>, or an empty one)."""
    guid = first(item, "", "guid")
    text = "".join(str(part) for part in guid.itertext()).strip(XML_WHITESPACE) if guid is not None else ""
    return (text, False) if text else (enclosure.url, True)


def _item(element: etree._Element, position: int, feed_url: str | None, warnings: list[str]) -> ItemData | None:
    base = element.base or feed_url
    title = text_of(first(element, "", "title")) or text_of(first(element, ITUNES, "title"))
    where = f'item {position} "{title[:60]}"' if title else f"item {position}"
    enclosure = choose_enclosure(element, base)
    if enclosure is None:
        enclosures = children(element, "", "enclosure")
        if not enclosures:
            why = "it has no enclosure"
        elif all((e.get("type") or "").strip().lower().startswith("image/") for e in enclosures):
            why = "its only enclosures are images"
        else:
            why = "its enclosure URL is empty, or relative with no xml:base or feed URL to resolve it against"
        warnings.append(f"warning: {where}: skipped, {why} (no audio or video to import)")
        return None
    guid, from_enclosure = item_guid(element, enclosure)
    if from_enclosure:
        warnings.append(f"warning: {where}: no <guid>; the enclosure URL is its GUID: {guid}")
    item = ItemData(position=position, guid=guid, title=title or f"Episode {position}", enclosure=enclosure)
    item.link = resolve(text_of(first(element, "", "link")) or None, base)
    item.published_at = iso_or_rfc822(text_of(first(element, "", "pubDate")), where, warnings)
    item.summary = text_of(first(element, ITUNES, "subtitle"))
    content = first(element, "content", "encoded")
    description = first(element, "", "description")
    summary = first(element, ITUNES, "summary")
    item.notes_html = next((text_of(e) for e in (content, description, summary) if e is not None and text_of(e)), "")
    item.duration_seconds = seconds_of(text_of(first(element, ITUNES, "duration")), where, warnings)
    item.number = whole_number(
        text_of(first(element, ITUNES, "episode")) or text_of(first(element, PODCAST, "episode"))
    )
    season = first(element, PODCAST, "season")
    item.season = whole_number(text_of(first(element, ITUNES, "season")) or text_of(season))
    item.season_name = (season.get("name") or "").strip() or None if season is not None else None
    kind = text_of(first(element, ITUNES, "episodeType")).lower()
    if kind and kind not in ("full", "trailer", "bonus"):
        warnings.append(f"warning: {where}: itunes:episodeType {kind!r} is not full, trailer or bonus; read as full")
    item.episode_type = kind if kind in ("trailer", "bonus") else "full"
    item.explicit = yes_no(text_of(first(element, ITUNES, "explicit")))
    image = first(element, ITUNES, "image")
    item.image_url = resolve(image.get("href") if image is not None else None, base)
    item.people = _people(element, base, "guest")
    chapters = first(element, PODCAST, "chapters")
    item.chapters_url = resolve(chapters.get("url") if chapters is not None else None, base)
    for transcript in children(element, PODCAST, "transcript"):
        url = resolve(transcript.get("url"), base)
        if url:
            item.transcripts.append((url, (transcript.get("type") or "").strip().lower(), transcript.get("language")))
    for alternate in children(element, PODCAST, "alternateEnclosure"):
        source = first(alternate, PODCAST, "source")
        url = resolve(source.get("uri") if source is not None else None, base)
        if url and url != enclosure.url:
            item.alternates.append(
                Enclosure(url, whole_number(alternate.get("length")), (alternate.get("type") or "").strip())
            )
    for media in children(element, MEDIA, "content"):
        warnings.append(f"warning: {where}: <media:content url={media.get('url')!r}> is not imported")
    _warn_unknown(element, ITEM_READ, where, warnings)
    return item


def _show(channel: etree._Element, feed_url: str | None, warnings: list[str]) -> ShowData:
    base = channel.base or feed_url
    show = ShowData(title=text_of(first(channel, "", "title")) or text_of(first(channel, ITUNES, "title")))
    if not show.title:
        warnings.append("warning: channel: no <title>; the show gets its slug as title")
    description = first(channel, "", "description")
    summary = first(channel, ITUNES, "summary")
    show.description_html = next((text_of(e) for e in (description, summary) if e is not None and text_of(e)), "")
    show.subtitle = text_of(first(channel, ITUNES, "subtitle"))
    show.language = text_of(first(channel, "", "language")) or None
    show.author = text_of(first(channel, ITUNES, "author"))
    owner = first(channel, ITUNES, "owner")
    if owner is not None:
        show.owner_name = text_of(first(owner, ITUNES, "name"))
        show.owner_email = text_of(first(owner, ITUNES, "email"))
    categories = children(channel, ITUNES, "category")
    if categories:
        show.category = (categories[0].get("text") or "").strip()
        sub = first(categories[0], ITUNES, "category")
        show.subcategory = (sub.get("text") or "").strip() or None if sub is not None else None
        for extra in categories[1:]:
            warnings.append(f"warning: channel: itunes:category {extra.get('text')!r} is not imported (one is kept)")
    show.explicit = bool(yes_no(text_of(first(channel, ITUNES, "explicit"))))
    kind = text_of(first(channel, ITUNES, "type")).lower()
    show.show_type = "serial" if kind == "serial" else "episodic"
    image = first(channel, ITUNES, "image")
    rss_image = first(first(channel, "", "image"), "", "url")
    show.image_url = resolve((image.get("href") if image is not None else None) or text_of(rss_image) or None, base)
    show.website = resolve(text_of(first(channel, "", "link")) or None, base)
    show.copyright = text_of(first(channel, "", "copyright"))
    funding = first(channel, PODCAST, "funding")
    if funding is not None:
        show.funding_url = resolve(funding.get("url"), base)
        show.funding_text = text_of(funding) or None
    show.license = text_of(first(channel, PODCAST, "license")) or None
    show.people = _people(channel, base, "host")
    locked = first(channel, PODCAST, "locked")
    if locked is not None:
        show.locked = yes_no(text_of(locked))
        show.locked_owner = (locked.get("owner") or "").strip() or None
    show.podcast_guid = text_of(first(channel, PODCAST, "guid")) or None
    self_link = next((link for link in children(channel, "atom", "link") if link.get("rel") == "self"), None)
    show.self_url = resolve(self_link.get("href") if self_link is not None else None, base)
    show.new_feed_url = text_of(first(channel, ITUNES, "new-feed-url")) or None
    if show.new_feed_url:
        warnings.append(
            f"warning: channel: the feed says it moved to {show.new_feed_url} (itunes:new-feed-url); "
            "check that this is the feed to import"
        )
    show.complete = bool(yes_no(text_of(first(channel, ITUNES, "complete"))))
    read = {
        ("", "title"), ("", "description"), ("", "language"), ("", "link"), ("", "copyright"), ("", "image"),
        (ITUNES, "title"), (ITUNES, "subtitle"), (ITUNES, "author"), (ITUNES, "owner"), (ITUNES, "category"),
        (ITUNES, "explicit"), (ITUNES, "type"), (ITUNES, "image"), (ITUNES, "complete"), (PODCAST, "funding"),
        (PODCAST, "license"), (PODCAST, "person"), (PODCAST, "locked"), (PODCAST, "guid"),
    } | CHANNEL_IGNORED  # fmt: skip
    _warn_unknown(channel, read, "channel", warnings)
    return show


def parse_feed(document: Document, *, feed_url: str | None = None) -> ParsedFeed:
    """The feed as dataclasses; refuses non-RSS documents, redirect stubs and channels without media items."""
    channel = rss_channel(document)
    warnings = list(document.warnings)
    elements = children(channel, "", "item")
    if not elements:
        raise refuse("an RSS channel with no items")
    show = _show(channel, feed_url, warnings)
    items: list[ItemData] = []
    firsts: dict[str, ItemData] = {}
    for position, element in enumerate(elements, start=1):
        item = _item(element, position, feed_url, warnings)
        if item is None:
            continue
        kept = firsts.get(item.guid)
        if kept is not None:
            warnings.append(
                f'warning: item {item.position} "{item.title[:60]}": same GUID {item.guid!r} as item {kept.position} '
                f'"{kept.title[:60]}"; the first is kept, this one is skipped'
            )
            continue
        firsts[item.guid] = item
        items.append(item)
    if not items:
        raise refuse(f"an RSS channel with {len(elements)} item(s) but none with an audio or video enclosure")
    return ParsedFeed(show=show, items=items, warnings=warnings)
