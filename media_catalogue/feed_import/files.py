"""The files an imported episode brings: its media (downloaded within the limits, then stored through the one ingest
pipeline), artwork, chapters and transcripts. A failed media download is returned as a reason (the episode stays a
draft with it, and the next import retries); a failed side file is a warning."""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from .. import ingest
from ..catalogue.models import Episode
from ..config import Settings
from ..errors import CatalogueError
from ..media import artwork as artwork_rules
from ..media import transcripts as transcript_rules
from ..media.chapters import parse_chapters
from ..storage import Storage
from .fetch import fetch_bytes, fetch_file
from .values import Enclosure

Progress = Callable[[str, int, int | None], None]  # (what, bytes so far, total when known)
CHAPTERS_LIMIT = 1 << 20
EXTENSIONS = {
    "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/x-mpeg": "mp3", "audio/mp4": "m4a", "audio/x-m4a": "m4a",
    "audio/aac": "m4a", "video/mp4": "mp4", "video/x-m4v": "m4v", "audio/ogg": "ogg", "audio/opus": "opus",
    "video/quicktime": "mov",
}  # fmt: skip
TRANSCRIPT_FORMATS = {
    "text/vtt": "vtt", "application/x-subrip": "srt", "application/srt": "srt", "text/srt": "srt",
    "text/x-subrip": "srt",
}  # fmt: skip


def file_name(url: str, declared_type: str, served_type: str = "") -> str:
    """A file name whose extension ingest can check: the URL's own, else one for the declared or served type."""
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    if suffix and len(suffix) <= 5 and suffix.isalnum():
        return f"download.{suffix}"
    for kind in (declared_type.lower(), served_type.lower()):
        if kind in EXTENSIONS:
            return f"download.{EXTENSIONS[kind]}"
        guessed = mimetypes.guess_extension(kind) if kind else None
        if guessed:
            return f"download{guessed}"
    return "download.mp3"


def attach_enclosure(
    session: Session,
    storage: Storage,
    settings: Settings,
    episode: Episode,
    enclosure: Enclosure,
    *,
    role: str = "primary",
    progress: Progress | None = None,
) -> tuple[str | None, list[str]]:
    """Download an enclosure and ingest it; returns (reason it failed or None, ingest warnings)."""
    report = (lambda done, total: progress(enclosure.url, done, total)) if progress else None
    try:
        with storage.temp_file() as path:
            fetched = fetch_file(enclosure.url, path, settings, limit=settings.max_upload_bytes, progress=report)
            name = file_name(fetched.url, enclosure.type, fetched.content_type)
            with session.begin_nested():
                result = ingest.attach_media(session, storage, settings, episode, path, filename=name, role=role)
    except CatalogueError as exc:
        return exc.message, []
    except OSError as exc:
        return f"{enclosure.url}: {exc}", []
    return None, result.warnings


def artwork_key(storage: Storage, settings: Settings, url: str, where: str, warnings: list[str]) -> str | None:
    try:
        data, fetched = fetch_bytes(url, settings, limit=artwork_rules.MAX_BYTES)
        name = file_name(fetched.url, fetched.content_type)
        if not name.endswith((".jpg", ".jpeg", ".png")):
            name = "artwork.png" if data.startswith(b"\x89PNG") else "artwork.jpg"
        return ingest.store_artwork(storage, settings, io.BytesIO(data), filename=name)
    except CatalogueError as exc:
        warnings.append(f"warning: {where}: artwork {url} not imported: {exc.message}")
        return None


def chapters_from(url: str, settings: Settings, where: str, warnings: list[str]) -> list[dict[str, object]] | None:
    try:
        data, _ = fetch_bytes(url, settings, limit=CHAPTERS_LIMIT)
        return parse_chapters(data)
    except CatalogueError as exc:
        warnings.append(f"warning: {where}: chapters {url} not imported: {exc.message}")
        return None


def add_transcript(
    session: Session,
    storage: Storage,
    settings: Settings,
    episode: Episode,
    transcript: tuple[str, str, str | None],
    where: str,
    warnings: list[str],
) -> None:
    url, kind, language = transcript
    fmt = TRANSCRIPT_FORMATS.get(kind) or {"vtt": "vtt", "srt": "srt"}.get(
        PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
    )
    if fmt is None:
        warnings.append(f"warning: {where}: transcript {url} ({kind or 'no type'}) is not WebVTT or SRT; not imported")
        return
    language = (language or episode.show.language or "").strip()
    if any(t.language == language and t.format == fmt for t in episode.transcripts):
        return
    try:
        data, _ = fetch_bytes(url, settings, limit=transcript_rules.MAX_BYTES)
        with session.begin_nested():
            ingest.attach_transcript(
                session, storage, settings, episode, io.BytesIO(data), language=language, filename=f"transcript.{fmt}"
            )
    except CatalogueError as exc:
        warnings.append(f"warning: {where}: transcript {url} not imported: {exc.message}")
