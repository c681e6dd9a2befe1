"""Where an export goes: a local folder or s3://bucket/prefix, behind one small interface.

Each write is atomic (a folder: temp file + rename; S3: one PUT), so a reader or a killed export never sees half a
file. The manifest is one more file, written last by the caller.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import Invalid

if TYPE_CHECKING:
    from ..config import Settings

MANIFEST = ".export-manifest.json"
TEMP_PREFIX = ".export-tmp-"


class Target(Protocol):
    def read(self, name: str) -> bytes | None: ...
    def names(self) -> set[str]: ...
    def write(self, name: str, data: bytes, *, content_type: str, cache_control: str | None) -> None: ...
    def delete(self, name: str) -> None: ...
    def describe(self) -> str: ...


class FolderTarget:
    """A local folder, served as it is by any static file server (index.html per page, 404.html)."""

    def __init__(self, root: Path) -> None:
        if root.exists() and not root.is_dir():
            raise Invalid(f"{root} exists and is not a folder.", code="bad_destination")
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def read(self, name: str) -> bytes | None:
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            return None

    def names(self) -> set[str]:
        """Every file under the folder, temp files of a killed run included (so they get removed)."""
        found: set[str] = set()
        if not self.root.is_dir():
            return found
        for folder, _, files in os.walk(self.root):
            relative = Path(folder).relative_to(self.root)
            for file in files:
                found.add((relative / file).as_posix())
        return found

    def write(self, name: str, data: bytes, *, content_type: str, cache_control: str | None) -> None:
        path = self.root / name
        if path.is_dir():  # a page became a file (or the other way round): the new shape wins
            import shutil

            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}"
        try:
            with open(temp, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def delete(self, name: str) -> None:
        path = self.root / name
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


class S3Target:
    """Objects under s3://bucket/prefix, with Content-Type and Cache-Control as object metadata (a website bucket
    or a CDN in front of it serves them with these headers). Uses storage.S3Storage: boto3 lives there only."""

    def __init__(self, settings: Settings, location: str) -> None:
        from ..storage import S3Storage

        self.location = location.rstrip("/")
        self.storage = S3Storage.from_settings(settings, location)

    def describe(self) -> str:
        return self.location

    def read(self, name: str) -> bytes | None:
        return self.storage.read_bytes(name)

    def names(self) -> set[str]:
        return set(self.storage.iter_keys())

    def write(self, name: str, data: bytes, *, content_type: str, cache_control: str | None) -> None:
        self.storage.put_published(name, data, content_type=content_type, cache_control=cache_control)

    def delete(self, name: str) -> None:
        self.storage.delete(name)


def open_target(settings: Settings, destination: str) -> Target:
    """FolderTarget for a path, S3Target for s3://bucket[/prefix]."""
    if destination.startswith("s3://"):
        if not destination[5:].split("/", 1)[0]:
            raise Invalid("an S3 destination looks like s3://bucket/prefix.", code="bad_destination")
        return S3Target(settings, destination)
    if "://" in destination:
        raise Invalid(f"cannot export to {destination!r}: give a folder or s3://bucket/prefix.", code="bad_destination")
    return FolderTarget(Path(destination))
