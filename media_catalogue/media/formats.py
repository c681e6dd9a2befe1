"""The media formats the catalogue accepts, their mime types and extensions, and content sniffing.

The uploader's file name is only a hint: what a file *is* comes from its first bytes. Apple Podcasts accepts MP3,
AAC in M4A, and MP4/M4V video; Ogg Opus and Ogg Vorbis are kept as alternative encodings for apps that play them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import MediaRejected


@dataclass(frozen=True)
class MediaFormat:
    name: str  # mp3 | m4a | mp4 | opus | vorbis
    container: str  # mpeg | mp4 | ogg
    codec: str  # mp3 | aac | opus | vorbis (mp4 video: the audio codec; video codec recorded separately)
    mime_type: str
    extension: str
    apple_compatible: bool


MP3 = MediaFormat("mp3", "mpeg", "mp3", "audio/mpeg", "mp3", True)
M4A = MediaFormat("m4a", "mp4", "aac", "audio/x-m4a", "m4a", True)
MP4_VIDEO = MediaFormat("mp4", "mp4", "aac", "video/mp4", "mp4", True)
M4V_VIDEO = MediaFormat("m4v", "mp4", "aac", "video/x-m4v", "m4v", True)
OPUS = MediaFormat("opus", "ogg", "opus", "audio/ogg", "opus", False)
VORBIS = MediaFormat("vorbis", "ogg", "vorbis", "audio/ogg", "ogg", False)

ACCEPTED_TEXT = "MP3, AAC in M4A, MP4/M4V video, Ogg Opus or Ogg Vorbis"
CONVERT_HINT = (
    "Export or convert it to MP3 (128 kbps for speech, 44.1 kHz), for example: "
    "ffmpeg -i input -codec:a libmp3lame -b:a 128k output.mp3"
)


def unsupported(what: str) -> MediaRejected:
    return MediaRejected(
        f"{what} files are not accepted: podcast apps need {ACCEPTED_TEXT}. {CONVERT_HINT}",
        code="unsupported_format",
    )


#: Largest tag (ID3v2 tag, MP4 `meta` box, Ogg comment header) read: cover art for podcast apps is at most a few
#: hundred KiB, so a bigger tag is an error or an attack, and refusing it keeps memory flat whatever a file holds.
MAX_TAG_BYTES = 16 * 1024 * 1024


def tag_too_large(size: int) -> MediaRejected:
    return MediaRejected(
        f"The file's tags take {size / 1048576:.1f} MiB (the limit is {MAX_TAG_BYTES // 1048576} MiB), usually because "
        "of a huge embedded picture. Remove the embedded cover art (upload it as artwork instead) and try again.",
        code="tag_too_large",
    )


def not_media(what: str) -> MediaRejected:
    return MediaRejected(
        f"This is not an audio or video file ({what}). Upload an episode file in one of these formats: "
        f"{ACCEPTED_TEXT}.",
        code="not_media",
    )


def skip_id3v2(head: bytes) -> int:
    """Length of a leading ID3v2 tag (header, body and footer), 0 when there is none."""
    if len(head) >= 10 and head[:3] == b"ID3" and head[3] < 0xFF and all(b < 0x80 for b in head[6:10]):
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        footer = 10 if head[5] & 0x10 else 0
        return 10 + size + footer
    return 0


def sniff(head: bytes, *, after_id3: bytes | None = None) -> str:
    """Classify a file by its first bytes: "mpeg", "mp4" or "ogg", or raise MediaRejected naming what it is.

    `head` is the start of the file; `after_id3` the bytes right after a leading ID3v2 tag (when there is one),
    since MP3 and FLAC files may both begin with one.
    """
    if not head:
        raise not_media("the file is empty: zero bytes")
    body = after_id3 if after_id3 is not None else head
    for probe in (body, head):
        if probe[:4] == b"fLaC":
            raise unsupported("FLAC")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        raise unsupported("WAV")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        raise unsupported("AVI video")
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        raise unsupported("AIFF")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        raise unsupported("WebM/Matroska")
    if head[:4] == b"\x30\x26\xb2\x75":
        raise unsupported("WMA/ASF")
    if head[:4] == b"OggS":
        if b"OpusHead" in head[:64]:
            return "ogg"
        if b"\x01vorbis" in head[:64]:
            return "ogg"
        if b"\x7fFLAC" in head[:64]:
            raise unsupported("Ogg FLAC")
        if b"Speex" in head[:80]:
            raise unsupported("Ogg Speex")
        raise unsupported("This Ogg")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"qt  ",):
            raise unsupported("QuickTime (.mov)")
        if brand[:3] in (b"3gp", b"3g2"):
            raise unsupported("3GP")
        return "mp4"
    if head[4:8] in (b"moov", b"mdat", b"free", b"wide", b"skip"):
        return "mp4"
    if body[:2] in (b"\xff\xf1", b"\xff\xf9"):
        raise unsupported("Raw AAC (ADTS)")
    if len(body) >= 2 and body[0] == 0xFF and (body[1] & 0xE0) == 0xE0:
        return "mpeg"
    if head[:3] == b"ID3":
        return "mpeg"  # the frame scan decides whether audio follows the tag
    raise not_media(describe_bytes(head))


def describe_bytes(head: bytes) -> str:
    """A short human description of what a non-media file looks like."""
    if head[:3] == b"\xff\xd8\xff":
        return "it is a JPEG image"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "it is a PNG image"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "it is a GIF image"
    if head[:4] == b"%PDF":
        return "it is a PDF document"
    if head[:4] == b"PK\x03\x04":
        return "it is a ZIP archive or office document"
    sample = head[:512]
    if sample and all(b in b"\t\n\r" or 32 <= b < 127 or b >= 0x80 for b in sample):
        try:
            sample.decode("utf-8")
            return "it contains text"
        except UnicodeDecodeError:
            pass
    return "its content is not a recognised audio format"
