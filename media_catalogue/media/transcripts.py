"""Transcripts as first-class files: WebVTT and SRT parsing, validation (with line numbers) and plain-text
extraction for search and the episode page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..errors import MediaRejected

MIME_TYPES = {"vtt": "text/vtt", "srt": "application/x-subrip"}
MAX_BYTES = 5 * 1024 * 1024
_VTT_TIME = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_SRT_TIME = re.compile(r"^(\d{1,}):([0-5]\d):([0-5]\d),(\d{3})$")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


def _reject(message: str, line: int | None = None) -> MediaRejected:
    where = f"line {line}: " if line else ""
    return MediaRejected(f"Transcript: {where}{message}", code="transcript_invalid", field="transcript")


def _ms(match: re.Match[str]) -> int:
    hours, minutes, seconds, millis = (int(g) if g else 0 for g in match.groups())
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise _reject(f"the file is larger than {MAX_BYTES // 1048576} MiB")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _reject(f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    if "\0" in text:
        raise _reject("the file contains NUL bytes: it is not a text transcript")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(data: bytes, filename: str) -> str:
    """ "vtt" or "srt": the content decides (a WEBVTT header), the extension breaks ties."""
    head = data.lstrip(b"\xef\xbb\xbf")[:6]
    if head == b"WEBVTT":
        return "vtt"
    if filename.lower().endswith(".vtt"):
        return "vtt"
    return "srt"


def _timing(line: str, pattern: re.Pattern[str], number: int, fmt: str) -> tuple[int, int]:
    parts = line.split()
    if len(parts) < 3 or parts[1] != "-->":
        raise _reject(f"expected a timing line like {_EXAMPLE[fmt]}, got {line!r}", number)
    start, end = pattern.match(parts[0]), pattern.match(parts[2])
    if not start or not end:
        raise _reject(f"bad timestamp in {line!r}; use the form {_EXAMPLE[fmt]}", number)
    start_ms, end_ms = _ms(start), _ms(end)
    if end_ms < start_ms:
        raise _reject(f"the cue ends before it starts ({line!r})", number)
    return start_ms, end_ms


_EXAMPLE = {"vtt": "00:01:02.500 --> 00:01:05.000", "srt": "00:01:02,500 --> 00:01:05,000"}


def parse(data: bytes, fmt: str) -> list[Cue]:
    """Parse a VTT or SRT transcript into cues; raise MediaRejected (transcript_invalid) naming the line."""
    text = decode(data)
    lines = text.split("\n")
    if fmt == "vtt":
        if not lines[0].startswith("WEBVTT") or lines[0][6:7] not in ("", " ", "\t"):
            raise _reject("a WebVTT file must start with WEBVTT", 1)
        blocks = _blocks(lines[1:], first_line=2)
        pattern = _VTT_TIME
    elif fmt == "srt":
        blocks = _blocks(lines, first_line=1)
        pattern = _SRT_TIME
    else:
        raise _reject(f"unknown transcript format {fmt!r}; use WebVTT (.vtt) or SRT (.srt)")
    cues: list[Cue] = []
    for number, block in blocks:
        if fmt == "vtt" and block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_index = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_index is None:
            raise _reject(f"a cue without a timing line ({block[0]!r})", number)
        if fmt == "srt" and timing_index == 1 and not block[0].strip().isdigit():
            raise _reject(f"an SRT cue number must be a number, got {block[0]!r}", number)
        start, end = _timing(block[timing_index], pattern, number + timing_index, fmt)
        body = "\n".join(block[timing_index + 1 :]).strip()
        cues.append(Cue(start, end, body))
    if not cues:
        raise _reject("the file contains no cues")
    return cues


def _blocks(lines: list[str], first_line: int) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(lines):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def plain_text(cues: list[Cue]) -> str:
    """The spoken words: markup (<v Speaker>, <i>...) removed, speaker names kept as "Name: ", one cue a line."""
    out = []
    for cue in cues:
        text = re.sub(r"<v(?:\.[^ >]*)? ([^>]+)>", r"\1: ", cue.text)
        text = html.unescape(_TAG.sub("", text))
        text = " ".join(text.split())
        if text:
            out.append(text)
    return "\n".join(out)
