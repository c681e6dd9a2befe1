"""The bad-input corpus: every file a producer might hand over by mistake is refused through the real ingest
pipeline with its exact error code, and nothing is left behind: no row, no stored object, no temp file."""

from __future__ import annotations

import io
import os
import random
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mutagen.ogg import OggPage
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from media_catalogue import ingest
from media_catalogue.catalogue.models import MediaFile
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import MediaRejected, TooLarge
from media_catalogue.media.mpeg import parse_header, read_layout
from media_catalogue.storage import Storage, create_storage
from tests.media.factories import add_episode, artwork_bytes, fixture, stored_keys, temp_leftovers


@pytest.fixture
def storage(settings: Settings) -> Storage:
    return create_storage(settings)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessions() as session:
        yield session


def _fixture(name: str) -> bytes:
    return fixture(name).read_bytes()


def _truncate_mp3_mid_frame() -> bytes:
    data = _fixture("cbr-noxing-id3v23.mp3")
    return data[: len(data) - 100]


def _truncate_vbr_at_frame_boundary() -> bytes:
    """Cut a Xing-headed VBR file exactly between two frames, 20 frames before the end: every remaining frame is
    whole, only the Xing byte count tells that the file is incomplete."""
    data = _fixture("vbr-xing-chapters.mp3")
    layout = read_layout(io.BytesIO(data), len(data))
    offsets = []
    position = layout.audio_start
    while position < layout.audio_end:
        header = parse_header(data, position)
        assert header is not None
        offsets.append(position)
        position += header.length
    return data[: offsets[-20]]


def _truncate_m4a() -> bytes:
    data = _fixture("aac.m4a")  # moov first (faststart): the cut falls in mdat
    return data[: len(data) - 2000]


def _m4a_without_moov() -> bytes:
    data = _fixture("aac.m4a")
    # ftyp then mdat only: as an export interrupted before it wrote the index (moov at the end)
    ftyp_len = struct.unpack(">I", data[:4])[0]
    mdat_at = data.index(b"mdat") - 4
    return data[:ftyp_len] + data[mdat_at:]


def _truncate_ogg(name: str) -> Callable[[], bytes]:
    return lambda: _fixture(name)[:-300]


def _ogg_without_last_page() -> bytes:
    data = _fixture("speech.ogg")
    last = data.rindex(b"OggS")
    return data[:last]


def _ogg_with_absurd_duration() -> bytes:
    fileobj = io.BytesIO(_fixture("speech.ogg"))
    pages = []
    while True:
        try:
            pages.append(OggPage(fileobj))
        except EOFError:
            break
    pages[-1].position = 48_000 * 3600 * 100  # 100 hours at 44.1 kHz sample counts
    return b"".join(page.write() for page in pages)


def _corrupt_middle() -> bytes:
    frames = _fixture("cbr-noxing-id3v23.mp3")
    layout = read_layout(io.BytesIO(frames), len(frames))
    audio = frames[layout.audio_start : layout.audio_end] * 40  # about a minute of valid CBR frames
    rng = random.Random(7)  # noqa: S311 - reproducible test noise
    middle = len(audio) // 2
    noise = bytes(rng.getrandbits(8) for _ in range(200_000))
    return audio[:middle] + noise + audio[middle + len(noise) :]


def _too_short() -> bytes:
    data = _fixture("cbr-noxing-id3v23.mp3")
    layout = read_layout(io.BytesIO(data), len(data))
    position = layout.audio_start
    for _ in range(5):
        header = parse_header(data, position)
        assert header is not None
        position += header.length
    return data[layout.audio_start : position]


def _random_bytes(seed: int, prefix: bytes = b"") -> Callable[[], bytes]:
    def make() -> bytes:
        rng = random.Random(seed)  # noqa: S311 - reproducible test noise
        return prefix + bytes(rng.getrandbits(8) for _ in range(20_000))

    return make


def _id3_only() -> bytes:
    data = _fixture("cbr-id3v24.mp3")
    size = read_layout(io.BytesIO(data), len(data)).audio_start
    return data[:size]


def _flac_behind_id3() -> bytes:
    return _id3_only() + _fixture("speech.flac")


CORPUS: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("empty", "episode.mp3", lambda: b"", "not_media"),
    ("text", "episode.mp3", lambda: b"Episode 12 show notes\nGuest: ...\n" * 50, "not_media"),
    ("jpeg image", "episode.mp3", lambda: artwork_bytes(1400), "not_media"),
    ("png image", "cover.m4a", lambda: artwork_bytes(1400, fmt="PNG"), "not_media"),
    ("pdf", "episode.mp3", lambda: b"%PDF-1.7\n" + b"0" * 5000, "not_media"),
    ("random bytes", "episode.mp3", _random_bytes(1), "not_media"),
    ("random bytes after an MPEG sync word", "episode.mp3", _random_bytes(2, b"\xff\xfb\x90\x64"), "not_media"),
    ("ID3 tag without audio", "episode.mp3", _id3_only, "not_media"),
    ("WAV", "episode.wav", lambda: _fixture("speech.wav"), "unsupported_format"),
    ("WAV named .mp3", "episode.mp3", lambda: _fixture("speech.wav"), "unsupported_format"),
    ("FLAC", "episode.flac", lambda: _fixture("speech.flac"), "unsupported_format"),
    ("FLAC behind an ID3 tag", "episode.mp3", _flac_behind_id3, "unsupported_format"),
    ("AIFF", "episode.aiff", lambda: _fixture("speech.aiff"), "unsupported_format"),
    ("MPEG Layer II", "episode.mp3", lambda: _fixture("layer2.mp3"), "unsupported_format"),
    ("WebM", "episode.webm", lambda: b"\x1a\x45\xdf\xa3" + b"\x00" * 4000, "unsupported_format"),
    ("raw AAC (ADTS)", "episode.aac", lambda: b"\xff\xf1\x50\x80" + b"\x00" * 4000, "unsupported_format"),
    ("MP3 cut mid-frame", "episode.mp3", _truncate_mp3_mid_frame, "truncated"),
    ("VBR cut at a frame boundary", "episode.mp3", _truncate_vbr_at_frame_boundary, "truncated"),
    ("M4A cut in mdat", "episode.m4a", _truncate_m4a, "truncated"),
    ("M4A without moov", "episode.m4a", _m4a_without_moov, "truncated"),
    ("Opus cut mid-page", "episode.opus", _truncate_ogg("speech.opus"), "truncated"),
    ("Vorbis cut mid-page", "episode.ogg", _truncate_ogg("speech.ogg"), "truncated"),
    ("Vorbis without its last page", "episode.ogg", _ogg_without_last_page, "truncated"),
    ("MP3 with noise in the middle", "episode.mp3", _corrupt_middle, "corrupt"),
    ("MP3 of five frames", "episode.mp3", _too_short, "zero_duration"),
    ("Vorbis claiming 100 hours", "episode.ogg", _ogg_with_absurd_duration, "absurd_duration"),
    ("8 kHz MP3", "episode.mp3", lambda: _fixture("rate8k.mp3"), "unsupported_sample_rate"),
    ("six channels", "episode.ogg", lambda: _fixture("six-channels.ogg"), "unsupported_channels"),
    ("path in the name", "../../etc/episode.mp3", lambda: _fixture("cbr-id3v24.mp3"), "bad_filename"),
    ("backslash in the name", "..\\episode.mp3", lambda: _fixture("cbr-id3v24.mp3"), "bad_filename"),
    ("NUL in the name", "episode\0.mp3", lambda: _fixture("cbr-id3v24.mp3"), "bad_filename"),
    ("newline in the name", "episode\n.mp3", lambda: _fixture("cbr-id3v24.mp3"), "bad_filename"),
    ("bidi control in the name", "episode\u202egpj.mp3", lambda: _fixture("cbr-id3v24.mp3"), "bad_filename"),
    ("empty name", "", lambda: _fixture("cbr-id3v24.mp3"), "bad_filename"),
]


def _assert_nothing_left(session: Session, storage: Storage, settings: Settings) -> None:
    assert session.scalar(select(func.count()).select_from(MediaFile)) == 0
    assert stored_keys(storage) == []
    assert temp_leftovers(settings) == []


@pytest.mark.parametrize(("label", "filename", "make", "code"), CORPUS, ids=[c[0] for c in CORPUS])
@pytest.mark.parametrize("as_stream", [False, True], ids=["path", "stream"])
def test_bad_input_is_refused_with_its_code(
    label: str,
    filename: str,
    make: Callable[[], bytes],
    code: str,
    as_stream: bool,
    session: Session,
    storage: Storage,
    settings: Settings,
    tmp_path: Path,
) -> None:
    episode = add_episode(session)
    data = make()
    source: Path | io.BytesIO
    if as_stream:
        source = io.BytesIO(data)
    else:
        source = tmp_path / "upload.bin"
        source.write_bytes(data)
    with pytest.raises(MediaRejected) as caught:
        ingest.attach_media(session, storage, settings, episode, source, filename=filename)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message
    session.rollback()
    _assert_nothing_left(session, storage, settings)


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 20
    assert len({c[3] for c in CORPUS}) >= 9


def test_too_large_file_is_refused_before_reading(
    session: Session, storage: Storage, database: Database, tmp_path: Path
) -> None:
    settings = database.settings.model_copy(update={"max_upload_bytes": 10_000})
    episode = add_episode(session)
    path = fixture("cbr-id3v24.mp3")
    with pytest.raises(TooLarge) as caught:
        ingest.attach_media(session, storage, settings, episode, path, filename="big.mp3")
    assert caught.value.code == "too_large" and caught.value.status == 413
    _assert_nothing_left(session, storage, settings)


class _EndlessUpload(io.RawIOBase):
    """An upload that never ends: the limit must stop reading it, long before it is all read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        buffer[:] = b"\xff" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def test_too_large_stream_is_refused_while_streaming(session: Session, storage: Storage, database: Database) -> None:
    limit = 3 * 1024 * 1024
    settings = database.settings.model_copy(update={"max_upload_bytes": limit})
    episode = add_episode(session)
    upload = _EndlessUpload()
    with pytest.raises(TooLarge):
        ingest.attach_media(session, storage, settings, episode, upload, filename="endless.mp3")  # type: ignore[arg-type]
    assert limit < upload.read_bytes <= limit + 2 * 1024 * 1024
    _assert_nothing_left(session, storage, settings)


def test_missing_source_file_is_not_found(session: Session, storage: Storage, settings: Settings) -> None:
    episode = add_episode(session)
    with pytest.raises(Exception) as caught:
        ingest.attach_media(session, storage, settings, episode, Path("/nonexistent.mp3"), filename="x.mp3")
    assert getattr(caught.value, "code", None) == "not_found"
    assert not os.path.exists(settings.temp_dir) or temp_leftovers(settings) == []
