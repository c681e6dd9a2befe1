"""Ingest into S3 (moto's server over HTTP): the same pipeline, multipart for big files, nothing left on refusal."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest
from mutagen.id3 import ID3
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from media_catalogue import ingest
from media_catalogue.catalogue.models import MediaFile
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import MediaRejected
from media_catalogue.storage import S3Storage, Storage, create_storage
from tests.media.factories import add_episode, artwork_bytes, fixture, mp3_audio_frames, stored_keys, temp_leftovers


@pytest.fixture
def s3(s3_settings: Settings) -> Iterator[tuple[Settings, Storage, Session]]:
    settings = s3_settings.model_copy(update={"s3_multipart_threshold": 5 * 1024 * 1024})
    storage = create_storage(settings)
    assert isinstance(storage, S3Storage)
    database = Database(settings)
    database.migrate()
    with database.sessions() as session:
        yield settings, storage, session
    database.dispose()


def _read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


@pytest.mark.parametrize("name", ["cbr-id3v24.mp3", "aac.m4a", "speech.opus"])
def test_ingest_into_s3(name: str, s3: tuple[Settings, Storage, Session]) -> None:
    settings, storage, session = s3
    art = ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400)), filename="c.jpg")
    episode = add_episode(session, artwork_key=art)
    result = ingest.attach_media(session, storage, settings, episode, fixture(name), filename=name)
    session.commit()
    data = _read(storage, result.media_file.storage_key)
    assert result.media_file.sha256 == hashlib.sha256(data).hexdigest()
    assert result.media_file.byte_length == len(data)
    if name.endswith(".mp3"):
        assert str(ID3(io.BytesIO(data))["TIT2"]) == "First steps (placeholder audio)"
        assert ID3(io.BytesIO(data)).getall("APIC")[0].data == _read(storage, art)
        assert mp3_audio_frames(data) == mp3_audio_frames(fixture(name).read_bytes())
    assert temp_leftovers(settings) == []


def test_big_mp3_goes_multipart_and_retags(s3: tuple[Settings, Storage, Session]) -> None:
    settings, storage, session = s3
    source = fixture("cbr-noxing-id3v23.mp3").read_bytes()
    frames = mp3_audio_frames(source)
    big = frames * (12 * 1024 * 1024 // len(frames))  # 12 MiB of valid frames: three parts
    episode = add_episode(session)
    result = ingest.attach_media(session, storage, settings, episode, io.BytesIO(big), filename="big.mp3")
    session.commit()
    media = result.media_file
    assert media.source_sha256 == hashlib.sha256(big).hexdigest()
    stored = _read(storage, media.storage_key)
    assert mp3_audio_frames(stored) == big and media.sha256 == hashlib.sha256(stored).hexdigest()
    old_key = media.storage_key
    episode.title = "Renamed"
    ingest.retag_episode(session, storage, settings, episode)
    session.commit()
    assert media.storage_key != old_key and stored_keys(storage) == [media.storage_key]
    assert str(ID3(io.BytesIO(_read(storage, media.storage_key)))["TIT2"]) == "Renamed"
    assert storage.incomplete_uploads() == []  # type: ignore[attr-defined]
    assert temp_leftovers(settings) == []


def test_refusal_and_rollback_leave_nothing_in_s3(s3: tuple[Settings, Storage, Session]) -> None:
    settings, storage, session = s3
    episode = add_episode(session)
    with pytest.raises(MediaRejected) as caught:
        ingest.attach_media(session, storage, settings, episode, fixture("speech.wav"), filename="a.wav")
    assert caught.value.code == "unsupported_format"
    ingest.attach_media(session, storage, settings, episode, fixture("aac.m4a"), filename="a.m4a")
    session.rollback()
    assert stored_keys(storage) == []
    assert session.scalar(select(func.count()).select_from(MediaFile)) == 0
    assert temp_leftovers(settings) == []
