"""Sync's guard against silent renames: an episode file renamed without `previous_slugs` would otherwise become a new
episode with a new GUID (every podcast app lists it twice) while the old address answers 410.

Before the episodes load, the live episodes whose file is gone from the folder are noted with their stored audio
(placeholders excepted: many episodes share one). A new episode file whose audio is one of those, in the same show,
is refused with a message naming both files and the two fixes; the vanished episode then stays as it was. "The same
audio" is the same source checksum where ingest kept one (MP4, Ogg, uploads), else the same MP3 audio frames as the
stored file (ingest_write.same_audio), compared only against the episodes that vanished from the same show.
An explicit `--new-guid show/episode` says it is a new episode on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalogue.models import LIVE_STATUSES, Episode, Show
from .content.loader import ContentTree, Loaded, resolve_reference
from .content.specs import EpisodeSpec
from .errors import ContentError, MediaRejected
from .ingest_write import same_audio
from .media.mpeg import MpegLayout, read_layout
from .media.streams import sha256_file
from .storage import Storage

Guids = frozenset[str]
NONE: Guids = frozenset()


@dataclass(frozen=True)
class Vanishing:
    """A live episode whose file disappeared in this run."""

    episode_id: int
    show_id: int
    slug: str
    source_path: str
    storage_key: str
    container: str | None
    source_sha256: str | None


@dataclass
class RenameGuard:
    tree: ContentTree
    storage: Storage
    new_guids: frozenset[str] = frozenset()  # "show/episode": a new GUID on purpose
    vanishing: dict[int, list[Vanishing]] = field(default_factory=dict)  # show id -> its vanished episodes
    held: set[int] = field(default_factory=set)  # vanished episodes kept as they are until the rename is settled

    def find_vanishing(self, session: Session) -> None:
        seen = self.tree.seen_paths
        episodes = session.scalars(
            select(Episode).where(Episode.source_path.is_not(None), Episode.status.in_(LIVE_STATUSES))
        )
        for episode in episodes:
            media = episode.primary_media
            if episode.source_path in seen or media is None or media.is_placeholder:
                continue
            found = Vanishing(
                episode.id, episode.show_id, episode.slug, episode.source_path or "", media.storage_key,
                media.container, media.source_sha256,
            )  # fmt: skip
            self.vanishing.setdefault(episode.show_id, []).append(found)

    def check(self, show: Show, loaded: Loaded[EpisodeSpec], rel: str) -> None:
        """Raise ContentError when this new episode's audio is that of an episode whose file just disappeared."""
        spec = loaded.spec
        if not self.vanishing or not spec.audio or f"{show.slug}/{loaded.slug}" in self.new_guids:
            return
        source = resolve_reference(loaded.path, spec.audio, rel, self.tree.root)
        if not source.is_file():
            return
        audio = _NewAudio(source)
        for old in self.vanishing.get(show.id, []):
            if not self._same(old, audio):
                continue
            self.held.add(old.episode_id)
            raise ContentError(
                rel,
                f"audio: the same audio as {old.source_path}, whose file disappeared in this run. If this is that "
                f"episode renamed, add `previous_slugs: [{old.slug}]` to {rel} so it keeps its GUID and address "
                "(otherwise every podcast app lists it twice and the old address answers 410). To publish it as a "
                f"new episode on purpose, run `media-catalogue sync --new-guid {show.slug}/{loaded.slug}`. "
                f"Until then the episode of {old.source_path} stays as it was.",
                field="previous_slugs",
            )

    def _same(self, old: Vanishing, audio: _NewAudio) -> bool:
        if old.source_sha256:
            return audio.sha256 == old.source_sha256
        if old.container != "mpeg":
            return False
        return audio.layout is not None and same_audio(self.storage, old.storage_key, audio.path, audio.layout)


class _NewAudio:
    """The new episode's audio file, read at most once for its checksum and once for its MP3 layout, however many
    episodes vanished from the show."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def sha256(self) -> str:
        return sha256_file(self.path)

    @cached_property
    def layout(self) -> MpegLayout | None:
        try:
            with self.path.open("rb") as handle:
                return read_layout(handle, self.path.stat().st_size)
        except MediaRejected:
            return None  # not an MP3 (or a broken one): ingest will say so
