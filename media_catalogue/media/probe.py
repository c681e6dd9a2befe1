"""Probe: what a media file is and holds (format, codec, decoded duration, rates, tags, cover art, chapters), read
with mutagen plus the structure walks (mpeg.py, mp4.py, ogg.py) that measure the audio itself and catch cut and
damaged files. Nothing here writes.

This is the media boundary: whatever bytes arrive, the outcome is a ProbeResult or a MediaRejected with a code and
a sentence for staff, never another exception (a disk error, OSError, is not the file's fault and passes through).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from ..errors import MediaRejected
from . import formats, mp4, ogg, tagread
from .formats import MAX_TAG_BYTES, MediaFormat, not_media, skip_id3v2, tag_too_large
from .mpeg import MpegLayout, corrupt, read_layout
from .mpeg_count import FrameCounter

CHUNK = 1024 * 1024


@dataclass
class ProbeResult:
    format: MediaFormat
    size: int
    duration_ms: int
    bitrate: int | None
    sample_rate: int | None
    channels: int | None
    tags: dict[str, str] = field(default_factory=dict)
    cover: tuple[bytes, str] | None = None  # (image bytes, mime type) of embedded cover art
    chapters: list[dict[str, Any]] = field(default_factory=list)  # Podcasting 2.0 shape: startTime, title, url
    notes: list[str] = field(default_factory=list)  # how the duration was measured when headers could not be trusted
    tag_warnings: list[str] = field(default_factory=list)
    loudness_measured: bool = False
    vbr_without_header: bool = False
    trailing_junk: int = 0
    fragmented: bool = False  # a fragmented MP4: chapters cannot be written into it without rewriting every fragment
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    mpeg: MpegLayout | None = None
    sha256: str | None = None

    @property
    def mime_type(self) -> str:
        return self.format.mime_type

    @property
    def extension(self) -> str:
        return self.format.extension

    @property
    def is_video(self) -> bool:
        return self.video_codec is not None

    @property
    def title(self) -> str:
        return self.tags.get("title", "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format.name,
            "container": self.format.container,
            "codec": self.format.codec,
            "mime_type": self.mime_type,
            "extension": self.extension,
            "size": self.size,
            "duration_ms": self.duration_ms,
            "bitrate": self.bitrate,
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "video_codec": self.video_codec,
            "width": self.width,
            "height": self.height,
            "tags": dict(self.tags),
            "has_cover": self.cover is not None,
            "chapters": list(self.chapters),
            "notes": list(self.notes),
            "loudness_measured": self.loudness_measured,
            "sha256": self.sha256,
        }


def probe(path: Path, *, extension_hint: str | None = None, count_frames: bool = True) -> ProbeResult:
    """Read a media file; raise MediaRejected (not_media, unsupported_format, truncated, corrupt, tag_too_large)
    when it is not a usable episode file. Validation of what was read lives in validate.py.

    An MP3's frames are counted unless `count_frames` is false: ingest then counts them in its one read of the file
    (`count_mp3`) and gets an estimate here."""
    size = path.stat().st_size
    with path.open("rb") as fileobj:
        try:
            return _probe(fileobj, size, extension_hint, count_frames)
        except (MediaRejected, OSError, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - the boundary: any parser failure on damaged bytes is a refusal
            raise corrupt(f"it could not be read ({type(error).__name__}: {str(error)[:120]})") from None


def probe_counted(path: Path, *, extension_hint: str | None = None, hash_source: bool = True) -> ProbeResult:
    """probe() whose MP3 frame count and sha256 of the whole file (in `sha256`) come from one read."""
    result = probe(path, extension_hint=extension_hint, count_frames=False)
    layout = result.mpeg
    counter = mp3_counter(layout) if layout is not None else None
    if counter is None and not hash_source:
        return result
    digest = hashlib.sha256()
    position = 0
    with path.open("rb") as fileobj:
        while chunk := fileobj.read(CHUNK):
            if hash_source:
                digest.update(chunk)
            if counter is not None and layout is not None:
                low, high = max(layout.audio_start - position, 0), min(layout.audio_end - position, len(chunk))
                if low < high:
                    counter.feed(chunk[low:high])
            position += len(chunk)
    if counter is not None:
        counter.finish()
        apply_count(result, counter)
    if hash_source:
        result.sha256 = digest.hexdigest()
    return result


def embedded_chapters(path: Path) -> list[dict[str, Any]]:
    """The chapters a file carries, or none when it cannot be read."""
    try:
        return probe(path, count_frames=False).chapters
    except MediaRejected:
        return []


def _probe(fileobj: BinaryIO, size: int, extension_hint: str | None, count_frames: bool) -> ProbeResult:
    head = fileobj.read(64 * 1024)
    tag_end = skip_id3v2(head)
    after: bytes | None = None
    if tag_end:
        fileobj.seek(tag_end)
        after = fileobj.read(16)
    kind = formats.sniff(head, after_id3=after)
    fileobj.seek(0)
    if kind == "mpeg":
        return _probe_mp3(fileobj, size, count_frames)
    if kind == "mp4":
        return _probe_mp4(fileobj, size, extension_hint)
    return _probe_ogg(fileobj, size, head)


# --- MP3 ----------------------------------------------------------------------------------------------------------


def _probe_mp3(fileobj: BinaryIO, size: int, count_frames: bool) -> ProbeResult:
    layout = read_layout(fileobj, size)
    tag_size = layout.audio_start if fileobj.seek(0) == 0 and fileobj.read(3) == b"ID3" else 0
    if tag_size > MAX_TAG_BYTES:
        raise tag_too_large(tag_size)
    # mutagen reads the tag and the first frames; it is given only the tag and a few frames, so that a large file
    # or a damaged frame further on cannot change what it says
    fileobj.seek(0)
    window = fileobj.read(layout.audio_start + 64 * 1024)
    audio = MP3(io.BytesIO(window))
    info: Any = audio.info
    result = ProbeResult(
        format=formats.MP3,
        size=size,
        duration_ms=estimate_mp3(layout),
        bitrate=layout.first.bitrate,
        sample_rate=layout.first.sample_rate,
        channels=layout.first.channels,
        mpeg=layout,
        trailing_junk=layout.trailing_junk,
        vbr_without_header=layout.vbr_header is None and len(layout.bitrates) > 1,
        loudness_measured=getattr(info, "track_gain", None) is not None,
    )
    if audio.tags is not None:
        tags: Any = audio.tags
        result.tags, loudness, result.cover = tagread.id3_values(tags)
        result.loudness_measured = result.loudness_measured or loudness
        result.chapters = tagread.id3_chapters(tags)
    if tag_size:
        result.tag_warnings = tagread.id3_text_warnings(window[:tag_size], audio.tags)
    if count_frames:
        counter = mp3_counter(layout)
        for chunk in _chunks(fileobj, layout.audio_start, layout.audio_end):
            counter.feed(chunk)
        counter.finish()
        apply_count(result, counter)
    return result


def estimate_mp3(layout: MpegLayout) -> int:
    """The duration the headers give: the Xing/VBRI frame count, else the byte length at the first frame's rate."""
    if layout.duration_ms is not None:
        return max(layout.duration_ms - (layout.trim[0] + layout.trim[1]) * 1000 // layout.first.sample_rate, 0)
    return layout.audio_bytes * 8000 // layout.first.bitrate


def mp3_counter(layout: MpegLayout) -> FrameCounter:
    """A counter for bytes [audio_start, audio_end): it skips the Xing/Info/VBRI frame, which decodes to nothing."""
    counter = FrameCounter(layout.first)
    if layout.vbr_header is not None:
        counter.frames = -1
    return counter


def apply_count(result: ProbeResult, counter: FrameCounter) -> None:
    """Set the duration from a finished frame count and say in the notes when the headers had it wrong."""
    layout = result.mpeg
    assert layout is not None
    counted = counter.duration_ms(layout.trim)
    frames = max(counter.frames, 0)
    if layout.vbr_header is None:
        if layout.is_vbr:
            result.notes.append(
                f"Duration counted from {frames} MPEG frames: the file is variable bitrate without a Xing/VBRI header."
            )
    elif layout.header_frames is not None and abs(layout.header_frames - frames) > 1:
        result.notes.append(
            f"Duration counted from {frames} MPEG frames: the {layout.vbr_header} header announces "
            f"{layout.header_frames} (concatenated or re-edited files)."
        )
    if counter.damaged:
        # players lose a varying number of frames around damage: no length can be promised for such a file
        at = layout.audio_start + (counter.damage_at or 0)
        raise corrupt(f"{counter.damaged} bytes that are not audio frames interrupt the audio around byte {at}")
    if counter.skipped:
        result.notes.append(f"{counter.skipped} bytes of tags between the frames of joined files were skipped.")
    result.duration_ms = counted
    if counted:
        result.bitrate = result.bitrate if not layout.is_vbr else int(layout.audio_bytes * 8000 // counted)


def _chunks(fileobj: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    fileobj.seek(start)
    position = start
    while position < end:
        chunk = fileobj.read(min(CHUNK, end - position))
        if not chunk:
            return
        position += len(chunk)
        yield chunk


# --- MP4 / M4A / M4V ------------------------------------------------------------------------------------------


def _probe_mp4(fileobj: BinaryIO, size: int, extension_hint: str | None) -> ProbeResult:
    layout = mp4.read_layout(fileobj, size)
    fileobj.seek(0)
    media = MP4(fileobj)
    info: Any = media.info
    if not layout.has_audio and layout.video_codec is None:
        raise not_media("an MP4 container without an audio track")
    if not layout.has_audio:
        raise MediaRejected("The file has no audio track.", code="no_audio")
    if not info.codec or not info.codec.startswith("mp4a"):
        codec = str(info.codec_description or info.codec or "")
        raise formats.unsupported(f"MP4 with {codec if codec.isprintable() and codec.strip() else 'unknown'} audio")
    if layout.video_codec is None:
        fmt = formats.M4A
    elif extension_hint == "m4v":
        fmt = formats.M4V_VIDEO
    else:
        fmt = formats.MP4_VIDEO
    duration_ms = int(round(layout.audio_duration * 1000))
    bitrate = info.bitrate or (size * 8000 // duration_ms if duration_ms else None)
    result = ProbeResult(
        format=fmt,
        size=size,
        duration_ms=duration_ms,
        bitrate=int(bitrate) if bitrate else None,
        sample_rate=info.sample_rate or None,
        channels=info.channels or None,
        video_codec=layout.video_codec,
        width=layout.width,
        height=layout.height,
    )
    result.fragmented = layout.fragmented
    if layout.fragmented:
        result.notes.append("Duration summed over the fragments of a fragmented MP4.")
    elif abs(info.length - layout.audio_duration) > 0.05:
        result.notes.append(
            f"Duration measured from the sample tables ({layout.audio_duration:.3f} s); "
            f"the header says {info.length:.3f} s."
        )
    tags: Any = media.tags or {}
    result.tags, result.loudness_measured, result.cover = tagread.mp4_values(tags)
    if media.chapters:
        result.chapters = [{"startTime": c.start, "title": c.title} for c in media.chapters]
    return result


# --- Ogg Opus / Vorbis ------------------------------------------------------------------------------------------


def _probe_ogg(fileobj: BinaryIO, size: int, head: bytes) -> ProbeResult:
    layout = ogg.read_layout(fileobj)
    opus = b"OpusHead" in head[:64]
    fileobj.seek(0)
    media: OggOpus | OggVorbis = OggOpus(fileobj) if opus else OggVorbis(fileobj)
    info: Any = media.info
    if opus:
        pre_skip = int.from_bytes(head[head.index(b"OpusHead") + 10 : head.index(b"OpusHead") + 12], "little")
        duration_ms = max(layout.last_granule - pre_skip, 0) * 1000 // 48000
    else:
        if not info.sample_rate:
            raise corrupt("the Vorbis header gives a sample rate of zero")
        duration_ms = layout.last_granule * 1000 // info.sample_rate
    bitrate = getattr(info, "bitrate", None) or (size * 8000 // duration_ms if duration_ms else None)
    result = ProbeResult(
        format=formats.OPUS if opus else formats.VORBIS,
        size=size,
        duration_ms=duration_ms,
        bitrate=int(bitrate) if bitrate else None,
        sample_rate=48000 if opus else info.sample_rate,
        channels=info.channels,
    )
    result.tags, result.loudness_measured = tagread.ogg_values(media.tags or {})
    return result
