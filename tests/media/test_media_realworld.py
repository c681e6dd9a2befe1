"""The reproductions of issue 11 at the probe, with media made by ffmpeg's encoders in the test session: durations
held to what ffmpeg decodes, refusals instead of tracebacks, notes when a count replaced a header, tag text that
cannot be decoded named in a warning, and the tag size limit."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from media_catalogue.errors import MediaRejected
from media_catalogue.media.formats import MAX_TAG_BYTES
from media_catalogue.media.probe import probe, probe_counted
from media_catalogue.media.validate import validate
from tests.media.conftest import decoded_seconds

TOLERANCE = 0.05


def _within(path: Path, expected: float | None = None) -> float:
    result = probe(path)
    validate(result)
    decoded = decoded_seconds(path)
    assert abs(result.duration_ms / 1000 - decoded) <= TOLERANCE, (result.duration_ms, decoded)
    if expected is not None:
        assert abs(decoded - expected) <= TOLERANCE
    return result.duration_ms / 1000


def test_vbr_mp3_without_xing_header_is_counted(made: Callable[[str], Path]) -> None:
    path = made("nx.mp3")
    assert _within(path, 60.0)
    result = probe(path)
    assert result.mpeg is not None and result.mpeg.vbr_header is None
    assert any("counted" in note and "without a Xing" in note for note in result.notes)
    assert abs(probe(path, count_frames=False).duration_ms - 60_000) > 5_000  # what the first frame alone suggests


def test_concatenated_mp3s_report_all_parts(made: Callable[[str], Path]) -> None:
    path = made("c.mp3")
    assert 59.9 < _within(path) < 60.2  # three 20 s parts, each with its encoder's delay and padding
    assert any("announces" in note for note in probe(path).notes)


def test_one_read_count_matches_the_probe(made: Callable[[str], Path]) -> None:
    path = made("c.mp3")
    counted = probe_counted(path)
    assert counted.duration_ms == probe(path).duration_ms and counted.sha256 and len(counted.sha256) == 64


def test_truncated_m4a_is_refused_not_a_traceback(made: Callable[[str], Path], tmp_path: Path) -> None:
    whole = made("t.m4a").read_bytes()
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(whole[:-2000])
    with pytest.raises(MediaRejected) as refused:
        probe(cut)
    assert refused.value.code == "truncated" and "incomplete" in refused.value.message


def test_every_cut_point_of_an_m4a_is_read_or_refused(made: Callable[[str], Path], tmp_path: Path) -> None:
    whole = made("short.m4a").read_bytes()
    cut = tmp_path / "cut.m4a"
    codes = set()
    for point in range(0, len(whole), max(len(whole) // 240, 1)):
        cut.write_bytes(whole[:point])
        with pytest.raises(MediaRejected) as refused:
            probe(cut)
        codes.add(refused.value.code)
    assert codes <= {"truncated", "not_media", "corrupt"}


def test_fragmented_mp4_sums_its_fragments(made: Callable[[str], Path]) -> None:
    path = made("f.m4a")
    assert _within(path, 27.0)
    result = probe(path)
    assert result.fragmented and any("fragments" in note for note in result.notes)


def test_embedded_id3_chapters_are_read(made: Callable[[str], Path]) -> None:
    chapters = probe(made("chaptered.mp3")).chapters
    assert [(c["startTime"], c["title"]) for c in chapters] == [(0, "Opening"), (1, "Interview"), (2.5, "Goodbye")]


def _with_tag(source: bytes, frames: bytes) -> bytes:
    """Replace the ID3v2.3 tag of an encoder's MP3 by one holding `frames`."""
    old = 10 + ((source[6] << 21) | (source[7] << 14) | (source[8] << 7) | source[9])
    size = len(frames)
    header = b"ID3\x03\x00\x00" + bytes([(size >> 21) & 127, (size >> 14) & 127, (size >> 7) & 127, size & 127])
    return header + frames + source[old:]


def _frame(frame_id: bytes, body: bytes) -> bytes:
    return frame_id + struct.pack(">I", len(body)) + b"\0\0" + body


def test_undecodable_tag_text_is_a_warning_naming_the_frame(made: Callable[[str], Path], tmp_path: Path) -> None:
    broken_title = b"\x01\xff\xfe" + "Tit".encode("utf-16-le") + b"\x00\xd8x"  # UTF-16 cut in a surrogate
    path = tmp_path / "badtag.mp3"
    path.write_bytes(
        _with_tag(made("chaptered.mp3").read_bytes(), _frame(b"TIT2", broken_title) + _frame(b"TPE1", b"\x03Someone"))
    )
    result = probe(path)
    assert result.tags.get("artist") == "Someone" and "title" not in result.tags
    assert len(result.tag_warnings) == 1 and "TIT2 (title)" in result.tag_warnings[0]
    assert "UTF-16" in result.tag_warnings[0]


def test_a_tag_above_the_limit_is_refused(made: Callable[[str], Path], tmp_path: Path) -> None:
    picture = b"\x00image/jpeg\x00\x03Cover\x00" + b"\xff\xd8\xff" + bytes(MAX_TAG_BYTES)
    path = tmp_path / "huge-cover.mp3"
    path.write_bytes(_with_tag(made("chaptered.mp3").read_bytes(), _frame(b"APIC", picture)))
    with pytest.raises(MediaRejected) as refused:
        probe(path)
    assert refused.value.code == "tag_too_large" and "MiB" in refused.value.message
