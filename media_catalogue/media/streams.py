"""Byte streaming for ingest: bounded-memory copies that hash (and count MP3 frames) on the way, with the size limit
enforced while reading.

sha256 runs on worker threads (hashlib releases the GIL on large buffers), so hashing the upload and the stored copy
overlaps the reading and the durable writing instead of adding to them.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .validate import too_large

CHUNK = 1024 * 1024
_IN_FLIGHT = 4  # chunks a hasher may lag behind: bounds memory to a few MiB whatever the file size

Progress = Callable[[int], None]


class ThreadedHash:
    """A sha256 fed from the caller's thread and computed on its own worker thread, in order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
        self._pending: deque[Future[None]] = deque()

    def update(self, data: bytes) -> None:
        self._pending.append(self._executor.submit(self._hash.update, data))
        while len(self._pending) > _IN_FLIGHT:
            self._pending.popleft().result()

    def hexdigest(self) -> str:
        while self._pending:
            self._pending.popleft().result()
        return self._hash.hexdigest()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ThreadedHash:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def sha256_file(path: Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done)
    return digest.hexdigest()


def spool(source: BinaryIO, target: Path, *, limit: int, progress: Progress | None = None) -> tuple[int, str]:
    """Copy an upload stream into `target` (a temp file) while hashing it; raise TooLarge as soon as more than
    `limit` bytes arrive, before the rest is read. Returns (size, sha256)."""
    size = 0
    with ThreadedHash() as digest, target.open("wb") as out:
        while True:
            chunk = source.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            digest.update(chunk)
            out.write(chunk)
            if progress:
                progress(size)
        return size, digest.hexdigest()


def spliced(
    path: Path,
    *,
    prefix: bytes,
    start: int,
    end: int,
    output_hash: ThreadedHash,
    source_hash: ThreadedHash | None = None,
    audio: Callable[[bytes], None] | None = None,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """Yield `prefix` then bytes [start, end) of the file, feeding the stored bytes to `output_hash`, when given,
    every byte of the source file (tags included) to `source_hash` and the audio bytes to `audio` (the frame
    counter): one read of the source for all three."""
    if prefix:
        output_hash.update(prefix)
        yield prefix
    with path.open("rb") as handle:
        position = 0
        if source_hash is None:
            handle.seek(start)
            position = start
        while source_hash is not None or position < end:
            chunk = handle.read(CHUNK if source_hash is not None else min(CHUNK, end - position))
            if not chunk:
                break
            if source_hash is not None:
                source_hash.update(chunk)
            low, high = max(start - position, 0), min(end - position, len(chunk))
            position += len(chunk)
            if progress:
                progress(position)
            if low >= high:
                continue
            piece = chunk if low == 0 and high == len(chunk) else chunk[low:high]
            output_hash.update(piece)
            if audio is not None:
                audio(piece)
            yield piece
        if position < end:
            raise OSError(f"{path} became shorter while it was being stored")
