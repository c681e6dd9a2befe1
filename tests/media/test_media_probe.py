"""Probe and validation on real-encoder fixtures: what is read, and which warnings a producer gets."""

from __future__ import annotations

import pytest

from media_catalogue.media import formats
from media_catalogue.media.probe import probe
from media_catalogue.media.validate import check_filename, validate, warnings_for
from tests.media.factories import fixture


@pytest.mark.parametrize(
    ("name", "fmt", "mime", "rate", "channels", "duration_ms"),
    [
        ("cbr-id3v24.mp3", "mp3", "audio/mpeg", 44100, 1, 1500),
        ("cbr-noxing-id3v23.mp3", "mp3", "audio/mpeg", 44100, 1, 1541),
        ("vbr-xing-chapters.mp3", "mp3", "audio/mpeg", 44100, 2, 1500),
        ("low-bitrate.mp3", "mp3", "audio/mpeg", 22050, 1, 1567),
        ("aac.m4a", "m4a", "audio/x-m4a", 44100, 2, 1523),
        ("video.mp4", "mp4", "video/mp4", 44100, 2, 1523),
        ("speech.opus", "opus", "audio/ogg", 48000, 1, 1500),
        ("speech.ogg", "vorbis", "audio/ogg", 44100, 1, 1500),
    ],
)
def test_probe_reads_technical_data(name: str, fmt: str, mime: str, rate: int, channels: int, duration_ms: int) -> None:
    result = probe(fixture(name))
    assert result.format.name == fmt
    assert result.mime_type == mime
    assert result.sample_rate == rate
    assert result.channels == channels
    assert abs(result.duration_ms - duration_ms) <= 30
    assert result.size == fixture(name).stat().st_size
    assert result.bitrate and 16_000 < result.bitrate < 200_000


def test_probe_reads_id3v24_and_id3v23_tags() -> None:
    v24 = probe(fixture("cbr-id3v24.mp3"))
    assert v24.tags["title"] == "Placeholder (spoken)"
    assert v24.tags["artist"] == "Catalogue"
    v23 = probe(fixture("cbr-noxing-id3v23.mp3"))
    assert v23.tags["title"] == "Plain CBR"


def test_probe_reads_xing_header_and_its_absence() -> None:
    vbr = probe(fixture("vbr-xing-chapters.mp3"))
    assert vbr.mpeg is not None and vbr.mpeg.vbr_header == "Xing" and vbr.mpeg.is_vbr
    cbr = probe(fixture("cbr-id3v24.mp3"))
    assert cbr.mpeg is not None and cbr.mpeg.vbr_header == "Info"
    plain = probe(fixture("cbr-noxing-id3v23.mp3"))
    assert plain.mpeg is not None and plain.mpeg.vbr_header is None and not plain.mpeg.is_vbr
    assert plain.mpeg.audio_start == 10 + (fixture("cbr-noxing-id3v23.mp3").read_bytes()[9])  # after the tag


def test_probe_reads_embedded_chapters() -> None:
    result = probe(fixture("vbr-xing-chapters.mp3"))
    assert [(c["startTime"], c["title"]) for c in result.chapters] == [(0.0, "Intro"), (0.7, "Main part")]


def test_probe_detects_video_track() -> None:
    video = probe(fixture("video.mp4"))
    assert video.is_video and video.video_codec == "avc1"
    assert (video.width, video.height) == (64, 64)
    assert probe(fixture("video.mp4"), extension_hint="m4v").format is formats.M4V_VIDEO
    assert not probe(fixture("aac.m4a")).is_video


def test_probe_reads_mp4_and_ogg_titles() -> None:
    assert probe(fixture("aac.m4a")).title == "AAC sample"
    assert probe(fixture("speech.opus")).title == "Opus sample"
    assert probe(fixture("speech.ogg")).title == "Vorbis sample"


def test_lame_replaygain_counts_as_measured_loudness() -> None:
    assert probe(fixture("cbr-id3v24.mp3")).loudness_measured
    assert not probe(fixture("cbr-noxing-id3v23.mp3")).loudness_measured  # lame -t writes no LAME tag


def test_warnings_for_low_bitrate_and_loudness() -> None:
    warnings = validate(probe(fixture("low-bitrate.mp3")))
    assert any(w.startswith("Low bitrate: 32 kbps") for w in warnings)
    assert any(w.startswith("Loudness not measured") for w in warnings)
    assert validate(probe(fixture("cbr-id3v24.mp3"))) == []


def test_placeholders_get_no_quality_warnings() -> None:
    result = probe(fixture("low-bitrate.mp3"))
    assert validate(result, placeholder=True) == []


def test_channel_mismatch_with_the_show_is_a_warning() -> None:
    mono = probe(fixture("cbr-id3v24.mp3"))
    assert any("mono while the show's other episodes are stereo" in w for w in validate(mono, sibling_channels={2}))
    assert validate(mono, sibling_channels={1}) == []


def test_ogg_as_primary_file_warns_about_apple() -> None:
    result = probe(fixture("speech.opus"))
    assert any("Apple Podcasts" in w for w in warnings_for(result, role="primary"))
    assert not any("Apple Podcasts" in w for w in warnings_for(result, role="alternate"))


def test_extension_mismatch_is_a_warning_not_an_error() -> None:
    result = probe(fixture("aac.m4a"), extension_hint="mp3")
    warnings = validate(result, extension_hint="mp3")
    assert any("ends in .mp3 but the content is M4A" in w for w in warnings)


def test_vbr_without_header_is_detected() -> None:
    # Rebuild the VBR fixture without its Xing frame: its frame bitrates differ, and no header says so.
    data = fixture("vbr-xing-chapters.mp3").read_bytes()
    result = probe(fixture("vbr-xing-chapters.mp3"))
    assert result.mpeg is not None
    first = result.mpeg.first.length
    stripped = data[result.mpeg.audio_start + first : result.mpeg.audio_end]
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vbr.mp3"
        path.write_bytes(stripped)
        bare = probe(path)
    assert bare.mpeg is not None and bare.mpeg.vbr_header is None
    assert bare.vbr_without_header
    assert any("without a Xing/VBRI header" in w for w in validate(bare))


@pytest.mark.parametrize("name", ["episode 1.mp3", "Épisode – final.MP3", "a.b.c.m4a"])
def test_ordinary_file_names_pass(name: str) -> None:
    assert check_filename(name) == name.rsplit(".", 1)[1].lower()


def test_file_name_without_extension_gives_no_hint() -> None:
    assert check_filename("audio") == ""
    assert check_filename(".mp3") == ""
