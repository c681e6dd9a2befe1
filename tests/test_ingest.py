"""The ingest pipeline end to end: real fixtures, real mutagen, the real storage and the real database (SQLite, and
PostgreSQL when configured): rows, tags read back, dedupe, replacement, rollback, re-tagging, artwork, transcripts."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from media_catalogue import ingest, ingest_recovery
from media_catalogue.catalogue.models import Episode, MediaFile, Show, Transcript
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import MediaRejected, StorageError
from media_catalogue.storage import Storage, StoredObject, create_storage
from tests.media.factories import (
    add_episode,
    artwork_bytes,
    fixture,
    mp3_audio_frames,
    stored_keys,
    temp_leftovers,
)

CHAPTERS = [
    {"startTime": 0, "title": "Welcome"},
    {"startTime": 0.6, "title": "Talent partnerships", "url": "https://www.belgium.iom.int/match"},
]


@pytest.fixture
def storage(settings: Settings) -> Storage:
    return create_storage(settings)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessions() as session:
        yield session


def _read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


def _id3(storage: Storage, key: str) -> ID3:
    return ID3(io.BytesIO(_read(storage, key)))


def test_mp3_is_stored_tagged_and_recorded(session: Session, storage: Storage, settings: Settings) -> None:
    show_art = ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400)), filename="cover.jpg")
    episode = add_episode(session, chapters=CHAPTERS)
    episode.show.artwork_key = show_art
    source = fixture("cbr-id3v24.mp3")
    result = ingest.attach_media(session, storage, settings, episode, source, filename="my-upload.mp3")
    session.commit()

    media = result.media_file
    assert result.created and result.warnings == []
    assert media.id is not None and media.role == "primary" and media.episode_id == episode.id
    assert media.storage_key.startswith(f"episodes/{episode.id}/") and media.storage_key.endswith(".mp3")
    assert "my-upload" not in media.storage_key
    stored = _read(storage, media.storage_key)
    assert media.byte_length == len(stored)
    assert media.sha256 == hashlib.sha256(stored).hexdigest()
    assert media.source_sha256 is None  # MP3 from a file: no second checksum; the audio frames recognise it
    assert (media.mime_type, media.extension, media.codec, media.container) == ("audio/mpeg", "mp3", "mp3", "mpeg")
    assert (media.sample_rate, media.channels, media.duration_ms, media.bitrate) == (44100, 1, 1500, 64000)
    assert media.is_placeholder and media.title == "Placeholder (spoken)"

    tags = _id3(storage, media.storage_key)
    assert tags.version == (2, 4, 0)
    assert str(tags["TIT2"]) == "First steps (placeholder audio)"
    assert str(tags["TPE1"]) == "IOM Belgium and Luxembourg"
    assert str(tags["TALB"]) == "MATCH podcast"
    assert str(tags["TRCK"]) == "2"
    assert str(tags["TDRC"]) == "2022-01-15"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags["TLAN"]) == "eng"
    assert str(tags["TDES"]) == "Labour migration and talent partnerships."
    page = "https://podcasts.example.org/shows/match-podcast/first-steps"
    assert tags.getall("COMM")[0].text == [page]
    assert tags["WOAF"].url == page
    assert tags["WFED"].url == "https://podcasts.example.org/feeds/match-podcast.xml"
    assert str(tags["TGID"]) == "guid-first-steps"
    assert tags.getall("PCST")[0].value == 1
    apic = tags.getall("APIC")[0]
    assert apic.type == 3 and apic.mime == "image/jpeg" and apic.data == _read(storage, show_art)
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (0, 600, "Welcome"),
        (600, 1500, "Talent partnerships"),
    ]
    assert chaps[1].sub_frames.getall("WXXX")[0].url == "https://www.belgium.iom.int/match"
    toc = tags.getall("CTOC")[0]
    assert toc.child_element_ids == [c.element_id for c in chaps]
    assert mp3_audio_frames(stored) == mp3_audio_frames(source.read_bytes())
    assert temp_leftovers(settings) == []


def test_episode_artwork_wins_over_show_artwork(session: Session, storage: Storage, settings: Settings) -> None:
    show_art = ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400)), filename="show.jpg")
    episode_art = ingest.store_artwork(
        storage, settings, io.BytesIO(artwork_bytes(1500, fmt="PNG")), filename="episode.png"
    )
    episode = add_episode(session, artwork_key=episode_art)
    episode.show.artwork_key = show_art
    source = fixture("cbr-noxing-id3v23.mp3")
    result = ingest.attach_media(session, storage, settings, episode, source, filename="a.mp3")
    apic = _id3(storage, result.media_file.storage_key).getall("APIC")[0]
    assert apic.mime == "image/png" and apic.data == _read(storage, episode_art)
    assert not result.media_file.is_placeholder
    assert str(_id3(storage, result.media_file.storage_key)["TIT2"]) == "First steps"


@pytest.mark.parametrize("name", ["cbr-noxing-id3v23.mp3", "vbr-xing-chapters.mp3", "cbr-id3v24.mp3"])
def test_audio_frames_are_byte_identical_after_tagging(
    name: str, session: Session, storage: Storage, settings: Settings
) -> None:
    episode = add_episode(session, chapters=CHAPTERS)
    result = ingest.attach_media(session, storage, settings, episode, fixture(name), filename=name)
    stored = _read(storage, result.media_file.storage_key)
    assert stored != fixture(name).read_bytes()
    assert mp3_audio_frames(stored) == mp3_audio_frames(fixture(name).read_bytes())


def test_same_bytes_twice_are_not_stored_twice(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    first = ingest.attach_media(session, storage, settings, episode, fixture("aac.m4a"), filename="a.m4a")
    session.commit()
    keys = stored_keys(storage)
    again = ingest.attach_media(
        session, storage, settings, episode, io.BytesIO(fixture("aac.m4a").read_bytes()), filename="b.m4a"
    )
    session.commit()
    assert not again.created and again.media_file is first.media_file
    assert stored_keys(storage) == keys
    assert session.scalar(select(func.count()).select_from(MediaFile)) == 1


def test_the_same_recording_again_is_recognised_by_its_audio_frames(
    session: Session, storage: Storage, settings: Settings, tmp_path: Path
) -> None:
    """An MP3 ingested from a file keeps no source checksum (one hash pass, of the stored bytes): the same audio
    given again, whatever its tags say, is recognised by comparing frames with the stored file; other audio is not."""
    episode = add_episode(session)
    first = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    keys = stored_keys(storage)
    frames = mp3_audio_frames(fixture("cbr-id3v24.mp3").read_bytes())
    retagged = tmp_path / "retagged.mp3"
    retagged.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + frames)  # another (empty) tag
    again = ingest.attach_media(session, storage, settings, episode, retagged, filename="b.mp3")
    session.commit()
    assert not again.created and again.media_file is first.media_file and stored_keys(storage) == keys
    other = ingest.attach_media(session, storage, settings, episode, fixture("cbr-noxing-id3v23.mp3"), filename="c.mp3")
    session.commit()
    assert other.created and stored_keys(storage) != keys


def test_replacing_deletes_the_old_object_only_after_commit(
    session: Session, storage: Storage, settings: Settings
) -> None:
    episode = add_episode(session)
    old = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    old_key = old.media_file.storage_key
    new = ingest.attach_media(session, storage, settings, episode, fixture("vbr-xing-chapters.mp3"), filename="b.mp3")
    assert new.created and new.media_file.id == old.media_file.id
    assert storage.exists(old_key) and storage.exists(new.media_file.storage_key)
    session.commit()
    assert not storage.exists(old_key)
    assert stored_keys(storage) == [new.media_file.storage_key]
    assert new.media_file.channels == 2


def test_rollback_deletes_the_object_written(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    session.commit()
    result = ingest.attach_media(session, storage, settings, episode, fixture("speech.opus"), filename="a.opus")
    assert storage.exists(result.media_file.storage_key)
    session.rollback()
    assert stored_keys(storage) == []
    assert session.scalar(select(func.count()).select_from(MediaFile)) == 0


def test_rollback_of_a_replacement_keeps_the_old_object(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    old = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    old_key = old.media_file.storage_key
    ingest.attach_media(session, storage, settings, episode, fixture("aac.m4a"), filename="b.m4a")
    session.rollback()
    assert stored_keys(storage) == [old_key]
    assert session.get(MediaFile, old.media_file.id).storage_key == old_key  # type: ignore[union-attr]


def test_savepoint_rollback_deletes_only_its_objects(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    kept = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    savepoint = session.begin_nested()
    undone = ingest.attach_media(
        session, storage, settings, episode, fixture("speech.opus"), filename="a.opus", role="alternate"
    )
    undone_key = undone.media_file.storage_key
    savepoint.rollback()
    assert not storage.exists(undone_key)
    session.commit()
    assert stored_keys(storage) == [kept.media_file.storage_key]


class _FailingStorage:
    """The real storage, except that writes fail part-way (a full disk, a dropped S3 connection)."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def put_stream(self, key: str, chunks: Iterable[bytes], *, content_type: str) -> StoredObject:
        def failing() -> Iterator[bytes]:
            for index, chunk in enumerate(chunks):
                if index == 1:
                    raise StorageError("disk full")
                yield chunk

        return self.inner.put_stream(key, failing(), content_type=content_type)

    def put_file(self, key: str, source: Path, *, content_type: str) -> StoredObject:
        raise StorageError("disk full")


@pytest.mark.parametrize("name", ["cbr-id3v24.mp3", "aac.m4a"])
def test_storage_failure_leaves_nothing(name: str, session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    failing: Any = _FailingStorage(storage)
    with pytest.raises(StorageError):
        ingest.attach_media(session, failing, settings, episode, fixture(name), filename=name)
    session.rollback()
    assert stored_keys(storage) == []
    assert temp_leftovers(settings) == []
    assert session.scalar(select(func.count()).select_from(MediaFile)) == 0


def test_database_failure_deletes_the_object(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    episode.show.language = None  # type: ignore[assignment]  # NOT NULL: the flush fails after the write
    with pytest.raises(Exception, match="(?i)null"):
        ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.rollback()
    assert stored_keys(storage) == []


def test_m4a_and_video_get_mp4_atoms(session: Session, storage: Storage, settings: Settings) -> None:
    art = ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400)), filename="cover.jpg")
    episode = add_episode(session, artwork_key=art)
    audio = ingest.attach_media(session, storage, settings, episode, fixture("aac.m4a"), filename="a.m4a")
    video = ingest.attach_media(
        session, storage, settings, episode, fixture("video.mp4"), filename="v.m4v", role="video"
    )
    session.commit()
    assert (video.media_file.mime_type, video.media_file.extension) == ("video/x-m4v", "m4v")
    assert (video.media_file.width, video.media_file.height, video.media_file.codec) == (64, 64, "avc1+aac")
    for result in (audio, video):
        data = _read(storage, result.media_file.storage_key)
        assert result.media_file.sha256 == hashlib.sha256(data).hexdigest()
        assert result.media_file.byte_length == len(data)
        tags = MP4(io.BytesIO(data)).tags
        assert tags is not None
        assert tags["\xa9nam"] == ["First steps"]
        assert tags["\xa9ART"] == ["IOM Belgium and Luxembourg"]
        assert tags["\xa9alb"] == ["MATCH podcast"]
        assert tags["\xa9gen"] == ["Podcast"]
        assert tags["trkn"] == [(2, 0)]
        assert tags["pcst"] is True
        assert tags["egid"] == ["guid-first-steps"]
        assert tags["purl"] == ["https://podcasts.example.org/feeds/match-podcast.xml"]
        assert bytes(tags["covr"][0]) == _read(storage, art)


def test_mp4_media_data_is_byte_identical(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    result = ingest.attach_media(session, storage, settings, episode, fixture("aac.m4a"), filename="a.m4a")
    stored = _read(storage, result.media_file.storage_key)
    source = fixture("aac.m4a").read_bytes()

    def mdat(data: bytes) -> bytes:
        at = data.index(b"mdat") - 4
        return data[at : at + int.from_bytes(data[at : at + 4], "big")]

    assert stored != source and mdat(stored) == mdat(source)


def test_opus_gets_vorbis_comments(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session, chapters=CHAPTERS)
    result = ingest.attach_media(
        session, storage, settings, episode, fixture("speech.opus"), filename="a.opus", role="alternate"
    )
    assert result.media_file.role == "alternate" and result.media_file.position == 1 - 1 + 0
    tags = OggOpus(io.BytesIO(_read(storage, result.media_file.storage_key))).tags
    assert tags is not None
    assert tags["title"] == ["First steps"] and tags["album"] == ["MATCH podcast"]
    assert tags["chapter002"] == ["00:00:00.600"] and tags["chapter002name"] == ["Talent partnerships"]


def test_chapters_past_the_end_are_left_out_with_a_warning(
    session: Session, storage: Storage, settings: Settings
) -> None:
    episode = add_episode(session, chapters=[*CHAPTERS, {"startTime": 1800, "title": "Late"}])
    result = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    assert any("1 chapter(s) start after the end" in w for w in result.warnings)
    assert len(_id3(storage, result.media_file.storage_key).getall("CHAP")) == 2


def test_seed_placeholder_ingests(session: Session, storage: Storage, settings: Settings) -> None:
    placeholder = Path(__file__).resolve().parent.parent / "episodes" / "_media" / "placeholder-fr.mp3"
    if not placeholder.exists():
        pytest.skip("the seed catalogue's placeholders are not in this checkout")
    episode = add_episode(session, title="Épisode provisoire")
    result = ingest.attach_media(session, storage, settings, episode, placeholder, filename=placeholder.name)
    assert result.media_file.is_placeholder and result.warnings == []
    tags = _id3(storage, result.media_file.storage_key)
    assert str(tags["TIT2"]) == "Épisode provisoire (placeholder audio)"
    assert mp3_audio_frames(_read(storage, result.media_file.storage_key)) == mp3_audio_frames(placeholder.read_bytes())


def test_show_channel_mismatch_is_warned(session: Session, storage: Storage, settings: Settings) -> None:
    first = add_episode(session, slug="one")
    ingest.attach_media(session, storage, settings, first, fixture("vbr-xing-chapters.mp3"), filename="a.mp3")
    second = add_episode(session, show=first.show, slug="two")
    result = ingest.attach_media(session, storage, settings, second, fixture("cbr-id3v24.mp3"), filename="b.mp3")
    assert any("Channel mismatch" in w for w in result.warnings)


def test_progress_reports_bytes_read(session: Session, storage: Storage, settings: Settings) -> None:
    seen: list[int] = []
    episode = add_episode(session)
    ingest.attach_media(
        session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3", progress=seen.append
    )
    assert seen and seen[-1] == fixture("cbr-id3v24.mp3").stat().st_size


def test_content_version_is_bumped(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    session.commit()
    before = session.scalar(select(Show.content_version).where(Show.id == episode.show_id))
    ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    assert session.scalar(select(Show.content_version).where(Show.id == episode.show_id)) == (before or 0) + 1


# --- re-tagging -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vbr-xing-chapters.mp3", "aac.m4a", "speech.ogg"])
def test_retag_after_a_title_edit(name: str, session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    media = ingest.attach_media(session, storage, settings, episode, fixture(name), filename=name).media_file
    session.commit()
    old_key, old_sha = media.storage_key, media.sha256
    old_bytes = _read(storage, old_key)
    episode.title = "First steps, revised and much longer than before"
    episode.chapters = CHAPTERS
    ingest.retag_episode(session, storage, settings, episode)
    session.commit()
    assert media.storage_key != old_key and media.sha256 != old_sha
    assert not storage.exists(old_key)
    data = _read(storage, media.storage_key)
    assert media.byte_length == len(data) and media.sha256 == hashlib.sha256(data).hexdigest()
    if name.endswith(".mp3"):
        assert str(ID3(io.BytesIO(data))["TIT2"]) == episode.title
        assert len(ID3(io.BytesIO(data)).getall("CHAP")) == 2
        assert mp3_audio_frames(data) == mp3_audio_frames(old_bytes)
    elif name.endswith(".m4a"):
        assert MP4(io.BytesIO(data)).tags["\xa9nam"] == [episode.title]  # type: ignore[index]
    assert stored_keys(storage) == [media.storage_key]


def test_retag_without_changes_writes_nothing(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    ingest.attach_media(session, storage, settings, episode, fixture("aac.m4a"), filename="a.m4a", role="alt")
    session.commit()
    keys = stored_keys(storage)
    ingest.retag_episode(session, storage, settings, episode)
    session.commit()
    assert stored_keys(storage) == keys


def test_retag_rolled_back_keeps_the_old_file(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    media = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    key = media.media_file.storage_key
    episode.title = "Renamed"
    ingest.retag_episode(session, storage, settings, episode)
    session.rollback()
    assert stored_keys(storage) == [key]


# --- artwork and transcripts ----------------------------------------------------------------------------------------


def test_store_artwork_is_content_addressed(storage: Storage, settings: Settings) -> None:
    data = artwork_bytes(1400)
    key = ingest.store_artwork(storage, settings, io.BytesIO(data), filename="cover.jpg")
    assert key == f"artwork/{hashlib.sha256(data).hexdigest()[:20]}.jpg"
    assert ingest.store_artwork(storage, settings, io.BytesIO(data), filename="other name.jpg") == key
    assert _read(storage, key) == data and stored_keys(storage) == [key]


def test_store_artwork_refuses_bad_images(storage: Storage, settings: Settings) -> None:
    with pytest.raises(MediaRejected) as caught:
        ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400, height=1000)), filename="c.jpg")
    assert caught.value.code == "artwork_not_square"
    with pytest.raises(MediaRejected) as caught:
        ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400)), filename="a/c.jpg")
    assert caught.value.code == "bad_filename"
    assert stored_keys(storage) == []


VTT = b"""WEBVTT

00:00:00.000 --> 00:00:01.000
<v Sammy Mahdi>Welcome to the <i>MATCH</i> podcast.

00:00:01.000 --> 00:00:02.500
Talent partnerships &amp; skills.
"""


def test_attach_transcript(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    row = ingest.attach_transcript(
        session, storage, settings, episode, io.BytesIO(VTT), language="en", filename="ep.en.vtt"
    )
    session.commit()
    assert (row.language, row.format, row.mime_type, row.byte_length) == ("en", "vtt", "text/vtt", len(VTT))
    assert row.text == "Sammy Mahdi: Welcome to the MATCH podcast.\nTalent partnerships & skills."
    assert _read(storage, row.storage_key) == VTT
    assert row.storage_key.startswith(f"transcripts/{episode.id}/en-")
    same = ingest.attach_transcript(session, storage, settings, episode, io.BytesIO(VTT), language="en", filename="x")
    assert same is row
    replaced = ingest.attach_transcript(
        session, storage, settings, episode, io.BytesIO(VTT.replace(b"skills", b"jobs")), language="en", filename="x"
    )
    session.commit()
    assert replaced is row and stored_keys(storage) == [row.storage_key]
    assert session.scalar(select(func.count()).select_from(Transcript)) == 1


def test_attach_transcript_refuses_bad_files(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    with pytest.raises(MediaRejected) as caught:
        ingest.attach_transcript(
            session, storage, settings, episode, io.BytesIO(b"WEBVTT\n\n00:00 --> soon\nhi\n"), language="en",
            filename="a.vtt",
        )  # fmt: skip
    assert caught.value.code == "transcript_invalid" and "line 3" in caught.value.message
    with pytest.raises(MediaRejected) as caught:
        ingest.attach_transcript(session, storage, settings, episode, io.BytesIO(VTT), language="e n", filename="a")
    assert caught.value.code == "bad_language"
    assert stored_keys(storage) == []


def test_episode_model_relationship_holds_the_row(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    session.expire_all()
    loaded = session.get(Episode, episode.id)
    assert loaded is not None and loaded.primary_media is not None
    assert loaded.primary_media.storage_key in stored_keys(storage)


def test_remove_orphans_deletes_only_unreferenced_old_objects(
    session: Session, storage: Storage, settings: Settings
) -> None:
    art = ingest.store_artwork(storage, settings, io.BytesIO(artwork_bytes(1400)), filename="c.jpg")
    episode = add_episode(session, artwork_key=art)
    kept = ingest.attach_media(session, storage, settings, episode, fixture("cbr-id3v24.mp3"), filename="a.mp3")
    session.commit()
    # what a process killed between the durable write and the commit leaves behind
    storage.put_bytes(f"episodes/{episode.id}/0123456789abcdef0123.mp3", b"orphan", content_type="audio/mpeg")
    storage.put_bytes("artwork/0123456789abcdef0123.jpg", b"orphan", content_type="image/jpeg")
    assert ingest_recovery.remove_orphans(session, storage, older_than_seconds=3600) == []  # too young: maybe in flight
    removed = ingest_recovery.remove_orphans(session, storage, older_than_seconds=-1)
    assert sorted(removed) == ["artwork/0123456789abcdef0123.jpg", f"episodes/{episode.id}/0123456789abcdef0123.mp3"]
    assert sorted(stored_keys(storage)) == sorted([art, kept.media_file.storage_key])
