"""A write-ahead journal of stored objects that no committed row may point to yet: an entry is made durable before
the object is written (or before the row stops pointing to it) and removed once the transaction's outcome is
settled. An entry left by a process that died names an object that may be an orphan; start-up recovery deletes such
an object unless a row points to it, whatever its age (see ingest_recovery.py).

Entries are small files in <data_dir>/journal, one per key, holding the key, the writer's process id and its host,
so that recovery leaves alone the entries of a process still running (a CLI ingest while the app starts), and those
written by another host when several share one data folder: a process id means nothing on another machine, so only
the writer's own host settles them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path


def this_host() -> str:
    """A short tag of this machine, recorded with journal entries and temp file names."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


@dataclass(frozen=True)
class JournalEntry:
    key: str
    pid: int
    path: Path
    host: str = ""

    @property
    def writer_alive(self) -> bool:
        if self.host and self.host != this_host():
            return True  # another machine's process: we cannot tell, so its own host's recovery settles it
        if self.pid == os.getpid():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class Journal:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def add(self, key: str) -> None:
        """Record `key` durably (file and folder fsynced) before the object is written."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("w") as handle:
            json.dump({"key": key, "pid": os.getpid(), "host": this_host()}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def remove(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def entries(self) -> list[JournalEntry]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.iterdir()):
            if path.suffix == ".tmp":
                with contextlib.suppress(ValueError, FileNotFoundError):
                    if not JournalEntry("", int(path.suffixes[-2].lstrip(".")), path).writer_alive:
                        path.unlink()  # an entry being written when its process died: its object was not begun
                continue
            try:
                body = json.loads(path.read_text())
                found.append(JournalEntry(str(body["key"]), int(body["pid"]), path, str(body.get("host", ""))))
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # unreadable: its write never finished, so its object was never begun
        return found
