"""WebVTT and SRT transcripts: parsing, validation with line numbers, plain text."""

from __future__ import annotations

import pytest

from media_catalogue.errors import MediaRejected
from media_catalogue.media.transcripts import Cue, detect_format, parse, plain_text

VTT = b"""\xef\xbb\xbfWEBVTT - MATCH episode 2

NOTE written by the producer

intro
00:00.000 --> 00:01.500 align:start
<v Sammy Mahdi>Welcome.</v>

01:00:01.000 --> 01:00:02.000
Two
lines.
"""

SRT = b"""1\r
00:00:00,000 --> 00:00:01,500\r
<i>Welcome.</i>\r
\r
2\r
00:00:01,500 --> 00:00:03,000\r
Talent &amp; skills.\r
"""


def test_vtt_parses() -> None:
    cues = parse(VTT, "vtt")
    assert cues == [Cue(0, 1500, "<v Sammy Mahdi>Welcome.</v>"), Cue(3_601_000, 3_602_000, "Two\nlines.")]
    assert plain_text(cues) == "Sammy Mahdi: Welcome.\nTwo lines."


def test_srt_parses_with_crlf() -> None:
    cues = parse(SRT, "srt")
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 1500), (1500, 3000)]
    assert plain_text(cues) == "Welcome.\nTalent & skills."


def test_format_detection() -> None:
    assert detect_format(VTT, "x.srt") == "vtt"
    assert detect_format(SRT, "x.srt") == "srt"
    assert detect_format(b"1\n", "x.vtt") == "vtt"


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "vtt", "line 1: a WebVTT file must start with WEBVTT"),
        (b"WEBVTTX\n", "vtt", "must start with WEBVTT"),
        (b"WEBVTT\n", "vtt", "no cues"),
        (b"WEBVTT\n\n00:00.000 -> 00:01.000\nx\n", "vtt", "line 3: a cue without a timing line"),
        (b"WEBVTT\n\n00:00,000 --> 00:01,000\nx\n", "vtt", "line 3: bad timestamp"),
        (b"WEBVTT\n\n00:02.000 --> 00:01.000\nx\n", "vtt", "line 3: the cue ends before it starts"),
        (b"1\n00:00:00.000 --> 00:00:01.000\nx\n", "srt", "line 2: bad timestamp"),
        (b"one\n00:00:00,000 --> 00:00:01,000\nx\n", "srt", "line 1: an SRT cue number must be a number"),
        (b"WEBVTT\n\n\xff\xfe", "vtt", "not UTF-8"),
        (b"WEBVTT\n\n\x00", "vtt", "NUL"),
        (b"x", "txt", "unknown transcript format"),
    ],
)
def test_invalid_transcripts_name_the_line(data: bytes, fmt: str, message: str) -> None:
    with pytest.raises(MediaRejected) as caught:
        parse(data, fmt)
    assert caught.value.code == "transcript_invalid"
    assert message in caught.value.message
