"""The one ingest pipeline every entry point uses (sync, CLI, the staff upload): take a media file, read it once
while hashing and probing, validate it, write the tagged copy to storage atomically, and record it in the catalogue.

A refusal or a failure leaves no row, no stored object and no temp file; an object written for a transaction that
later rolls back is deleted, and one a crash leaves behind is found through the journal at the next start
(storage/pending.py, ingest_recovery.py). Storage keys never derive from the uploader's file name.

MP3 (the bulk of any podcast) takes the fast path of ingest_write.py: one read of the source feeds the durable
write, the stored file's checksum and, when the headers cannot give the length, the frame count. No second checksum
of the source is taken for it: a re-ingest recognises the same recording by comparing its audio frames with the
stored ones. MP4 and Ogg are tagged in a temp copy; their source checksum recognises them.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalogue.models import Episode, MediaFile, Transcript
from .catalogue.versions import touch
from .config import Settings
from .errors import MediaRejected, NotFound
from .ingest_tags import adopt_embedded, tag_data
from .ingest_write import retag_copy, same_audio, write_mp3, write_tagged_copy
from .media import artwork as artwork_rules
from .media import transcripts
from .media.mpeg import read_layout
from .media.probe import ProbeResult, apply_count, embedded_chapters, mp3_counter, probe, probe_counted
from .media.streams import sha256_file, spool
from .media.tags import render_id3
from .media.validate import check_filename, check_size, validate
from .storage import Storage, StoredObject, pending

__all__ = [
    "IngestResult",
    "attach_media",
    "attach_transcript",
    "probe_source",
    "retag_episode",
    "store_artwork",
]

Progress = Callable[[int], None]


@dataclass
class IngestResult:
    media_file: MediaFile
    warnings: list[str]
    created: bool  # False when this role already holds these source bytes (MP3: these audio frames)


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
    """What `media-catalogue probe` shows: the probe result (with sha256) and the warnings, storing nothing. The
    MP3 frame count and the checksum share one read of the file."""
    extension_hint = check_filename(filename)
    with contextlib.ExitStack() as stack:
        path, sha = _local_source(stack, storage, settings, source, None)
        result = probe_counted(path, extension_hint=extension_hint, hash_source=sha is None)
        placeholder = "placeholder" in result.title.lower()
        warnings = validate(result, extension_hint=extension_hint, placeholder=placeholder)
        result.sha256 = sha or result.sha256 or sha256_file(path)
        return result, warnings + result.notes + result.tag_warnings


# --- writing ------------------------------------------------------------------------------------------------------


def _media_key(episode: Episode, extension: str) -> str:
    # A fresh name per write: a retagged file gets a new URL, so no CDN or app cache serves stale tags, and the
    # object a committed row points to is never overwritten.
    return f"episodes/{episode.id}/{secrets.token_hex(10)}.{extension}"


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
                warnings_same: list[str] = []
                adopt_embedded(episode, embedded_chapters(path), warnings_same)
                return IngestResult(existing, warnings_same, created=False)
        result = probe(path, extension_hint=extension_hint, count_frames=False)
        if (
            existing is not None
            and not existing.source_sha256
            and result.mpeg is not None
            and existing.container == "mpeg"
            and same_audio(storage, existing.storage_key, path, result.mpeg)
        ):
            kept: list[str] = []
            adopt_embedded(episode, result.chapters, kept)
            return IngestResult(existing, kept, created=False)
        warnings: list[str] = []
        placeholder = "placeholder" in result.title.lower()
        siblings = _sibling_channels(session, episode, role)

        def check() -> list[str]:
            return validate(
                result, role=role, extension_hint=extension_hint, sibling_channels=siblings, placeholder=placeholder
            )

        check()
        adopt_embedded(episode, result.chapters, warnings)
        data, tag_warnings = tag_data(
            storage, settings, episode, duration_ms=result.duration_ms, placeholder=placeholder
        )
        if result.fragmented and data.chapters:
            warnings.append("Chapters are not embedded in a fragmented MP4; apps get them from the chapters file.")
        key = _media_key(episode, result.extension)
        pending.begin(storage, key)
        try:
            if result.mpeg is not None:
                layout = result.mpeg
                counter = mp3_counter(layout) if layout.needs_count else None
                prefix = render_id3(data)

                def write_mp3_once() -> tuple[StoredObject, str, str | None]:
                    return write_mp3(
                        storage, path, key, prefix=prefix, start=layout.audio_start, end=layout.audio_end,
                        content_type=result.mime_type, hash_source=False, counter=counter,
                        progress=progress,
                    )  # fmt: skip

                stored, sha, hashed = write_mp3_once()
                estimate = result.duration_ms
                if counter is not None:
                    apply_count(result, counter)
                if result.duration_ms != estimate:
                    data, tag_warnings = tag_data(
                        storage, settings, episode, duration_ms=result.duration_ms, placeholder=placeholder
                    )
                    if render_id3(data) != prefix:  # chapter end times depend on the length: write the right ones
                        prefix, counter = render_id3(data), None
                        stored, sha, hashed = write_mp3_once()
            else:
                stored, sha, hashed = write_tagged_copy(
                    storage, path, key, result=result, data=data, limit=settings.max_upload_bytes, progress=progress
                )
            warnings += check() + result.notes + result.tag_warnings + tag_warnings
        except BaseException:
            pending.discard(storage, key)
            raise
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
        data, _warnings = tag_data(
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
        pending.begin(storage, key)
        try:
            if media.container == "mpeg":
                stored, sha, _ = write_mp3(
                    storage, path, key, prefix=prefix, start=layout.audio_start, end=layout.audio_end,
                    content_type=media.mime_type, hash_source=False,
                )  # fmt: skip
            else:
                copied, sha = retag_copy(
                    storage, path, key, container=media.container or "", opus=media.codec == "opus",
                    content_type=media.mime_type, data=data, current_sha=media.sha256,
                )  # fmt: skip
                if copied is None:
                    storage.journal.remove(key)
                    return False
                stored = copied
            pending.obsolete(session, storage, media.storage_key)
            media.storage_key, media.byte_length, media.sha256 = key, stored.size, sha
            session.flush()
        except BaseException:
            pending.discard(storage, key)
            raise
    pending.written(session, storage, key)
    return True


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
    pending.begin(storage, key)
    try:
        storage.put_bytes(key, data, content_type=transcripts.MIME_TYPES[fmt])
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
