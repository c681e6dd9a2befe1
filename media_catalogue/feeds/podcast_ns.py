"""A feedgen extension for the Podcasting 2.0 namespace (https://podcastindex.org/namespace/1.0).

Written the way feedgen's own extensions are (feedgen.ext.podcast): a BaseExtension for the channel and a
BaseEntryExtension for items, each with getter/setter methods that store values and an `extend_rss` that writes
them. Register with::

    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension, atom=False)

and then call e.g. ``fg.podcastindex.guid(...)`` and ``entry.podcastindex.transcript(...)``. (feedgen's iTunes
extension already owns the name "podcast" on a FeedGenerator, hence "podcastindex".)

Only tags this catalogue has facts for are implemented: guid, locked, medium, funding, license and person on the
channel; season, episode, transcript, chapters, person and alternateEnclosure (with source) on items.
"""

from __future__ import annotations

from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import ensure_format, xml_elem

PODCAST_NS = "https://podcastindex.org/namespace/1.0"

# The values podcast:medium allows (docs/tags/medium.md); the "L" forms are lists of remote items.
MEDIUMS = frozenset(
    {"podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course"}
    | {"podcastL", "musicL", "videoL", "filmL", "audiobookL", "newsletterL", "blogL", "publisherL", "courseL"}
    | {"mixed"}
)

_PERSON_KEYS = {"name", "role", "group", "img", "href"}


def _tag(name: str) -> str:
    return f"{{{PODCAST_NS}}}{name}"


def _write_people(parent: Any, people: list[dict[str, Any]]) -> None:
    for person in people:
        element = xml_elem(_tag("person"), parent)
        element.text = person["name"]
        for key in ("role", "group", "img", "href"):
            if person.get(key):
                element.attrib[key] = str(person[key])


def _set_people(current: list[dict[str, Any]], value: Any, replace: bool) -> list[dict[str, Any]]:
    people = ensure_format(value, _PERSON_KEYS, {"name"})
    return people if replace else current + people


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """Channel-level Podcasting 2.0 tags."""

    def __init__(self) -> None:
        self.__guid: str | None = None
        self.__locked: dict[str, Any] | None = None
        self.__medium: str | None = None
        self.__funding: list[dict[str, Any]] = []
        self.__license: dict[str, Any] | None = None
        self.__person: list[dict[str, Any]] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        if self.__guid:
            xml_elem(_tag("guid"), channel).text = self.__guid
        if self.__locked is not None:
            locked = xml_elem(_tag("locked"), channel)
            locked.text = "yes" if self.__locked["locked"] else "no"
            if self.__locked.get("owner"):
                locked.attrib["owner"] = self.__locked["owner"]
        if self.__medium:
            xml_elem(_tag("medium"), channel).text = self.__medium
        for funding in self.__funding:
            element = xml_elem(_tag("funding"), channel, url=funding["url"])
            element.text = funding.get("text") or ""
        if self.__license:
            element = xml_elem(_tag("license"), channel)
            element.text = self.__license["text"]
            if self.__license.get("url"):
                element.attrib["url"] = self.__license["url"]
        _write_people(channel, self.__person)
        return rss_feed

    def guid(self, guid: str | None = None) -> str | None:
        """Get or set podcast:guid, the UUIDv5 identity of the show (see catalogue.identity)."""
        if guid is not None:
            self.__guid = guid
        return self.__guid

    def locked(self, locked: bool | None = None, owner: str | None = None) -> dict[str, Any] | None:
        """Get or set podcast:locked: "yes" tells other platforms not to import the feed; owner is an email."""
        if locked is not None:
            self.__locked = {"locked": bool(locked), "owner": owner}
        return self.__locked

    def medium(self, medium: str | None = None) -> str | None:
        if medium is not None:
            if medium not in MEDIUMS:
                raise ValueError(f"Invalid podcast:medium {medium!r}")
            self.__medium = medium
        return self.__medium

    def funding(self, funding: Any = None, replace: bool = False, **kwargs: Any) -> list[dict[str, Any]]:
        """Get or add podcast:funding entries: dicts with url (required) and text (at most 128 characters)."""
        if funding is None and kwargs:
            funding = kwargs
        if funding is not None:
            items = ensure_format(funding, {"url", "text"}, {"url"})
            self.__funding = items if replace else self.__funding + items
        return self.__funding

    def license(self, text: str | None = None, url: str | None = None) -> dict[str, Any] | None:
        """Get or set podcast:license: an SPDX identifier (or a name, with url to the license text)."""
        if text is not None:
            self.__license = {"text": text, "url": url}
        return self.__license

    def person(self, person: Any = None, replace: bool = False, **kwargs: Any) -> list[dict[str, Any]]:
        """Get or add podcast:person entries: dicts with name, and optional role, group, img, href."""
        if person is None and kwargs:
            person = kwargs
        if person is not None:
            self.__person = _set_people(self.__person, person, replace)
        return self.__person


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level Podcasting 2.0 tags."""

    def __init__(self) -> None:
        self.__season: dict[str, Any] | None = None
        self.__episode: dict[str, Any] | None = None
        self.__transcript: list[dict[str, Any]] = []
        self.__chapters: dict[str, Any] | None = None
        self.__person: list[dict[str, Any]] = []
        self.__alternate_enclosure: list[dict[str, Any]] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, entry: Any) -> Any:
        if self.__season is not None:
            season = xml_elem(_tag("season"), entry)
            season.text = str(self.__season["number"])
            if self.__season.get("name"):
                season.attrib["name"] = self.__season["name"]
        if self.__episode is not None:
            episode = xml_elem(_tag("episode"), entry)
            episode.text = str(self.__episode["number"])
            if self.__episode.get("display"):
                episode.attrib["display"] = self.__episode["display"]
        for transcript in self.__transcript:
            element = xml_elem(_tag("transcript"), entry, url=transcript["url"], type=transcript["type"])
            for key in ("language", "rel"):
                if transcript.get(key):
                    element.attrib[key] = transcript[key]
        if self.__chapters is not None:
            xml_elem(_tag("chapters"), entry, url=self.__chapters["url"], type=self.__chapters["type"])
        _write_people(entry, self.__person)
        for alternate in self.__alternate_enclosure:
            element = xml_elem(_tag("alternateEnclosure"), entry, type=alternate["type"])
            for key in ("length", "bitrate", "height", "lang", "title", "rel", "codecs"):
                if alternate.get(key) not in (None, ""):
                    element.attrib[key] = str(alternate[key])
            if alternate.get("default"):
                element.attrib["default"] = "true"
            for source in alternate["sources"]:
                source_element = xml_elem(_tag("source"), element, uri=source["uri"])
                if source.get("contentType"):
                    source_element.attrib["contentType"] = source["contentType"]
        return entry

    def season(self, number: int | None = None, name: str | None = None) -> dict[str, Any] | None:
        """Get or set podcast:season: the number, and a name such as "IDAHOBIT 2021" (at most 128 characters)."""
        if number is not None:
            self.__season = {"number": int(number), "name": name}
        return self.__season

    def episode(self, number: int | float | None = None, display: str | None = None) -> dict[str, Any] | None:
        if number is not None:
            self.__episode = {"number": number, "display": display}
        return self.__episode

    def transcript(self, transcript: Any = None, replace: bool = False, **kwargs: Any) -> list[dict[str, Any]]:
        """Get or add podcast:transcript entries: dicts with url, type (mime type), language, rel ("captions")."""
        if transcript is None and kwargs:
            transcript = kwargs
        if transcript is not None:
            items = ensure_format(transcript, {"url", "type", "language", "rel"}, {"url", "type"})
            self.__transcript = items if replace else self.__transcript + items
        return self.__transcript

    def chapters(self, url: str | None = None, type: str = "application/json+chapters") -> dict[str, Any] | None:  # noqa: A002
        if url is not None:
            self.__chapters = {"url": url, "type": type}
        return self.__chapters

    def person(self, person: Any = None, replace: bool = False, **kwargs: Any) -> list[dict[str, Any]]:
        if person is None and kwargs:
            person = kwargs
        if person is not None:
            self.__person = _set_people(self.__person, person, replace)
        return self.__person

    def alternate_enclosure(self, alternate: Any = None, replace: bool = False, **kwargs: Any) -> list[dict[str, Any]]:
        """Get or add podcast:alternateEnclosure entries.

        Each is a dict with type and sources (a list of {"uri", "contentType"?}), and optional length, bitrate,
        height, lang, title, rel, codecs and default.
        """
        if alternate is None and kwargs:
            alternate = kwargs
        if alternate is not None:
            allowed = {"type", "sources", "length", "bitrate", "height", "lang", "title", "rel", "codecs", "default"}
            items = ensure_format(alternate, allowed, {"type", "sources"})
            for item in items:
                if not item["sources"]:
                    raise ValueError("podcast:alternateEnclosure needs at least one podcast:source")
            self.__alternate_enclosure = items if replace else self.__alternate_enclosure + items
        return self.__alternate_enclosure
