"""atom:link elements feedgen does not write in RSS feeds (its RSS output keeps only rel="self").

- rel="hub": the WebSub hub subscribers may use for push updates.
- rel="alternate" with hreflang and type application/rss+xml: this show's feeds in other languages. The podcast
  namespace has no tag for "the same show in another language", so the Atom convention is used.
"""

from __future__ import annotations

from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import ensure_format, xml_elem

ATOM_NS = "http://www.w3.org/2005/Atom"


class AtomLinksExtension(BaseExtension):  # type: ignore[misc]
    def __init__(self) -> None:
        self.__links: list[dict[str, Any]] = []

    def extend_ns(self) -> dict[str, str]:
        return {"atom": ATOM_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        for link in self.__links:
            element = xml_elem(f"{{{ATOM_NS}}}link", channel, rel=link["rel"], href=link["href"])
            for key in ("type", "hreflang", "title"):
                if link.get(key):
                    element.attrib[key] = link[key]
        return rss_feed

    def link(self, link: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
        """Get or add links: dicts with rel and href, optional type, hreflang and title."""
        if link is None and kwargs:
            link = kwargs
        if link is not None:
            self.__links += ensure_format(link, {"rel", "href", "type", "hreflang", "title"}, {"rel", "href"})
        return self.__links


class AtomLinksEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Items carry no extra atom links; feedgen wants an entry class for every registered extension."""
