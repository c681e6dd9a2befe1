"""Backup and restore of the seeded catalogue (database and media) on SQLite and PostgreSQL, local storage and S3
over moto's server: the restored catalogue serves the same feed bytes and the same media bytes; a non-empty target
and a damaged backup are refused before anything is written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from media_catalogue.catalogue import backup
from media_catalogue.config import PROJECT_ROOT, Settings
from media_catalogue.db import Database
from media_catalogue.errors import Conflict, Invalid
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from media_catalogue.web.app import create_app

BASE = "https://podcasts.example.org"
PATHS = ("/feeds/u-care-fr.xml", "/feeds/all.xml", "/media/u-care-fr/episode-1.mp3", "/shows/match-podcast-en")


def _settings(data_dir: Path, database_url: str, storage: str | None, endpoint: str | None) -> Settings:
    return Settings(
        data_dir=data_dir, base_url=BASE, database_url=database_url, storage_url=storage, s3_endpoint_url=endpoint,
        s3_region="us-east-1", fetch_video_thumbnails=False, _env_file=None,
    )  # type: ignore[call-arg]  # fmt: skip


def _served(settings: Settings) -> dict[str, bytes]:
    database = Database(settings)
    try:
        with TestClient(create_app(settings, database=database), base_url=BASE) as client:
            answers = {path: client.get(path) for path in PATHS}
    finally:
        database.dispose()
    assert all(a.status_code == 200 for a in answers.values()), {p: a.status_code for p, a in answers.items()}
    return {path: answer.content for path, answer in answers.items()}


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A fresh empty place of the same kind: another SQLite file, or another PostgreSQL database whose search_path
    names the source's schema (a pg_dump of one schema restores into a schema of that name)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'catalogue.sqlite3'}"
        return
    url = make_url(database_url)
    name = f"mc_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["local", "s3"])
def storages(request: pytest.FixtureRequest) -> tuple[str | None, str | None, str | None]:
    """(source storage URL, target storage URL, S3 endpoint): local folders by default, or two buckets of moto."""
    if request.param == "local":
        return None, None, None
    endpoint = request.getfixturevalue("s3_endpoint")
    import boto3

    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="us-east-1")
    buckets = [f"mc-backup-{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for bucket in buckets:
        client.create_bucket(Bucket=bucket)
    return f"s3://{buckets[0]}/media", f"s3://{buckets[1]}/media", endpoint


def test_restored_catalogue_serves_the_same_bytes(
    database_url: str, target_url: str, storages: tuple[str | None, str | None, str | None], tmp_path: Path
) -> None:
    source_storage, target_storage, endpoint = storages
    source = _settings(tmp_path / "source", database_url, source_storage, endpoint)
    database = Database(source)
    database.migrate()
    report = sync_folder(database, source, create_storage(source), PROJECT_ROOT / "episodes")
    assert report.errors == [], report.errors
    before = _served(source)

    out = tmp_path / "backup"
    summary = backup.backup(database, create_storage(source), out)
    database.dispose()
    assert summary.objects > 0 and (out / "manifest.json").is_file()
    with pytest.raises(Conflict):
        backup.backup(Database(source), create_storage(source), out)  # never over an earlier backup

    target = _settings(tmp_path / "target", target_url, target_storage, endpoint)
    restored_db = Database(target)
    restored = backup.restore(restored_db, create_storage(target), out)
    assert restored.objects == summary.objects and restored.bytes == summary.bytes
    assert _served(target) == before
    # Restoring again over the restored catalogue is refused unless forced, and forced, gives the same again.
    with pytest.raises(Conflict, match="not empty"):
        backup.restore(restored_db, create_storage(target), out)
    backup.restore(restored_db, create_storage(target), out, force=True)
    restored_db.dispose()
    assert _served(target) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    source = _settings(tmp_path / "source", f"sqlite:///{tmp_path / 's.sqlite3'}", None, None)
    database = Database(source)
    database.migrate()
    sync_folder(database, source, create_storage(source), PROJECT_ROOT / "episodes")
    out = tmp_path / "backup"
    backup.backup(database, create_storage(source), out)
    database.dispose()
    victim = next(p for p in (out / "objects").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes()[:-1] + b"\x00")

    target = _settings(tmp_path / "target", f"sqlite:///{tmp_path / 't.sqlite3'}", None, None)
    target_db = Database(target)
    with pytest.raises(Invalid, match="checksum"):
        backup.restore(target_db, create_storage(target), out)
    assert not (tmp_path / "target" / "media").exists() or not any((tmp_path / "target" / "media").rglob("*.*"))
    assert backup._database_empty(target_db)
    (out / "manifest.json").unlink()
    with pytest.raises(Invalid, match="not a backup"):
        backup.restore(target_db, create_storage(target), out)
    target_db.dispose()
