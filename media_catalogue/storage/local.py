"""Local file-system storage: temp file, fsync, rename, fsync of the folder; Range reads from the file."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from ..errors import NotFound, StorageError
from .base import (
    _COPY_BUFFER,
    _PUBLISHED_MODE,
    TEMP_PREFIX,
    StoredObject,
    _check_range,
    _fsync_dir,
    _guess_type,
    _make_dirs,
    _public_url,
    _TempFiles,
    temp_prefix,
    validate_key,
)


class LocalStorage(_TempFiles):
    """Objects are files under `root`; writes go to a temp file that is fsynced and renamed into place."""

    def __init__(self, root: Path, *, temp_dir: Path, public_base_url: str | None = None) -> None:
        super().__init__(temp_dir)
        self.root = root.absolute()
        self.public_base_url = public_base_url

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _staging_dir(self, target_dir: Path) -> Path:
        """settings.temp_dir when it is on the target's file system (rename is atomic there), else the
        target directory itself (a storage folder configured on another disk than the data directory)."""
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        if os.stat(self.temp_dir).st_dev == os.stat(target_dir).st_dev:
            return self.temp_dir
        return target_dir

    def _publish(self, temp: Path, target: Path) -> None:
        os.chmod(temp, _PUBLISHED_MODE)
        try:
            os.replace(temp, target)
        except FileNotFoundError:
            if not temp.exists():
                raise
            _make_dirs(target.parent)  # a concurrent delete pruned the folder, empty until now
            os.replace(temp, target)
        _fsync_dir(target.parent)

    def _stored(self, key: str, target: Path, content_type: str | None) -> StoredObject:
        st = target.stat()
        return StoredObject(
            key=key,
            size=st.st_size,
            etag=f"{st.st_mtime_ns:x}-{st.st_size:x}",
            content_type=content_type or _guess_type(key),
            last_modified=datetime.fromtimestamp(st.st_mtime, UTC),
        )

    def put_stream(self, key: str, chunks: Iterable[bytes], *, content_type: str) -> StoredObject:
        target = self._path(key)
        try:
            _make_dirs(target.parent)
            fd, name = tempfile.mkstemp(prefix=temp_prefix(), dir=self._staging_dir(target.parent))
        except OSError as exc:
            raise StorageError(f"cannot write {key}: {exc.strerror or exc}") from exc
        temp = Path(name)
        try:
            with open(fd, "wb", buffering=_COPY_BUFFER) as out:
                for chunk in chunks:  # exceptions from the producer propagate unchanged
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise StorageError(f"cannot write {key}: {exc.strerror or exc}") from exc
                try:
                    out.flush()
                    os.fsync(out.fileno())
                except OSError as exc:
                    raise StorageError(f"cannot write {key}: {exc.strerror or exc}") from exc
            try:
                self._publish(temp, target)
            except OSError as exc:
                raise StorageError(f"cannot write {key}: {exc.strerror or exc}") from exc
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return self._stored(key, target, content_type)

    def put_bytes(self, key: str, data: bytes, *, content_type: str) -> StoredObject:
        return self.put_stream(key, [data], content_type=content_type)

    def put_file(self, key: str, source: Path, *, content_type: str) -> StoredObject:
        """Publish a finished local file. A file staged by `temp_file()` on the same file system is moved
        into place (no copy: it no longer exists afterwards); any other file is copied."""
        target = self._path(key)
        source = Path(source)
        try:
            _make_dirs(target.parent)
            source_stat = source.stat()
            ours = source.absolute().parent == self.temp_dir and source.name.startswith(TEMP_PREFIX)
            if ours and source_stat.st_dev == os.stat(target.parent).st_dev:
                fd = os.open(source, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                self._publish(source, target)
                return self._stored(key, target, content_type)
        except OSError as exc:
            raise StorageError(f"cannot store {source} as {key}: {exc.strerror or exc}") from exc
        try:
            fd, name = tempfile.mkstemp(prefix=temp_prefix(), dir=self._staging_dir(target.parent))
        except OSError as exc:
            raise StorageError(f"cannot write {key}: {exc.strerror or exc}") from exc
        temp = Path(name)
        try:
            with open(fd, "wb") as out, open(source, "rb") as src:
                shutil.copyfileobj(src, out, _COPY_BUFFER)
                out.flush()
                os.fsync(out.fileno())
            self._publish(temp, target)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise StorageError(f"cannot store {source} as {key}: {exc.strerror or exc}") from exc
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return self._stored(key, target, content_type)

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            return path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise NotFound(f"no stored object {key}") from exc
        except OSError as exc:
            raise StorageError(f"cannot read {key}: {exc.strerror or exc}") from exc

    def iter_range(self, key: str, start: int, end: int, chunk_size: int = 65536) -> Iterator[bytes]:
        """Bytes start..end inclusive (an HTTP Range); stops early at the end of the object."""
        _check_range(start, end, chunk_size)
        with self.open(key) as handle:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = handle.read(min(chunk_size, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def stat(self, key: str) -> StoredObject | None:
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return self._stored(key, path, None)
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Delete the object and the folders it leaves empty (episodes/<id>/ once its last file goes)."""
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except IsADirectoryError:
            return
        except OSError as exc:
            raise StorageError(f"cannot delete {key}: {exc.strerror or exc}") from exc
        self._prune(path.parent)

    def _prune(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return  # not empty (or already gone): stop there
            folder = folder.parent

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with `prefix`, in lexicographic order (as S3 lists them)."""
        start = self.root
        if "/" in prefix:
            start = self.root / validate_key(prefix.rsplit("/", 1)[0])
        if not start.is_dir():
            return
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = [d for d in dirnames if not d.startswith(TEMP_PREFIX)]
            relative = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                if name.startswith(TEMP_PREFIX):
                    continue
                key = name if relative == "." else f"{relative}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        yield from sorted(keys)

    def public_url(self, key: str) -> str | None:
        return _public_url(self.public_base_url, key)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def cleanup_temp(self, older_than_seconds: float = 0) -> int:
        removed = self.cleanup_local_temp(older_than_seconds)
        # Staging files written next to their target when the storage folder is on another file system.
        if self.root.is_dir():
            leftovers = (
                Path(dirpath) / name
                for dirpath, _dirs, names in os.walk(self.root)
                for name in names
                if name.startswith(TEMP_PREFIX)
            )
            removed += self._remove_leftovers(leftovers, time.time() - older_than_seconds)
            for dirpath, _dirs, _names in sorted(os.walk(self.root), key=lambda entry: -len(entry[0])):
                if Path(dirpath) != self.root:
                    self._prune(Path(dirpath))
        return removed
