"""Sync's guard against silent renames: an episode file renamed without `previous_slugs` would otherwise become a new
episode with a new GUID (every podcast app lists it twice) while the old address answers 410.

Before the episodes load, the live episodes whose file is gone from the folder are noted by the sha256 of their
audio (placeholders excepted: many episodes share one). A new episode file whose audio is one of those, in the same
show, is refused with a message naming both files and the two fixes; the vanished episode then stays as it was.
An explicit `--new-guid show/episode` says it is a new episode on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalogue.models import LIVE_STATUSES, Episode, Show
from .content.loader import ContentTree, Loaded, resolve_reference
from .content.specs import EpisodeSpec
from .errors import ContentError
from .media.streams import sha256_file

Guids = frozenset[str]
NONE: Guids = frozenset()


@dataclass(frozen=True)
class Vanishing:
    """A live episode whose file disappeared in this run."""

    episode_id: int
    show_id: int
    slug: str
    source_path: str


@dataclass
class RenameGuard:
    tree: ContentTree
    new_guids: frozenset[str] = frozenset()  # "show/episode": a new GUID on purpose
    vanishing: dict[str, list[Vanishing]] = field(default_factory=dict)  # audio sha256 -> vanished episodes
    held: set[int] = field(default_factory=set)  # vanished episodes kept as they are until the rename is settled

    def find_vanishing(self, session: Session) -> None:
        seen = self.tree.seen_paths
        episodes = session.scalars(
            select(Episode).where(Episode.source_path.is_not(None), Episode.status.in_(LIVE_STATUSES))
        )
        for episode in episodes:
            media = episode.primary_media
            if episode.source_path in seen or media is None or media.is_placeholder or not media.source_sha256:
                continue
            found = Vanishing(episode.id, episode.show_id, episode.slug, episode.source_path or "")
            self.vanishing.setdefault(media.source_sha256, []).append(found)

    def check(self, show: Show, loaded: Loaded[EpisodeSpec], rel: str) -> None:
        """Raise ContentError when this new episode's audio is that of an episode whose file just disappeared."""
        spec = loaded.spec
        if not self.vanishing or not spec.audio or f"{show.slug}/{loaded.slug}" in self.new_guids:
            return
        source = resolve_reference(loaded.path, spec.audio, rel, self.tree.root)
        if not source.is_file():
            return
        for old in self.vanishing.get(sha256_file(source), []):
            if old.show_id != show.id:
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
