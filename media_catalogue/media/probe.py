"""Probe: what a media file is and holds (format, codec, duration, rates, tags, cover art, chapters), read with
mutagen plus the structure checks that catch truncated and corrupt files. Nothing here writes."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from mutagen import MutagenError
from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, Atoms
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from ..errors import MediaRejected
from . import formats
from .formats import MediaFormat, not_media, skip_id3v2
from .mpeg import MpegLayout, corrupt, read_layout, truncated


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
    loudness_measured: bool = False
    vbr_without_header: bool = False
    trailing_junk: int = 0
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
            "loudness_measured": self.loudness_measured,
            "sha256": self.sha256,
        }


def probe(path: Path, *, extension_hint: str | None = None) -> ProbeResult:
    """Read a media file; raise MediaRejected (not_media, unsupported_format, truncated, corrupt) when it is not a
    usable episode file. Validation of what was read (durations, rates, limits) lives in validate.py."""
    size = path.stat().st_size
    with path.open("rb") as fileobj:
        head = fileobj.read(64 * 1024)
        tag_end = skip_id3v2(head)
        after: bytes | None = None
        if tag_end:
            fileobj.seek(tag_end)
            after = fileobj.read(16)
        kind = formats.sniff(head, after_id3=after)
        fileobj.seek(0)
        if kind == "mpeg":
            return _probe_mp3(fileobj, size)
        if kind == "mp4":
            return _probe_mp4(fileobj, size, extension_hint)
        return _probe_ogg(fileobj, size, head)


def _probe_mp3(fileobj: BinaryIO, size: int) -> ProbeResult:
    layout = read_layout(fileobj, size)
    fileobj.seek(0)
    try:
        audio = MP3(fileobj)
    except MutagenError as error:
        raise corrupt(f"the MP3 could not be read ({error})") from None
    info: Any = audio.info
    # mutagen counts Xing/VBRI frames minus the LAME encoder delay and padding; without such a header it
    # estimates from the byte length, which is exact for CBR
    duration_ms = int(round(info.length * 1000))
    # CBR: the nominal rate (mutagen's figure is skewed by the encoder delay it subtracts from the duration)
    bitrate = info.bitrate if layout.is_vbr else layout.first.bitrate
    result = ProbeResult(
        format=formats.MP3,
        size=size,
        duration_ms=int(duration_ms),
        bitrate=int(bitrate) if bitrate else None,
        sample_rate=info.sample_rate,
        channels=info.channels,
        mpeg=layout,
        trailing_junk=layout.trailing_junk,
        vbr_without_header=layout.vbr_header is None and len(layout.bitrates) > 1,
        loudness_measured=getattr(info, "track_gain", None) is not None,
    )
    if audio.tags is not None:
        _read_id3(audio.tags, result)
    return result


def _text(tags: Any, key: str) -> str:
    frame = tags.get(key)
    return str(frame.text[0]) if frame is not None and getattr(frame, "text", None) else ""


def _read_id3(tags: ID3, result: ProbeResult) -> None:
    for key, name in (
        ("TIT2", "title"),
        ("TPE1", "artist"),
        ("TALB", "album"),
        ("TRCK", "track"),
        ("TDRC", "date"),
        ("TCON", "genre"),
        ("TLAN", "language"),
        ("TDES", "description"),
        ("TGID", "guid"),
    ):
        value = _text(tags, key)
        if value:
            result.tags[name] = value
    for frame in tags.getall("COMM"):
        if frame.text:
            result.tags.setdefault("comment", str(frame.text[0]))
    for key, name in (("WFED", "feed_url"), ("WOAF", "episode_url")):
        frame = tags.get(key)
        if frame is not None:
            result.tags[name] = frame.url
    if tags.getall("PCST"):
        result.tags["podcast"] = "1"
    if any(f.desc.upper() in ("REPLAYGAIN_TRACK_GAIN", "R128_TRACK_GAIN") for f in tags.getall("TXXX")):
        result.loudness_measured = True
    pictures = tags.getall("APIC")
    if pictures:
        front = next((p for p in pictures if p.type == 3), pictures[0])
        result.cover = (bytes(front.data), front.mime or "image/jpeg")
    result.chapters = id3_chapters(tags)


def id3_chapters(tags: ID3) -> list[dict[str, Any]]:
    """Embedded CHAP frames as Podcasting 2.0 chapter dicts, in time order."""
    chapters = []
    for chap in tags.getall("CHAP"):
        entry: dict[str, Any] = {"startTime": chap.start_time / 1000}
        title = chap.sub_frames.get("TIT2")
        entry["title"] = str(title.text[0]) if title is not None and title.text else ""
        for sub in chap.sub_frames.values():
            if sub.FrameID in ("WXXX", "WOAF"):
                entry["url"] = sub.url
                break
        if chap.end_time and chap.end_time != 0xFFFFFFFF:
            entry["endTime"] = chap.end_time / 1000
        chapters.append(entry)
    chapters.sort(key=lambda c: c["startTime"])
    return chapters


def read_id3(path: Path) -> ID3 | None:
    try:
        return ID3(path)
    except ID3NoHeaderError:
        return None


# --- MP4 / M4A / M4V ------------------------------------------------------------------------------------------


def _probe_mp4(fileobj: BinaryIO, size: int, extension_hint: str | None) -> ProbeResult:
    try:
        atoms = Atoms(fileobj)
    except (MutagenError, struct.error, EOFError) as error:
        raise corrupt(f"the MP4 structure could not be read ({error})") from None
    end = 0
    for atom in atoms.atoms:
        end = max(end, atom.offset + atom.length)
    names = [atom.name for atom in atoms.atoms]
    if end > size or (atoms.atoms and atoms.atoms[-1].length == 0):
        raise truncated(f"the last box ({names[-1].decode('latin-1')}) ends after the end of the file")
    if b"moov" not in names:
        if b"mdat" in names:
            raise truncated("the index box (moov) is missing, as when an export stops before finishing")
        raise not_media("an MP4 container without media")
    fileobj.seek(0)
    try:
        media = MP4(fileobj)
    except MutagenError as error:
        raise corrupt(f"the MP4 could not be read ({error})") from None
    video_codec, width, height = _video_track(fileobj, atoms)
    info: Any = media.info
    if not info.codec and video_codec is None:
        raise not_media("an MP4 container without an audio track")
    if info.codec and not info.codec.startswith("mp4a"):
        raise formats.unsupported(f"MP4 with {info.codec_description or info.codec} audio")
    if video_codec is None:
        fmt = formats.M4A
    elif extension_hint == "m4v":
        fmt = formats.M4V_VIDEO
    else:
        fmt = formats.MP4_VIDEO
    duration_ms = int(round(info.length * 1000))
    bitrate = info.bitrate or (size * 8000 // duration_ms if duration_ms else None)
    result = ProbeResult(
        format=fmt,
        size=size,
        duration_ms=duration_ms,
        bitrate=int(bitrate) if bitrate else None,
        sample_rate=info.sample_rate or None,
        channels=info.channels or None,
        video_codec=video_codec,
        width=width,
        height=height,
    )
    tags: Any = media.tags or {}
    for key, name in (
        ("\xa9nam", "title"),
        ("\xa9ART", "artist"),
        ("\xa9alb", "album"),
        ("\xa9day", "date"),
        ("\xa9gen", "genre"),
        ("\xa9cmt", "comment"),
        ("desc", "description"),
        ("egid", "guid"),
        ("purl", "feed_url"),
    ):
        values = tags.get(key)
        if values:
            result.tags[name] = str(values[0])
    if tags.get("trkn"):
        result.tags["track"] = str(tags["trkn"][0][0])
    if tags.get("pcst"):
        result.tags["podcast"] = "1"
    if tags.get("----:com.apple.iTunes:iTunNORM") or tags.get("----:com.apple.iTunes:replaygain_track_gain"):
        result.loudness_measured = True
    covers = tags.get("covr")
    if covers:
        cover = covers[0]
        result.cover = (bytes(cover), "image/png" if cover.imageformat == cover.FORMAT_PNG else "image/jpeg")
    if media.chapters:
        result.chapters = [{"startTime": c.start, "title": c.title} for c in media.chapters]
    return result


def _video_track(fileobj: BinaryIO, atoms: Atoms) -> tuple[str | None, int | None, int | None]:
    """(codec four-cc, width, height) of the first video track, or Nones."""
    try:
        moov = atoms.path(b"moov")[-1]
    except KeyError:
        return None, None, None
    for trak in moov.findall(b"trak"):
        try:
            hdlr = trak[b"mdia", b"hdlr"]
            stsd = trak[b"mdia", b"minf", b"stbl", b"stsd"]
            tkhd = trak[(b"tkhd",)]
        except KeyError:
            continue
        fileobj.seek(hdlr.offset + 16)
        if fileobj.read(4) != b"vide":
            continue
        fileobj.seek(stsd.offset + 16 + 4)
        codec = fileobj.read(4).decode("latin-1").strip() or "video"
        fileobj.seek(tkhd.offset + tkhd.length - 8)
        width, height = struct.unpack(">II", fileobj.read(8))
        return codec, width >> 16, height >> 16
    return None, None, None


# --- Ogg Opus / Vorbis ------------------------------------------------------------------------------------------


def _probe_ogg(fileobj: BinaryIO, size: int, head: bytes) -> ProbeResult:
    _check_ogg_end(fileobj, size)
    fileobj.seek(0)
    opus = b"OpusHead" in head[:64]
    try:
        media: OggOpus | OggVorbis = OggOpus(fileobj) if opus else OggVorbis(fileobj)
    except MutagenError as error:
        raise corrupt(f"the Ogg stream could not be read ({error})") from None
    info: Any = media.info
    duration_ms = int(round(info.length * 1000))
    bitrate = getattr(info, "bitrate", None) or (size * 8000 // duration_ms if duration_ms else None)
    result = ProbeResult(
        format=formats.OPUS if opus else formats.VORBIS,
        size=size,
        duration_ms=duration_ms,
        bitrate=int(bitrate) if bitrate else None,
        sample_rate=48000 if opus else info.sample_rate,
        channels=info.channels,
    )
    comments: Any = media.tags or {}
    for key, name in (
        ("title", "title"),
        ("artist", "artist"),
        ("album", "album"),
        ("date", "date"),
        ("genre", "genre"),
        ("tracknumber", "track"),
        ("language", "language"),
        ("description", "description"),
        ("comment", "comment"),
    ):
        values = comments.get(key)
        if values:
            result.tags[name] = values[0]
    if any(comments.get(k) for k in ("replaygain_track_gain", "r128_track_gain")):
        result.loudness_measured = True
    return result


def _check_ogg_end(fileobj: BinaryIO, size: int) -> None:
    """The last Ogg page must be complete and carry the end-of-stream flag."""
    tail_start = max(0, size - 65307 * 2)
    fileobj.seek(tail_start)
    tail = fileobj.read()
    pos = tail.rfind(b"OggS")
    while pos > 0 and (len(tail) - pos < 27 or tail[pos + 4] != 0):
        pos = tail.rfind(b"OggS", 0, pos)
    if pos < 0:
        raise MediaRejected("The Ogg stream has no readable pages.", code="corrupt")
    segments = tail[pos + 26]
    table = tail[pos + 27 : pos + 27 + segments]
    page_end = pos + 27 + segments + sum(table)
    if len(table) < segments or page_end > len(tail):
        raise truncated("the last Ogg page is cut off")
    if not tail[pos + 5] & 0x04:
        raise truncated("the Ogg stream has no end-of-stream page")
