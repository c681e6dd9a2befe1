"""Backup and restore of a whole catalogue: its database and its media objects, into one folder.

The database is copied by the standard tool of its engine: SQLite's online backup API (a consistent copy while the
app serves), PostgreSQL's pg_dump in custom format (restored by pg_restore; the binaries must be on PATH). The
objects of the storage (local folder or S3) are copied under objects/ with their content type; manifest.json lists
every file with its size and SHA-256, written last, so a folder without one is an unfinished backup.

A restore goes into an empty database and an empty storage (refused otherwise unless `force`), checks every
checksum before it writes anything, then copies the objects in and verifies each as it goes, and finally migrates
the database to this version's schema (a backup of an older version is upgraded like any start).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from ..db import Database
from ..errors import Conflict, Invalid
from ..storage import Storage

FORMAT = 1
MANIFEST = "manifest.json"
OBJECTS = "objects"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Summary:
    dialect: str
    objects: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq(database: Database) -> tuple[str, str | None]:
    """The libpq URI of a PostgreSQL database (for pg_dump/pg_restore) and the schema its search_path names."""
    url = database.engine.url
    value = url.query.get("options") or ""
    options = " ".join(value) if isinstance(value, tuple) else value
    schema = None
    for part in options.split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1].split(",")[0].strip('"') or None
    uri = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return uri, schema


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise Invalid(f"{command[0]} is not installed (PostgreSQL client tools are needed for this database)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool, our args
    if done.returncode != 0:
        raise Invalid(f"{command[0]} failed: {done.stderr.strip()[-500:]}", code="tool_failed")


def _dump_database(database: Database, out: Path) -> str:
    if database.dialect == "sqlite":
        target = out / "database.sqlite3"
        with database.engine.connect() as connection:
            source = connection.connection.dbapi_connection
            assert isinstance(source, sqlite3.Connection)
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        return target.name
    if database.dialect == "postgresql":
        uri, schema = _libpq(database)
        target = out / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
              *([f"--schema={schema}"] if schema else []), uri])  # fmt: skip
        return target.name
    raise Invalid(f"backup does not know the {database.dialect} database")


def _keys(storage: Storage) -> Iterator[str]:
    return iter(sorted(storage.iter_keys("")))


def backup(database: Database, storage: Storage, out: Path) -> Summary:
    """Write a backup of `database` and `storage` into the folder `out` (which must be empty or not exist)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Conflict(f"{out} is not an empty folder; back up into a new one", code="not_empty")
    out.mkdir(parents=True, exist_ok=True)
    database_file = _dump_database(database, out)
    objects: list[dict[str, object]] = []
    total = 0
    for key in _keys(storage):
        stat = storage.stat(key)
        target = out / OBJECTS / key
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(key) as source, target.open("wb") as handle:
            shutil.copyfileobj(source, handle, _CHUNK)
        size = target.stat().st_size
        total += size
        content_type = stat.content_type if stat else None
        objects.append({"key": key, "size": size, "sha256": _sha256(target), "content_type": content_type})
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(),
        "database": {"dialect": database.dialect, "file": database_file, "sha256": _sha256(out / database_file)},
        "objects": objects,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1))  # last: its presence says the backup is complete
    return Summary(database.dialect, len(objects), total)


def read_manifest(folder: Path) -> dict:  # type: ignore[type-arg]
    path = folder / MANIFEST
    if not path.is_file():
        raise Invalid(f"{folder} holds no {MANIFEST}: not a backup, or an unfinished one", code="not_a_backup")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise Invalid(f"{path} is not valid JSON: {exc}", code="not_a_backup") from exc
    if manifest.get("format") != FORMAT:
        raise Invalid(f"{path}: unknown backup format {manifest.get('format')!r}", code="not_a_backup")
    return manifest  # type: ignore[no-any-return]


def verify(folder: Path, manifest: dict) -> None:  # type: ignore[type-arg]
    """Every file the manifest lists is there, with its size and checksum; else Invalid naming the first that is not."""
    files = [(manifest["database"]["file"], None, manifest["database"]["sha256"])]
    files += [(f"{OBJECTS}/{o['key']}", o["size"], o["sha256"]) for o in manifest["objects"]]
    for name, size, digest in files:
        path = folder / name
        if ".." in Path(name).parts or not path.is_file():
            raise Invalid(f"the backup lacks {name}", code="backup_damaged")
        if (size is not None and path.stat().st_size != size) or _sha256(path) != digest:
            raise Invalid(f"{name} does not match its checksum in the manifest", code="backup_damaged")


def _database_empty(database: Database) -> bool:
    tables = set(inspect(database.engine).get_table_names())
    return not (tables - {"alembic_version"})


def restore(database: Database, storage: Storage, folder: Path, *, force: bool = False) -> Summary:
    """Restore the backup in `folder` into `database` and `storage`; see the module's docstring."""
    manifest = read_manifest(folder)
    dialect = manifest["database"]["dialect"]
    if dialect != database.dialect:
        raise Invalid(f"this backup is of a {dialect} database; the target is {database.dialect}", code="wrong_dialect")
    verify(folder, manifest)
    if not force:
        if not _database_empty(database):
            raise Conflict("the target database is not empty (use --force to replace it)", code="not_empty")
        if next(iter(storage.iter_keys("")), None) is not None:
            raise Conflict("the target storage is not empty (use --force to replace it)", code="not_empty")
    _restore_database(database, folder / manifest["database"]["file"], force=force)
    total = 0
    for entry in manifest["objects"]:
        source = folder / OBJECTS / entry["key"]
        storage.put_file(entry["key"], source, content_type=entry.get("content_type") or "application/octet-stream")
        with storage.open(entry["key"]) as stored:
            digest = hashlib.sha256()
            while chunk := stored.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise Invalid(f"{entry['key']} was damaged on its way into the storage", code="restore_failed")
        total += entry["size"]
    database.migrate()
    return Summary(dialect, len(manifest["objects"]), total)


def _restore_database(database: Database, dump: Path, *, force: bool) -> None:
    if database.dialect == "sqlite":
        path = make_url(str(database.engine.url)).database
        if not path or path == ":memory:":
            raise Invalid("restore needs a database file, not an in-memory database")
        database.engine.dispose()
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            source.backup(target)  # replaces every page of the target, in one transaction
        finally:
            target.close()
            source.close()
        return
    uri, _schema = _libpq(database)
    options = ["--clean", "--if-exists"] if force else []
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *options, f"--dbname={uri}", str(dump)])
    if _database_empty(database):  # the dump's schema is not the one the target's search_path names
        raise Invalid("the restored tables are not in the target's schema: restore into a database whose "
                      "search_path names the backed-up schema", code="restore_failed")  # fmt: skip
