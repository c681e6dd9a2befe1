"""Writing an episode file to storage. MP3 in one pass: the rendered ID3v2.4 tag, then the source's audio frames,
streamed to storage while both checksums are computed on worker threads and the frames are counted, from a single
read of the source. MP4 and Ogg: a temp copy (hashed while copied), tagged in place (media.tags), hashed and moved
into place."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .errors import MediaRejected
from .media.mpeg import MpegLayout, read_layout
from .media.mpeg_count import FrameCounter
from .media.probe import ProbeResult
from .media.streams import CHUNK, Progress, ThreadedHash, sha256_file, spliced, spool
from .media.tags import TagData, tag_in_place
from .storage import Storage, StoredObject


def write_mp3(
    storage: Storage,
    path: Path,
    key: str,
    *,
    prefix: bytes,
    start: int,
    end: int,
    content_type: str,
    hash_source: bool,
    counter: FrameCounter | None = None,
    progress: Progress | None = None,
) -> tuple[StoredObject, str, str | None]:
    """Stream prefix + audio frames to storage in one pass; returns (object, sha256 stored, sha256 of source). The
    caller journalled `key` and discards it on failure."""
    with ThreadedHash() as output_hash, ThreadedHash() as source_hash:
        chunks = spliced(
            path,
            prefix=prefix,
            start=start,
            end=end,
            output_hash=output_hash,
            source_hash=source_hash if hash_source else None,
            audio=counter.feed if counter is not None else None,
            progress=progress,
        )
        stored = storage.put_stream(key, chunks, content_type=content_type)
        if counter is not None:
            counter.finish()
        return stored, output_hash.hexdigest(), source_hash.hexdigest() if hash_source else None


def write_tagged_copy(
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
        tag_in_place(temp, data, container=result.format.container, opus=result.format.codec == "opus")
        sha = sha256_file(temp)
        stored = storage.put_file(key, temp, content_type=result.mime_type)
        return stored, sha, source_sha


def retag_copy(
    storage: Storage,
    path: Path,
    key: str,
    *,
    container: str,
    opus: bool,
    content_type: str,
    data: TagData,
    current_sha: str | None,
) -> tuple[StoredObject | None, str]:
    """A re-tagged copy of a stored MP4/Ogg file, or (None, sha) when the tags already match."""
    with storage.temp_file() as temp:
        with path.open("rb") as handle:
            spool(handle, temp, limit=1 << 62)
        tag_in_place(temp, data, container=container, opus=opus)
        sha = sha256_file(temp)
        if sha == current_sha:
            return None, sha
        return storage.put_file(key, temp, content_type=content_type), sha


def same_audio(storage: Storage, key: str, path: Path, layout: MpegLayout) -> bool:
    """Whether the stored MP3 `key` holds exactly the audio frames of `path` (tags aside): ingesting the same
    recording again then changes nothing. Only a re-ingest pays this read, and it stops at the first difference; a
    first ingest hashes nothing but the bytes it stores."""
    length = layout.audio_end - layout.audio_start
    with contextlib.ExitStack() as stack:
        stored = storage.local_path(key)
        if stored is None or not stored.is_file():
            stored = stack.enter_context(storage.temp_file())
            with storage.open(key) as handle:
                spool(handle, stored, limit=1 << 62)
        old = stack.enter_context(stored.open("rb"))
        new = stack.enter_context(path.open("rb"))
        try:
            old_layout = read_layout(old, stored.stat().st_size)
        except MediaRejected:
            return False
        if old_layout.audio_end - old_layout.audio_start != length:
            return False
        old.seek(old_layout.audio_start)
        new.seek(layout.audio_start)
        while length > 0:
            size = min(CHUNK, length)
            if old.read(size) != new.read(size):
                return False
            length -= size
    return True
