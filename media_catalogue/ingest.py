"""The one ingest pipeline every entry point uses (sync, CLI, the staff upload): take a media file, read it once
while hashing and probing, validate it, write the tagged copy to storage atomically, and record it in the catalogue.

A refusal or a failure leaves no row, no stored object and no temp file; an object written for a transaction that
later rolls back is deleted (storage/pending.py). Storage keys never derive from the uploader's file name.

MP3 (the bulk of any podcast) takes the fast path: the new ID3v2.4 tag is rendered in memory and streamed to storage
followed by the source's audio frames, in one read and one durable write, with both checksums computed on worker
threads meanwhile. MP4 and Ogg are copied to a temp file, tagged there by mutagen and then moved into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalogue.models import DatePrecision, Episode, MediaFile, Show, Transcript
from .catalogue.versions import touch
from .config import Settings
from .errors import MediaRejected, NotFound
from .media import artwork as artwork_rules
from .media import transcripts
from .media.mpeg import read_layout
from .media.probe import ProbeResult, probe
from .media.streams import ThreadedHash, sha256_file, spliced, spool
from .media.tags import TagData, render_id3, tag_mp4, tag_ogg
from .media.validate import check_filename, check_size, validate
from .storage import Storage, StoredObject, pending
from .urls import UrlPlan

__all__ = [
    "IngestResult",
    "attach_media",
    "attach_transcript",
    "probe_source",
    "remove_orphans",
    "retag_episode",
    "store_artwork",
]

Progress = Callable[[int], None]
PLACEHOLDER_SUFFIX = " (placeholder audio)"


@dataclass
class IngestResult:
    media_file: MediaFile
    warnings: list[str]
    created: bool  # False when these exact source bytes were already attached in this role


# --- sources ------------------------------------------------------------------------------------------------------


def _local_source(
    stack: contextlib.ExitStack,
    storage: Storage,
    settings: Settings,
    source: Path | BinaryIO,
    progress: Progress | None,
) -> tuple[Path, str | None]:
    """A local path to read from, and the source's sha256 when it is already known (an upload stream is spooled to a
    temp file, hashed on the way, refused as soon as it passes the size limit)."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise NotFound(f"no such file: {path}")
        check_size(path.stat().st_size, settings.max_upload_bytes)
        return path, None
    temp = stack.enter_context(storage.temp_file())
    _size, sha = spool(source, temp, limit=settings.max_upload_bytes, progress=progress)
    return temp, sha


def probe_source(
    storage: Storage, settings: Settings, source: Path | BinaryIO, *, filename: str
) -> tuple[ProbeResult, list[str]]:
    """What `media-catalogue probe` shows: the probe result (with sha256) and the warnings, storing nothing."""
    extension_hint = check_filename(filename)
    with contextlib.ExitStack() as stack:
        path, sha = _local_source(stack, storage, settings, source, None)
        result = probe(path, extension_hint=extension_hint)
        placeholder = "placeholder" in result.title.lower()
        warnings = validate(result, extension_hint=extension_hint, placeholder=placeholder)
        result.sha256 = sha or sha256_file(path)
        return result, warnings


# --- tags from the catalogue --------------------------------------------------------------------------------------


def _written_title(title: str, placeholder: bool) -> str:
    if placeholder and "placeholder" not in title.lower():
        return title + PLACEHOLDER_SUFFIX
    return title


def _date(episode: Episode) -> str | None:
    if episode.published_at is None:
        return None
    local = episode.published_at.astimezone(ZoneInfo(episode.show.timezone or "UTC"))
    if episode.date_precision == DatePrecision.year:
        return f"{local:%Y}"
    if episode.date_precision == DatePrecision.month:
        return f"{local:%Y-%m}"
    return f"{local:%Y-%m-%d}"


def _artwork(storage: Storage, episode: Episode, warnings: list[str]) -> tuple[bytes, str] | None:
    key = episode.artwork_key or episode.show.artwork_key
    if not key:
        return None
    try:
        with storage.open(key) as handle:
            data = handle.read(artwork_rules.MAX_BYTES + 1)
    except NotFound:
        warnings.append(f"The artwork {key} is missing from storage; the file was tagged without cover art.")
        return None
    return data, "image/png" if key.endswith(".png") else "image/jpeg"


def _chapters(episode: Episode, duration_ms: int, warnings: list[str]) -> list[dict[str, Any]]:
    chapters = list(episode.chapters or [])
    inside = [c for c in chapters if c["startTime"] * 1000 < duration_ms]
    if len(inside) < len(chapters):
        warnings.append(
            f"{len(chapters) - len(inside)} chapter(s) start after the end of the audio "
            f"({duration_ms / 1000:.1f} s) and were left out of the embedded chapters."
        )
    return inside


def _tag_data(
    storage: Storage, settings: Settings, episode: Episode, *, duration_ms: int, placeholder: bool
) -> tuple[TagData, list[str]]:
    show = episode.show
    urls = UrlPlan(settings)
    warnings: list[str] = []
    data = TagData(
        title=_written_title(episode.title, placeholder),
        artist=show.author or show.title,
        album=show.title,
        track=episode.number,
        date=_date(episode),
        language=show.language,
        description=episode.summary or episode.show_notes,
        episode_url=urls.episode(show.slug, episode.slug),
        feed_url=urls.feed(show.slug),
        guid=episode.guid,
        artwork=_artwork(storage, episode, warnings),
        chapters=_chapters(episode, duration_ms, warnings),
        duration_ms=duration_ms,
    )
    return data, warnings


# --- writing ------------------------------------------------------------------------------------------------------


def _media_key(episode: Episode, extension: str) -> str:
    # A fresh name per write: a retagged file gets a new URL, so no CDN or app cache serves stale tags, and the
    # object a committed row points to is never overwritten.
    return f"episodes/{episode.id}/{secrets.token_hex(10)}.{extension}"


def _write_mp3(
    storage: Storage,
    path: Path,
    key: str,
    *,
    prefix: bytes,
    start: int,
    end: int,
    content_type: str,
    hash_source: bool,
    progress: Progress | None,
) -> tuple[StoredObject, str, str | None]:
    """Stream prefix + audio frames to storage in one pass; returns (object, sha256 stored, sha256 of source)."""
    with ThreadedHash() as output_hash, ThreadedHash() as source_hash:
        chunks = spliced(
            path,
            prefix=prefix,
            start=start,
            end=end,
            output_hash=output_hash,
            source_hash=source_hash if hash_source else None,
            progress=progress,
        )
        stored = storage.put_stream(key, chunks, content_type=content_type)
        try:
            return stored, output_hash.hexdigest(), source_hash.hexdigest() if hash_source else None
        except BaseException:
            pending.discard(storage, key)
            raise


def _write_tagged_copy(
    storage: Storage,
    path: Path,
    key: str,
    *,
    result: ProbeResult,
    data: TagData,
    limit: int,
    progress: Progress | None,
) -> tuple[StoredObject, str, str]:
    """MP4/Ogg: copy to a temp file (hashing the source), let mutagen tag it there, hash it, move it into place."""
    with storage.temp_file() as temp:
        with path.open("rb") as handle:
            _size, source_sha = spool(handle, temp, limit=limit, progress=progress)
        if result.format.container == "mp4":
            tag_mp4(temp, data)
        else:
            tag_ogg(temp, data, opus=result.format.codec == "opus")
        sha = sha256_file(temp)
        stored = storage.put_file(key, temp, content_type=result.mime_type)
        return stored, sha, source_sha


def _sibling_channels(session: Session, episode: Episode, role: str) -> set[int]:
    rows = session.scalars(
        select(MediaFile.channels)
        .join(Episode, MediaFile.episode_id == Episode.id)
        .where(
            Episode.show_id == episode.show_id,
            Episode.id != episode.id,
            Episode.deleted_at.is_(None),
            MediaFile.role == role,
            MediaFile.is_placeholder.is_(False),
            MediaFile.channels.is_not(None),
        )
        .distinct()
    )
    return {int(c) for c in rows if c is not None}


def attach_media(
    session: Session,
    storage: Storage,
    settings: Settings,
    episode: Episode,
    source: Path | BinaryIO,
    *,
    filename: str,
    role: str = "primary",
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest a media file for an episode (see the module docstring). The caller commits; `progress` receives the
    number of source bytes read so far."""
    extension_hint = check_filename(filename)
    existing = next((m for m in episode.media_files if m.role == role), None)
    with contextlib.ExitStack() as stack:
        path, source_sha = _local_source(stack, storage, settings, source, progress)
        if existing is not None and existing.source_sha256:
            source_sha = source_sha or sha256_file(path)
            if source_sha == existing.source_sha256:
                return IngestResult(existing, [], created=False)
        result = probe(path, extension_hint=extension_hint)
        placeholder = "placeholder" in result.title.lower()
        warnings = validate(
            result,
            role=role,
            extension_hint=extension_hint,
            sibling_channels=_sibling_channels(session, episode, role),
            placeholder=placeholder,
        )
        data, tag_warnings = _tag_data(
            storage, settings, episode, duration_ms=result.duration_ms, placeholder=placeholder
        )
        warnings += tag_warnings
        key = _media_key(episode, result.extension)
        if result.mpeg is not None:
            stored, sha, hashed = _write_mp3(
                storage,
                path,
                key,
                prefix=render_id3(data),
                start=result.mpeg.audio_start,
                end=result.mpeg.audio_end,
                content_type=result.mime_type,
                hash_source=source_sha is None,
                progress=progress,
            )
        else:
            stored, sha, hashed = _write_tagged_copy(
                storage, path, key, result=result, data=data, limit=settings.max_upload_bytes, progress=progress
            )
        source_sha = source_sha or hashed
    try:
        media = existing or MediaFile(role=role, position=0 if role == "primary" else len(episode.media_files))
        if existing is not None:
            pending.obsolete(session, storage, existing.storage_key)
        media.storage_key = key
        media.extension = result.extension
        media.mime_type = result.mime_type
        media.byte_length = stored.size
        media.sha256 = sha
        media.source_sha256 = source_sha
        media.duration_ms = result.duration_ms
        media.bitrate = result.bitrate
        media.sample_rate = result.sample_rate
        media.channels = result.channels
        media.codec = result.format.codec if not result.is_video else f"{result.video_codec}+{result.format.codec}"
        media.container = result.format.container
        media.width, media.height = result.width, result.height
        media.title = result.title[:300] or None
        media.is_placeholder = placeholder
        if existing is None:
            episode.media_files.append(media)
        session.flush()
        touch(session, episode.show)
    except BaseException:
        pending.discard(storage, key)
        raise
    pending.written(session, storage, key)
    return IngestResult(media, warnings, created=True)


# --- re-tagging ---------------------------------------------------------------------------------------------------


def retag_episode(session: Session, storage: Storage, settings: Settings, episode: Episode) -> None:
    """Rewrite the tags of the episode's stored files after a metadata edit; the audio bytes stay identical. A file
    whose tags already match is left alone (sync calls this on every edit)."""
    changed = False
    for media in list(episode.media_files):
        changed = _retag(session, storage, settings, episode, media) or changed
    if changed:
        session.flush()
        touch(session, episode.show)


def _retag(session: Session, storage: Storage, settings: Settings, episode: Episode, media: MediaFile) -> bool:
    with contextlib.ExitStack() as stack:
        path = storage.local_path(media.storage_key)
        if path is None or not path.is_file():
            path = stack.enter_context(storage.temp_file())
            with storage.open(media.storage_key) as handle:
                spool(handle, path, limit=1 << 62)
        data, _warnings = _tag_data(
            storage, settings, episode, duration_ms=media.duration_ms or 0, placeholder=media.is_placeholder
        )
        key = _media_key(episode, media.extension)
        if media.container == "mpeg":
            with path.open("rb") as handle:
                layout = read_layout(handle, path.stat().st_size)
                handle.seek(0)
                current = handle.read(layout.audio_start)
            prefix = render_id3(data)
            if prefix == current:
                return False
            stored, sha, _ = _write_mp3(
                storage,
                path,
                key,
                prefix=prefix,
                start=layout.audio_start,
                end=layout.audio_end,
                content_type=media.mime_type,
                hash_source=False,
                progress=None,
            )
        else:
            copied, sha = _retag_copy(storage, path, key, media, data)
            if copied is None:
                return False
            stored = copied
    try:
        pending.obsolete(session, storage, media.storage_key)
        media.storage_key, media.byte_length, media.sha256 = key, stored.size, sha
        session.flush()
    except BaseException:
        pending.discard(storage, key)
        raise
    pending.written(session, storage, key)
    return True


def _retag_copy(
    storage: Storage, path: Path, key: str, media: MediaFile, data: TagData
) -> tuple[StoredObject | None, str]:
    with storage.temp_file() as temp:
        with path.open("rb") as handle:
            spool(handle, temp, limit=1 << 62)
        if media.container == "mp4":
            tag_mp4(temp, data)
        else:
            tag_ogg(temp, data, opus=media.codec == "opus")
        sha = sha256_file(temp)
        if sha == media.sha256:
            return None, sha
        return storage.put_file(key, temp, content_type=media.mime_type), sha


# --- artwork and transcripts --------------------------------------------------------------------------------------


def _read_limited(source: Path | BinaryIO, limit: int, what: str) -> bytes:
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise NotFound(f"no such file: {path}")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    else:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise MediaRejected(
            f"{what}: the file is larger than {limit // 1048576} MiB.", code=f"{what.lower()}_too_large"
        )
    return data


def store_artwork(storage: Storage, settings: Settings, source: Path | BinaryIO, *, filename: str) -> str:
    """Validate cover art (Apple's rules) and store it under a content-addressed key; returns the key. Storing the
    same image twice writes it once."""
    check_filename(filename)
    data = _read_limited(source, artwork_rules.MAX_BYTES, "Artwork")
    art = artwork_rules.check_artwork(data)
    key = f"artwork/{hashlib.sha256(data).hexdigest()[:20]}.{art.extension}"
    if not storage.exists(key):
        storage.put_bytes(key, data, content_type=art.mime_type)
    return key


def attach_transcript(
    session: Session,
    storage: Storage,
    settings: Settings,
    episode: Episode,
    source: Path | BinaryIO,
    *,
    language: str,
    filename: str,
) -> Transcript:
    """Validate a WebVTT or SRT transcript, store it, and add or replace the episode's transcript for that language
    and format (its plain text goes to the row, for search and the page)."""
    check_filename(filename)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language or ""):
        raise MediaRejected(
            f"Transcript: {language!r} is not a language code; use a BCP 47 code such as en, fr or nl-BE.",
            code="bad_language",
            field="language",
        )
    data = _read_limited(source, transcripts.MAX_BYTES, "Transcript")
    fmt = transcripts.detect_format(data, filename)
    cues = transcripts.parse(data, fmt)
    key = f"transcripts/{episode.id}/{language}-{hashlib.sha256(data).hexdigest()[:16]}.{fmt}"
    existing = next((t for t in episode.transcripts if t.language == language and t.format == fmt), None)
    if existing is not None and existing.storage_key == key:
        return existing
    storage.put_bytes(key, data, content_type=transcripts.MIME_TYPES[fmt])
    try:
        row = existing or Transcript(language=language, format=fmt)
        if existing is not None:
            pending.obsolete(session, storage, existing.storage_key)
        row.mime_type = transcripts.MIME_TYPES[fmt]
        row.storage_key = key
        row.byte_length = len(data)
        row.text = transcripts.plain_text(cues)
        if existing is None:
            episode.transcripts.append(row)
        session.flush()
        touch(session, episode.show)
    except BaseException:
        pending.discard(storage, key)
        raise
    pending.written(session, storage, key)
    return row


# --- crash leftovers ----------------------------------------------------------------------------------------------


def remove_orphans(session: Session, storage: Storage, *, older_than_seconds: float = 3600) -> list[str]:
    """Delete stored media, transcript and artwork objects that no row points to: what a process killed between
    the durable write and the commit leaves behind. Objects younger than `older_than_seconds` are kept, since an
    ingest in another process may be about to commit them. Returns the keys removed."""
    referenced = set(session.scalars(select(MediaFile.storage_key)))
    referenced |= set(session.scalars(select(Transcript.storage_key)))
    referenced |= {k for k in session.scalars(select(Show.artwork_key)) if k}
    referenced |= {k for k in session.scalars(select(Episode.artwork_key)) if k}
    cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
    removed = []
    for prefix in ("episodes/", "transcripts/", "artwork/"):
        for key in list(storage.iter_keys(prefix)):
            if key in referenced:
                continue
            stat = storage.stat(key)
            if stat is None or (stat.last_modified is not None and stat.last_modified > cutoff):
                continue
            pending.discard(storage, key)
            removed.append(key)
    return removed
