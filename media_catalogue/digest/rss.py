"""The digest as RSS for newsletter tools (Mailchimp's RSS-to-email and the like): one <item> per episode (in the
feed's language version) and per video, newest first, each with its picture as media:content and media:thumbnail
(what those tools put in *|RSSITEM:IMAGE|*), and a description in escaped HTML with absolute links only.

Deterministic, like the podcast feeds: lastBuildDate is the newest item's date, so the same catalogue gives the same
bytes and the same ETag. Episodes are dated as their feeds date them; a video's day stands at noon in Brussels.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from lxml import etree

from .. import __version__
from ..catalogue.dates import day_instant
from ..catalogue.queries.digest import Part
from ..urls import UrlPlan
from .view import Item, item_view
from .words import gettext_for

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SEPARATOR = " · "
FEED_IMAGE_WIDTH = 400  # newsletter tools show the item's picture wide: the 400 px rendition /artwork/ serves


def _instant(part: Part) -> datetime:
    if part.episode is not None and part.episode.published_at is not None:
        value = part.episode.published_at
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return day_instant(part.day, "Europe/Brussels") if part.day else EPOCH


def _description(item: Item, people_label: str) -> str:
    html = ""
    if item.image:
        html += (
            f'<p><a href="{escape(item.action.url)}"><img src="{escape(item.image.url)}" width="{item.image.width}" '
            f'height="{item.image.height}" alt="{escape(item.image.alt)}"></a></p>'
        )
    meta = SEPARATOR.join(bit for bit in (item.label, item.when) if bit)
    if meta:
        html += f"<p><em>{escape(meta)}</em></p>"
    if item.summary:
        html += f"<p>{escape(item.summary)}</p>"
    if item.people:
        html += f"<p>{escape(people_label)} {escape(item.people)}</p>"
    links = [f'<a href="{escape(item.action.url)}"><strong>{escape(item.action.label)} →</strong></a>']
    links += [f'<a href="{escape(link.url)}">{escape(link.label)}</a>' for link in (*item.links, *item.versions)]
    return html + f"<p>{SEPARATOR.join(links)}</p>"


def _text(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    element.text = text
    return element


def build_digest_feed(parts: Sequence[Part], urls: UrlPlan, language: str, feed_url: str) -> bytes:
    _ = gettext_for(language)
    people_label = _("With:")
    dated = sorted(((part, _instant(part)) for part in parts), key=lambda pair: pair[1], reverse=True)
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"atom": ATOM_NS, "media": MEDIA_NS})
    channel = etree.SubElement(rss, "channel")
    _text(channel, "title", _("Podcasts and videos"))
    _text(channel, "link", urls.in_language(urls.home(), language))
    _text(channel, "description", _("Our new podcast episodes and videos, by project."))
    _text(channel, "language", language)
    _text(channel, "generator", f"media-catalogue {__version__}")
    _text(channel, "lastBuildDate", format_datetime(max((when for _p, when in dated), default=EPOCH)))
    etree.SubElement(channel, f"{{{ATOM_NS}}}link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"})
    for part, when in dated:
        item = item_view(part, urls, language)
        element = etree.SubElement(channel, "item")
        _text(element, "title", item.title)
        _text(element, "link", item.action.url)
        _text(element, "description", _description(item, people_label))
        _text(element, "guid", item.guid, isPermaLink="false")
        _text(element, "pubDate", format_datetime(when))
        if item.label:
            _text(element, "category", item.label)
        if item.image:
            height = round(item.image.height * FEED_IMAGE_WIDTH / item.image.width)
            size = {"width": str(FEED_IMAGE_WIDTH), "height": str(height)}
            url = item.image.url.rsplit("?", 1)[0] + f"?w={FEED_IMAGE_WIDTH}"
            etree.SubElement(
                element, f"{{{MEDIA_NS}}}content", {"url": url, "medium": "image", "type": "image/jpeg", **size}
            )
            etree.SubElement(element, f"{{{MEDIA_NS}}}thumbnail", {"url": url, **size})
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)
