"""One media file from the command line into an episode: find or create the show's draft, apply what the options
say, then run the one ingest pipeline. Intake, like sync: it reads a file and writes the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import ingest
from .catalogue.editing.common import slugify
from .catalogue.identity import episode_guid_for
from .catalogue.models import Episode, Show, Status
from .config import Settings
from .errors import CatalogueError
from .media.chapters import check_within, parse_chapters
from .media.probe import probe
from .media.validate import check_filename
from .storage import Storage


@dataclass
class EpisodeOptions:
    """What the command line says about the episode; None leaves a value as it is."""

    title: str | None = None
    slug: str | None = None
    number: int | None = None
    season: int | None = None
    summary: str | None = None
    published_at: datetime | None = None
    chapters: Path | None = None
    transcripts: list[Path] = field(default_factory=list)
    transcript_language: str | None = None
    artwork: Path | None = None
    role: str = "primary"


def find_show(session: Session, slug: str) -> Show:
    show = session.scalar(select(Show).where(Show.slug == slug))
    if show is None:
        raise CatalogueError(f"no show {slug!r}; list them with `media-catalogue shows`", code="not_found")
    return show


def ingest_file(
    session: Session,
    storage: Storage,
    settings: Settings,
    show: Show,
    file: Path,
    options: EpisodeOptions,
    progress: ingest.Progress | None = None,
) -> tuple[Episode, ingest.IngestResult]:
    check_filename(file.name)
    if not file.is_file():
        raise CatalogueError(f"no such file: {file}", code="not_found")
    title = options.title
    if title is None and options.slug is None:
        tag_title = probe(file).title
        title = file.stem if not tag_title or "placeholder" in tag_title.lower() else tag_title
    slug = options.slug or slugify(title or file.stem)
    episode = session.scalar(select(Episode).where(Episode.show_id == show.id, Episode.slug == slug))
    if episode is None and options.slug:
        raise CatalogueError(f"no episode {options.slug!r} in {show.slug!r}", code="not_found")
    if episode is None:
        episode = Episode(show=show, slug=slug, title=title or file.stem, status=Status.draft)
        session.add(episode)
    elif title:
        episode.title = title
    if options.number is not None:
        episode.number = options.number
    if options.season is not None:
        episode.season = options.season
    if options.summary is not None:
        episode.summary = options.summary
    if options.published_at is not None:
        episode.published_at = options.published_at
        episode.status = Status.published if options.published_at <= datetime.now(UTC) else Status.scheduled
        episode.guid = episode.guid or episode_guid_for(show, episode.slug)
    if options.artwork is not None:
        episode.artwork_key = ingest.store_artwork(storage, settings, options.artwork, filename=options.artwork.name)
    if options.chapters is not None:
        episode.chapters = parse_chapters(options.chapters.read_bytes())
    session.flush()
    result = ingest.attach_media(
        session, storage, settings, episode, file, filename=file.name, role=options.role, progress=progress
    )
    if episode.chapters:
        check_within(episode.chapters, result.media_file.duration_ms or 0)
    for path in options.transcripts:
        ingest.attach_transcript(
            session, storage, settings, episode, path, filename=path.name,
            language=options.transcript_language or show.language,
        )  # fmt: skip
    return episode, result
