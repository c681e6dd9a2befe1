"""The files and links an item's text file names, brought in for sync: audio, video and transcripts through the
one ingest pipeline, artwork, chapters, video links and their thumbnails. Each failure becomes the ContentError of
the text file that named it, so sync reports it against that file and loads the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from . import ingest
from .catalogue import providers
from .catalogue.models import Episode, Show, Video
from .config import Settings
from .content.loader import Loaded, resolve_reference
from .content.specs import EpisodeSpec
from .errors import CatalogueError, ContentError
from .feed_import.videos import store_thumbnail
from .media.chapters import parse_chapters
from .storage import Storage


class SyncFiles:
    def __init__(self, storage: Storage, settings: Settings, root: Path, warnings: list[str]) -> None:
        self.storage = storage
        self.settings = settings
        self.root = root
        self.warnings = warnings

    def retag_show(self, session: Session, show: Show) -> None:
        """Downloaded files carry the show's title, author, artwork and feed URL in their tags: keep them true."""
        episodes = [episode for episode in show.episodes if episode.media_files]
        if not episodes:
            return

        for episode in episodes:
            ingest.retag_episode(session, self.storage, self.settings, episode)

    def artwork(self, path: Path, ref: str, rel: str) -> str:

        source = resolve_reference(path, ref, rel, self.root)
        try:
            return ingest.store_artwork(self.storage, self.settings, source, filename=source.name)
        except CatalogueError as exc:
            raise ContentError(rel, f"artwork: {exc.message}", field="artwork") from None

    def chapters(self, path: Path, ref: str, rel: str) -> list[dict[str, Any]]:

        source = resolve_reference(path, ref, rel, self.root)
        try:
            return parse_chapters(source.read_bytes())
        except CatalogueError as exc:
            raise ContentError(rel, f"chapters: {exc.message}", field="chapters") from None

    def attach(self, session: Session, episode: Episode, loaded: Loaded[EpisodeSpec], rel: str) -> None:
        """Ingest the episode's files when their bytes changed; otherwise re-tag so the tags follow the metadata."""
        spec = loaded.spec
        if not (spec.audio or spec.video or spec.transcripts or episode.media_files):
            return

        changed = False
        for role, ref in (("primary", spec.audio), ("video", spec.video)):
            if not ref:
                continue
            source = resolve_reference(loaded.path, ref, rel, self.root)
            try:
                result = ingest.attach_media(
                    session, self.storage, self.settings, episode, source, filename=source.name, role=role
                )
            except CatalogueError as exc:
                raise ContentError(rel, f"{'audio' if role == 'primary' else 'video'}: {exc.message}") from None
            changed = changed or result.created
            self.warnings.extend(f"{rel}: {warning}" for warning in result.warnings)
        for transcript in spec.transcripts:
            source = resolve_reference(loaded.path, transcript.file, rel, self.root)
            try:
                ingest.attach_transcript(
                    session, self.storage, self.settings, episode, source, language=transcript.language,
                    filename=source.name,
                )  # fmt: skip
            except CatalogueError as exc:
                raise ContentError(rel, f"transcripts: {exc.message}", field="transcripts") from None
        if not changed and episode.media_files:
            ingest.retag_episode(session, self.storage, self.settings, episode)

    def thumbnail(self, video: Video, rel: str) -> None:
        """The provider's thumbnail, fetched once (when the video first has its link) and then served by us."""
        source = _provider_thumbnail(video)
        if source is None or video.thumbnail_key or not self.settings.fetch_video_thumbnails:
            return
        try:
            video.thumbnail_key = store_thumbnail(self.storage, self.settings, video.provider or "", source)
        except CatalogueError as exc:
            self.warnings.append(f"{rel}: thumbnail not fetched ({exc.message}); sync tries again next time")


def _provider_thumbnail(video: Video) -> str | None:
    if not (video.provider and video.provider_id and video.url):
        return None
    return providers.ProviderVideo(video.provider, video.provider_id, video.url, video.start_seconds).thumbnail_url


def recognise_video(url: str | None, rel: str) -> tuple[str | None, str | None, str | None, int | None]:
    if not url:
        return None, None, None, None
    try:
        found = providers.recognise(url)
    except CatalogueError as exc:
        raise ContentError(rel, f"url: {exc.message}", field="url") from None
    return found.provider, found.provider_id, found.canonical_url, found.start_seconds
