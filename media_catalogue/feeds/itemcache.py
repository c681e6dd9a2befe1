"""Serialized feed items kept per process, so a feed rebuilt after one edit serializes one item, not all of them.

A cached item is the exact bytes of its `<item>` element as the whole feed writes it (indentation included, with
the numeric character references of descriptions.character_references applied), plus the time it contributes to
lastBuildDate. Its key is the episode id and a fingerprint of EVERYTHING episode_item and add_items read:

- the episode's own columns that reach the item (guid, slug, title, summary, show notes, publication time, number,
  season, type, explicit, artwork, chapters present or not, external enclosure, updated_at);
- from its show: the slug (in every URL), explicit (the default of the episode's), the seasons' names;
- every media file (role, position, extension, type, length, duration, bitrate, height, title);
- every transcript (language, format, type);
- every credit (role, position) and its person (slug, name, image);
- the site's base URL (every link) and the enclosure base URL with each file's storage key (direct enclosures).

The cache holds one entry per episode id, with the fingerprint it was built from: an edit of any of these gives a
different fingerprint, so the entry is built again and replaced (least recently used episodes are dropped past
MAX_ITEMS). Whether an episode is listed at all (status, deletion, schedule) is decided before the cache. Nothing
else enters an item; a new field read by episode_item must be added to `fingerprint` (tests/feeds/test_item_cache.py
compares warm and cold builds after each kind of edit).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..catalogue.models import Episode
from ..urls import UrlPlan

MAX_ITEMS = 200_000  # about 2 KB each: a bounded few hundred MB at most, far less for real catalogues


@dataclass(frozen=True)
class BuiltItem:
    xml: bytes  # b"" when the episode cannot be listed (no GUID or enclosure)
    updated_at: datetime | None  # what it adds to lastBuildDate; None when not listed


_EPISODE = ("guid", "slug", "title", "summary", "show_notes", "published_at", "updated_at", "explicit", "episode_type",
            "number", "season", "artwork_key", "external_enclosure_url", "external_enclosure_length",
            "external_enclosure_type", "external_duration_ms")  # fmt: skip
_MEDIA = ("role", "position", "extension", "mime_type", "byte_length", "duration_ms", "bitrate", "height", "title",
          "storage_key")  # fmt: skip
_TRANSCRIPT = ("language", "format", "mime_type")
_PERSON = ("slug", "name", "image_url")


def _values(row: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    """The attributes, read from the loaded row's dict when there (several times faster than the instrumented
    attribute), else through it (an expired or deferred attribute is loaded as usual)."""
    loaded = row.__dict__
    return tuple(loaded[name] if name in loaded else getattr(row, name) for name in names)


def fingerprint(episode: Episode, urls: UrlPlan) -> tuple[Any, ...]:
    show = episode.show
    return (
        urls.base,
        urls.enclosure_base,
        _values(episode, _EPISODE),
        bool(episode.chapters),
        show.slug,
        show.explicit,
        tuple((season.number, season.name) for season in show.seasons),
        tuple(_values(media, _MEDIA) for media in episode.media_files),
        tuple(_values(transcript, _TRANSCRIPT) for transcript in episode.transcripts),
        tuple((credit.role, credit.position, _values(credit.person, _PERSON)) for credit in episode.credits),
    )


class ItemCache:
    """Bounded LRU map episode id -> (fingerprint, BuiltItem), safe to share between a worker's threads."""

    def __init__(self, max_items: int = MAX_ITEMS) -> None:
        self.max_items = max_items
        self._items: OrderedDict[int, tuple[tuple[Any, ...], BuiltItem]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, episode_id: int, key: tuple[Any, ...]) -> BuiltItem | None:
        with self._lock:
            found = self._items.get(episode_id)
            if found is None or found[0] != key:
                self.misses += 1
                return None
            self._items.move_to_end(episode_id)
            self.hits += 1
            return found[1]

    def put(self, episode_id: int, key: tuple[Any, ...], item: BuiltItem) -> None:
        with self._lock:
            self._items[episode_id] = (key, item)
            self._items.move_to_end(episode_id)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


ITEMS = ItemCache()  # the process's cache, used by build_feed unless told otherwise
