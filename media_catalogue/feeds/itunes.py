"""feedgen's podcast (iTunes) extension, with two tags written the way Apple reads them today.

- itunes:explicit: Apple's spec now asks for "true"/"false"; feedgen 1.0 only writes the older "yes"/"no"/"clean",
  and Apple Podcasts Connect flags "yes"/"no"/"clean" values as deprecated. `itunes_explicit` here takes a bool.
- itunes:image: feedgen silently drops an href that does not end in .jpg or .png (and forgets to raise the error it
  builds); we write what we are given and let the feed checker report a wrong format instead of hiding it.

Everything else (author, owner, category, type, duration, episode, season, episodeType...) is feedgen's own code.
"""

from __future__ import annotations

from typing import Any

from feedgen.ext.podcast import PodcastExtension
from feedgen.ext.podcast_entry import PodcastEntryExtension
from feedgen.util import xml_elem

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def _write(parent: Any, image: str | None, explicit: bool | None) -> None:
    if image:
        xml_elem(f"{{{ITUNES_NS}}}image", parent).attrib["href"] = image
    if explicit is not None:
        xml_elem(f"{{{ITUNES_NS}}}explicit", parent).text = "true" if explicit else "false"


class AppleExtension(PodcastExtension):  # type: ignore[misc]
    """Channel-level iTunes tags."""

    def __init__(self) -> None:
        super().__init__()
        self._image: str | None = None
        self._explicit: bool | None = None

    def extend_rss(self, rss_feed: Any) -> Any:
        rss_feed = super().extend_rss(rss_feed)
        _write(rss_feed[0], self._image, self._explicit)
        return rss_feed

    def itunes_image(self, itunes_image: str | None = None) -> str | None:
        if itunes_image is not None:
            self._image = itunes_image
        return self._image

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:  # type: ignore[override]
        if itunes_explicit is not None:
            self._explicit = bool(itunes_explicit)
        return self._explicit


class AppleEntryExtension(PodcastEntryExtension):  # type: ignore[misc]
    """Item-level iTunes tags."""

    def __init__(self) -> None:
        super().__init__()
        self._image: str | None = None
        self._explicit: bool | None = None

    def extend_rss(self, entry: Any) -> Any:
        entry = super().extend_rss(entry)
        _write(entry, self._image, self._explicit)
        return entry

    def itunes_image(self, itunes_image: str | None = None) -> str | None:
        if itunes_image is not None:
            self._image = itunes_image
        return self._image

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:  # type: ignore[override]
        if itunes_explicit is not None:
            self._explicit = bool(itunes_explicit)
        return self._explicit
