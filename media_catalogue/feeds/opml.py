"""/feeds.opml: every show's feed in one OPML 2.0 list, for listeners (import into a podcast app) and directories.
A show whose feed moved out is listed at its new address."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime

from lxml import etree

from ..catalogue.models import Show
from ..config import Settings
from ..text import xml_safe
from ..urls import UrlPlan
from .items import EPOCH

OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8"


def build_opml(shows: Iterable[Show], settings: Settings, *, title: str = "Podcasts") -> bytes:
    urls = UrlPlan(settings)
    shows = list(shows)
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    changed: datetime = max((show.updated_at or EPOCH for show in shows), default=EPOCH)
    etree.SubElement(head, "dateModified").text = format_datetime(changed, usegmt=True)
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for show in shows:
        name = xml_safe(show.title).strip() or show.slug
        etree.SubElement(
            body, "outline", type="rss", text=name, title=name, xmlUrl=show.new_feed_url or urls.feed(show.slug),
            htmlUrl=urls.show(show.slug), language=show.language,
        )  # fmt: skip
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
