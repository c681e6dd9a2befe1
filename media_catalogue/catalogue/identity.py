"""Permanent identities: a show's podcast:guid and an episode's GUID, which podcast apps key on for years.

podcast:guid is a UUIDv5 of the feed URL with the scheme and trailing slashes removed, under the namespace UUID the spec
fixes. It is computed once, when a show is created, and stored in Show.podcast_guid: if the domain later moves, the
GUID must stay what it was, so nothing outside show creation should recompute it.
"""

from __future__ import annotations

import re
import uuid
from typing import Protocol


class HasPodcastGuid(Protocol):
    podcast_guid: str


# Fixed by the podcast namespace spec (docs/tags/guid.md); its example feed URL gives 917393e3-1b1e-5cef-....
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def feed_url_seed(feed_url: str) -> str:
    """The feed URL as the spec hashes it: no scheme (http://, https://, ...) and no trailing slash."""
    return _SCHEME.sub("", feed_url.strip()).rstrip("/")


def podcast_guid_for(feed_url: str) -> str:
    """podcast:guid for a feed URL; call once at show creation and store the result."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, feed_url_seed(feed_url)))


def is_podcast_guid(value: str | None) -> bool:
    try:
        return value is not None and uuid.UUID(value).version == 5 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def episode_guid_for(show: HasPodcastGuid, first_slug: str) -> str:
    """Deterministic from the show's frozen podcast GUID and the episode's first slug, so that rebuilding the
    database from the text files gives every episode the GUID it had; stored at first publication, then frozen."""
    return str(uuid.uuid5(uuid.UUID(show.podcast_guid), first_slug))


# Our own namespace for videos (a UUIDv5 of the catalogue's name under the URL namespace), fixed forever.
VIDEO_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "media-catalogue:video")


def video_guid_for(first_slug: str) -> str:
    """A video's feed GUID, deterministic from its first slug (so rebuilding the database from the text files gives
    the same GUIDs); stored when the video is created, then frozen: a rename keeps it."""
    return str(uuid.uuid5(VIDEO_GUID_NAMESPACE, first_slug))
