"""Storage: the same behavioural tests on the local file system and on S3 (moto's server over real HTTP)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from media_catalogue.config import Settings
from media_catalogue.errors import Invalid, NotFound, StorageError
from media_catalogue.storage import (
    TEMP_PREFIX,
    LocalStorage,
    S3Storage,
    Storage,
    StoredObject,
    create_storage,
    validate_key,
)

MiB = 1024 * 1024
THRESHOLD = 5 * MiB  # the smallest multipart part S3 accepts


class Boom(Exception):
    """Raised by a producer halfway through a write."""


def pattern(size: int, seed: int = 0) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB, not compressible by accident
    return (block * (size // len(block) + 1))[:size]


def chunked(data: bytes, size: int = 256 * 1024) -> Iterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


def read_all(storage: Storage, key: str) -> bytes:
    with storage.open(key) as handle:
        return handle.read()


def leftover_temp_files(settings: Settings) -> list[Path]:
    if not settings.temp_dir.exists():
        return []
    return [p for p in settings.temp_dir.iterdir() if p.name.startswith(TEMP_PREFIX)]


def incomplete_uploads(storage: Storage) -> list[object]:
    return storage.incomplete_uploads() if isinstance(storage, S3Storage) else []


def local_settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None, **extra)  # type: ignore[call-arg]


@pytest.fixture(params=["local", "s3"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "s3":
        return request.getfixturevalue("s3_settings").model_copy(update={"s3_multipart_threshold": THRESHOLD})
    settings = local_settings(tmp_path)
    return settings.model_copy(update={"s3_multipart_threshold": THRESHOLD})


@pytest.fixture
def storage(store_settings: Settings) -> Storage:
    return create_storage(store_settings)


# -- round trips -------------------------------------------------------------------------------------------


def test_create_storage_picks_the_backend(store_settings: Settings) -> None:
    storage = create_storage(store_settings)
    assert isinstance(storage, Storage)
    if store_settings.resolved_storage_url.startswith("s3://"):
        assert isinstance(storage, S3Storage)
        assert storage.prefix == "media"
    else:
        assert isinstance(storage, LocalStorage)
        assert storage.root == (store_settings.data_dir / "media").resolve()


def test_put_bytes_round_trip(storage: Storage) -> None:
    stored = storage.put_bytes("show/ep-1.mp3", b"ID3 hello", content_type="audio/mpeg")
    assert isinstance(stored, StoredObject)
    assert (stored.key, stored.size) == ("show/ep-1.mp3", 9)
    assert stored.etag
    assert stored.content_type == "audio/mpeg"
    assert stored.last_modified is not None and stored.last_modified.tzinfo is not None
    assert read_all(storage, "show/ep-1.mp3") == b"ID3 hello"


def test_put_bytes_empty_object(storage: Storage) -> None:
    assert storage.put_bytes("empty.txt", b"", content_type="text/plain").size == 0
    assert read_all(storage, "empty.txt") == b""


def test_overwrite_replaces_the_object(storage: Storage) -> None:
    storage.put_bytes("a/b.txt", b"old", content_type="text/plain")
    storage.put_bytes("a/b.txt", b"new content", content_type="text/plain")
    assert read_all(storage, "a/b.txt") == b"new content"
    assert list(storage.iter_keys()) == ["a/b.txt"]


def test_put_stream_large_object_crosses_the_multipart_threshold(storage: Storage, store_settings: Settings) -> None:
    data = pattern(12 * MiB + 12345, seed=1)
    stored = storage.put_stream("show/big.mp3", chunked(data), content_type="audio/mpeg")
    assert stored.size == len(data)
    assert hashlib.sha256(read_all(storage, "show/big.mp3")).digest() == hashlib.sha256(data).digest()
    if isinstance(storage, S3Storage):
        assert stored.etag and stored.etag.endswith("-3")  # three parts: 5 + 5 + 2 MiB
        assert stored.content_type == "audio/mpeg"
    assert incomplete_uploads(storage) == []
    assert leftover_temp_files(store_settings) == []


def test_put_stream_small_object_is_a_single_put(storage: Storage) -> None:
    stored = storage.put_stream("small.bin", chunked(pattern(100_000), 1000), content_type="application/x-test")
    assert stored.size == 100_000
    if isinstance(storage, S3Storage):
        assert stored.etag and "-" not in stored.etag


def test_put_file_large_and_small(storage: Storage, tmp_path: Path) -> None:
    data = pattern(11 * MiB, seed=2)
    source = tmp_path / "episode.mp3"
    source.write_bytes(data)
    stored = storage.put_file("show/ep.mp3", source, content_type="audio/mpeg")
    assert stored.size == len(data)
    assert source.exists(), "a caller's own file is copied, never moved"
    assert read_all(storage, "show/ep.mp3") == data
    if isinstance(storage, S3Storage):
        assert stored.etag and stored.etag.endswith("-3")  # 11 MiB above the 5 MiB threshold: multipart

    small = tmp_path / "notes.vtt"
    small.write_text("WEBVTT\n")
    assert storage.put_file("show/ep.vtt", small, content_type="text/vtt").size == 7
    assert storage.stat("show/ep.vtt").content_type == "text/vtt"  # type: ignore[union-attr]


def test_put_file_from_temp_file(storage: Storage, store_settings: Settings) -> None:
    with storage.temp_file() as staged:
        assert staged.parent == store_settings.temp_dir.absolute()
        assert staged.exists() and staged.name.startswith(TEMP_PREFIX)
        staged.write_bytes(b"staged audio")
        stored = storage.put_file("show/staged.mp3", staged, content_type="audio/mpeg")
    assert stored.size == 12
    assert read_all(storage, "show/staged.mp3") == b"staged audio"
    assert leftover_temp_files(store_settings) == []
    local = storage.local_path("show/staged.mp3")
    if local is not None:
        assert local.stat().st_mode & 0o777 == 0o644, "published files are readable by a web server"


def test_put_file_missing_source_fails_cleanly(storage: Storage, tmp_path: Path, store_settings: Settings) -> None:
    with pytest.raises(StorageError):
        storage.put_file("x.mp3", tmp_path / "nope.mp3", content_type="audio/mpeg")
    assert not storage.exists("x.mp3")
    assert leftover_temp_files(store_settings) == []


def test_temp_file_is_removed_on_exit(storage: Storage) -> None:
    with storage.temp_file() as path:
        path.write_bytes(b"x")
    assert not path.exists()
    with pytest.raises(Boom), storage.temp_file() as path:
        raise Boom
    assert not path.exists()


# -- reads ---------------------------------------------------------------------------------------------------


def test_open_streams_in_pieces(storage: Storage) -> None:
    data = pattern(300_000, seed=3)
    storage.put_bytes("k.bin", data, content_type="application/octet-stream")
    with storage.open("k.bin") as handle:
        assert handle.read(10) == data[:10]
        assert handle.read(100_000) == data[10:100_010]
        assert handle.read() == data[100_010:]


def test_missing_object(storage: Storage) -> None:
    with pytest.raises(NotFound):
        storage.open("nope/missing.mp3")
    with pytest.raises(NotFound):
        list(storage.iter_range("nope/missing.mp3", 0, 10))
    assert storage.stat("nope/missing.mp3") is None
    assert not storage.exists("nope/missing.mp3")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, slice(0, 1)),
        (0, 99, slice(0, 100)),
        (10, 19, slice(10, 20)),
        (150_000, 199_999, slice(150_000, 200_000)),
        (199_999, 199_999, slice(199_999, 200_000)),
        (190_000, 500_000, slice(190_000, 200_000)),  # end past the object: up to its last byte
        (200_000, 200_010, slice(0, 0)),  # start past the object: nothing
    ],
)
def test_iter_range(storage: Storage, start: int, end: int, expected: slice) -> None:
    data = pattern(200_000, seed=4)
    storage.put_bytes("r.bin", data, content_type="application/octet-stream")
    chunks = list(storage.iter_range("r.bin", start, end, chunk_size=4096))
    assert b"".join(chunks) == data[expected]
    assert all(len(chunk) <= 4096 for chunk in chunks)


def test_iter_range_rejects_bad_ranges(storage: Storage) -> None:
    storage.put_bytes("r.bin", b"0123456789", content_type="text/plain")
    for start, end in [(-1, 5), (5, 4)]:
        with pytest.raises(Invalid):
            list(storage.iter_range("r.bin", start, end))


def test_stat_exists_delete(storage: Storage) -> None:
    stored = storage.put_bytes("show/ep.mp3", b"abc", content_type="audio/mpeg")
    stat = storage.stat("show/ep.mp3")
    assert stat is not None
    assert (stat.key, stat.size, stat.etag) == ("show/ep.mp3", 3, stored.etag)
    assert stat.content_type == "audio/mpeg"
    assert storage.exists("show/ep.mp3")
    assert not storage.exists("show")  # a "directory" is not an object
    storage.delete("show/ep.mp3")
    assert not storage.exists("show/ep.mp3")
    assert storage.stat("show/ep.mp3") is None
    storage.delete("show/ep.mp3")  # idempotent
    storage.delete("never/was.mp3")


def test_iter_keys(storage: Storage) -> None:
    for key in ["b/2.mp3", "a/1.mp3", "a/sub/3.vtt", "a-b.txt", "top.txt"]:
        storage.put_bytes(key, b"x", content_type="text/plain")
    assert list(storage.iter_keys()) == ["a-b.txt", "a/1.mp3", "a/sub/3.vtt", "b/2.mp3", "top.txt"]
    assert list(storage.iter_keys("a/")) == ["a/1.mp3", "a/sub/3.vtt"]
    assert list(storage.iter_keys("a")) == ["a-b.txt", "a/1.mp3", "a/sub/3.vtt"]
    assert list(storage.iter_keys("a/sub/3")) == ["a/sub/3.vtt"]
    assert list(storage.iter_keys("zzz/")) == []


def test_iter_keys_hides_temp_files(storage: Storage) -> None:
    storage.put_bytes("a.txt", b"x", content_type="text/plain")
    with storage.temp_file():
        assert list(storage.iter_keys()) == ["a.txt"]


# -- public URLs ---------------------------------------------------------------------------------------------


def test_public_url(store_settings: Settings) -> None:
    plain = create_storage(store_settings)
    assert plain.public_url("show/ep 1.mp3".replace(" ", "-")) is None
    cdn = create_storage(store_settings.model_copy(update={"storage_public_url": "https://cdn.example.org/m/"}))
    assert cdn.public_url("show/ep-1.mp3") == "https://cdn.example.org/m/show/ep-1.mp3"
    with pytest.raises(Invalid):
        cdn.public_url("../etc/passwd")


def test_local_path(storage: Storage) -> None:
    storage.put_bytes("show/ep.mp3", b"abc", content_type="audio/mpeg")
    path = storage.local_path("show/ep.mp3")
    if isinstance(storage, LocalStorage):
        assert path == storage.root / "show" / "ep.mp3"
        assert path.read_bytes() == b"abc"
    else:
        assert path is None


# -- atomicity -----------------------------------------------------------------------------------------------


def failing_producer(data: bytes, fail_after: int) -> Iterator[bytes]:
    sent = 0
    for chunk in chunked(data, min(256 * 1024, len(data) // 8)):
        if sent >= fail_after:
            raise Boom("producer failed halfway")
        sent += len(chunk)
        yield chunk


@pytest.mark.parametrize("size", [100_000, 12 * MiB], ids=["small", "multipart"])
def test_failed_stream_leaves_nothing(storage: Storage, store_settings: Settings, size: int) -> None:
    data = pattern(size, seed=5)
    with pytest.raises(Boom):
        storage.put_stream("show/failed.mp3", failing_producer(data, size // 2), content_type="a/b")
    assert not storage.exists("show/failed.mp3")
    assert list(storage.iter_keys()) == []
    assert leftover_temp_files(store_settings) == []
    assert incomplete_uploads(storage) == []


def test_failed_stream_keeps_the_old_object(storage: Storage, store_settings: Settings) -> None:
    old = pattern(7 * MiB, seed=6)
    storage.put_bytes("show/ep.mp3", old, content_type="audio/mpeg")
    with pytest.raises(Boom):
        storage.put_stream("show/ep.mp3", failing_producer(pattern(12 * MiB, 7), 9 * MiB), content_type="audio/mpeg")
    assert read_all(storage, "show/ep.mp3") == old
    assert leftover_temp_files(store_settings) == []
    assert incomplete_uploads(storage) == []


def test_reader_during_write_sees_nothing_or_the_old_object(storage: Storage) -> None:
    old = pattern(1 * MiB, seed=8)
    new = pattern(6 * MiB, seed=9)
    observed: list[tuple[bool, bool]] = []

    def producer(key: str, previous: bytes | None) -> Iterator[bytes]:
        for index, chunk in enumerate(chunked(new, MiB)):
            yield chunk
            if index in (0, 3):  # the write is under way: look at the key as a concurrent reader would
                if previous is None:
                    observed.append((storage.exists(key), storage.stat(key) is None))
                else:
                    stat = storage.stat(key)
                    observed.append(
                        (read_all(storage, key) == previous, stat is not None and stat.size == len(previous))
                    )

    storage.put_stream("fresh.bin", producer("fresh.bin", None), content_type="application/octet-stream")
    assert observed == [(False, True), (False, True)]
    assert read_all(storage, "fresh.bin") == new

    observed.clear()
    storage.put_bytes("old.bin", old, content_type="application/octet-stream")
    with storage.open("old.bin") as early_reader:
        storage.put_stream("old.bin", producer("old.bin", old), content_type="application/octet-stream")
        assert early_reader.read() == old, "a reader that opened before the replace keeps the old object"
    assert observed == [(True, True), (True, True)]
    assert read_all(storage, "old.bin") == new


def test_local_disk_error_leaves_no_temp_file(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    storage = create_storage(settings)
    storage.put_bytes("show", b"a file where a folder should be", content_type="text/plain")
    with pytest.raises(StorageError):
        storage.put_stream("show/ep.mp3", chunked(b"x" * 1000), content_type="audio/mpeg")
    with pytest.raises(StorageError):
        storage.put_file("show/ep.mp3", Path(__file__), content_type="audio/mpeg")
    assert leftover_temp_files(settings) == []
    assert list(storage.iter_keys()) == ["show"]


def test_local_storage_on_another_folder_stages_next_to_the_target(tmp_path: Path) -> None:
    settings = local_settings(tmp_path, storage_url=str(tmp_path / "elsewhere"))
    storage = create_storage(settings)
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "elsewhere"
    storage.put_stream("a/b.bin", chunked(pattern(MiB)), content_type="application/octet-stream")
    assert read_all(storage, "a/b.bin") == pattern(MiB)
    assert (tmp_path / "elsewhere" / "a" / "b.bin").is_file()


# -- cleanup of crash leftovers -----------------------------------------------------------------------------


def test_cleanup_temp_removes_leftovers(storage: Storage, store_settings: Settings) -> None:
    temp_dir = store_settings.temp_dir
    temp_dir.mkdir(parents=True, exist_ok=True)
    crashed = temp_dir / f"{TEMP_PREFIX}crashed"
    crashed.write_bytes(b"half a file")
    unrelated = temp_dir / "not-ours.txt"
    unrelated.write_bytes(b"keep me")
    uploads = 0
    if isinstance(storage, S3Storage):
        full = f"{storage.prefix}/show/crashed.mp3"
        upload = storage.client.create_multipart_upload(Bucket=storage.bucket, Key=full)
        storage.client.upload_part(
            Bucket=storage.bucket, Key=full, UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 1000
        )
        assert len(storage.incomplete_uploads()) == 1
        uploads = 1
    storage.put_bytes("kept.txt", b"complete", content_type="text/plain")

    # A fresh temp file may belong to a write under way in another process: kept. (moto reports every
    # multipart upload as initiated in 2010, so the upload counts as an old leftover here.)
    assert storage.cleanup_temp(older_than_seconds=3600) == uploads
    assert crashed.exists()
    assert incomplete_uploads(storage) == []

    old = time.time() - 7200
    os.utime(crashed, (old, old))
    assert storage.cleanup_temp(older_than_seconds=3600) == 1
    assert not crashed.exists()
    assert unrelated.exists()
    assert incomplete_uploads(storage) == []
    assert read_all(storage, "kept.txt") == b"complete"
    assert storage.cleanup_temp() == 0


# -- keys ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "show/ep-1.mp3",
        "a",
        "A_b.C-d/e.f",
        "shows/diaspora-insights/2021-05-episode_7.mp3",
        "x" * 500,
        "a.b/..c/d..",
    ],
)
def test_validate_key_accepts(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../x",
        "a/../b",
        "..",
        ".",
        "./a",
        "/abs",
        "a/",
        "a//b",
        "a\\b",
        "a\x00b",
        "a\nb",
        "a\tb",
        "a b",
        "é.mp3",
        "a?b",
        "a%2fb",
        "x" * 501,
        "x" * 600,
        f"show/{TEMP_PREFIX}abc",
    ],
)
def test_validate_key_rejects(key: str) -> None:
    with pytest.raises(Invalid) as caught:
        validate_key(key)
    assert caught.value.code == "bad_key"


@pytest.mark.parametrize("key", ["../escape.mp3", "/etc/passwd", "a//b"])
def test_storage_operations_validate_keys(storage: Storage, key: str) -> None:
    for operation in (
        lambda: storage.put_bytes(key, b"x", content_type="text/plain"),
        lambda: storage.open(key),
        lambda: storage.stat(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
        lambda: storage.local_path(key),
    ):
        with pytest.raises(Invalid):
            operation()


def test_s3_errors_become_storage_errors(s3_settings: Settings, tmp_path: Path) -> None:
    storage = create_storage(s3_settings.model_copy(update={"storage_url": "s3://mc-no-such-bucket/media"}))
    source = tmp_path / "a.mp3"
    source.write_bytes(pattern(6 * MiB))
    with pytest.raises(StorageError):
        storage.put_file("a.mp3", source, content_type="audio/mpeg")
    with pytest.raises(StorageError):
        storage.put_stream("a.mp3", chunked(pattern(12 * MiB)), content_type="audio/mpeg")
    with pytest.raises(StorageError):
        list(storage.iter_keys())
    with pytest.raises(StorageError):  # a missing bucket is a configuration problem, not a missing object
        storage.open("a.mp3")
