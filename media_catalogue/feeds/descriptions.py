"""What a feed's <description> carries: sanitized HTML in a CDATA section, for podcasts and videos alike.

Apple Podcasts ("rich text formatting and some HTML (<p>, <ol>, <ul>, <li>, <a>) if wrapped in the <![CDATA[...]]>
tag") and Spotify (description: plain text or HTML in CDATA, with p, ol, ul, li, a, b, i, strong, em, br) both read
description as HTML, as do feedparser, podcastparser (gPodder) and Podcast Index's parser. So the text is written
once as HTML: the staff's Markdown rendered and sanitized (typed markup arrives as escaped text, never as live HTML),
restricted to the tags every directory keeps, and carried in CDATA so the XML layer adds no second escaping. Every
client then shows the same characters the pages show: "&", "<angle>", emoji and Arabic as typed.
"""

from __future__ import annotations

import functools
import html
import re

import nh3
from lxml.etree import CDATA

from ..text import plain_text, render_markdown

DESCRIPTION_LIMIT = 4000  # Apple truncates (and Podcasts Connect warns) beyond 4000 characters
FEED_TAGS = {"p", "ol", "ul", "li", "a", "b", "strong", "i", "em", "br"}
_BLOCKS = re.compile(r"<(/?)(?:h[1-6]|blockquote|pre|table|thead|tbody|tr)(?:\s[^>]*)?>")
_CELLS = re.compile(r"</?(?:td|th)(?:\s[^>]*)?>")
_HR = re.compile(r"<hr\s*/?>")


@functools.lru_cache(maxsize=4096)
def description_html(source: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Markdown (or plain text) as the HTML a feed description may hold; "" for empty text. Past `limit` characters
    the plain text, shortened, in one paragraph."""
    if not plain_text(source):
        return ""
    rendered = _HR.sub("", _CELLS.sub(" ", _BLOCKS.sub(r"<\1p>", render_markdown(source))))
    cleaned = nh3.clean(rendered, tags=FEED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"})
    cleaned = re.sub(r"<p>\s*</p>", "", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = paragraph(plain_text(source, limit=limit - 40))
    return cleaned


def paragraph(text: str) -> str:
    """Plain text as one HTML paragraph (for descriptions we compose ourselves)."""
    return f"<p>{html.escape(text, quote=False)}</p>" if text else ""


def cdata(value: str) -> CDATA:
    """A CDATA section of HTML; "]]>" cannot occur in sanitized HTML text, but is split if it ever did."""
    return CDATA(value.replace("]]>", "]]&gt;"))


_NAMED = ((b"&amp;", b"&#38;"), (b"&lt;", b"&#60;"), (b"&gt;", b"&#62;"), (b"&quot;", b"&#34;"))


def character_references(feed: bytes) -> bytes:
    """The serialized feed with "&", "<", ">" and '"' written as numeric character references instead of named
    entities, in XML text and in the HTML of CDATA sections alike (the same characters either way). The W3C engine
    recommends them in titles, and some clients mishandle named ones: gPodder's podcastparser reads "&lt;b&gt;" as one
    unknown entity and drops it, where "&#60;b&#62;" arrives as "<b>"."""
    for named, numeric in _NAMED:
        feed = feed.replace(named, numeric)
    return feed
