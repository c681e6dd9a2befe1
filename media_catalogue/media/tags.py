"""Writing tags so a downloaded file describes itself in any player: ID3v2.4 for MP3 (rendered to bytes and put in
front of the untouched audio frames), MP4 atoms for M4A/MP4, Vorbis comments for Ogg. Tagging never alters the audio
stream itself.

ID3 podcast frames (PCST, TGID, WFED, TDES) come from Apple's iTunes extensions to ID3v2.3; mutagen writes them in
v2.4 tags too and Apple's and most Android apps read them there.
"""

from __future__ import annotations

import base64
import io
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.flac import Picture
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    PCST,
    TALB,
    TCON,
    TDES,
    TDRC,
    TGID,
    TIT2,
    TLAN,
    TPE1,
    TRCK,
    WFED,
    WOAF,
    WXXX,
    CTOCFlags,
)
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from .chapters import chapter_spans
from .mp4chapters import write_chapters
from .mpeg import corrupt

GENRE = "Podcast"
ID3_PADDING = 1024

# ID3 TLAN wants ISO 639-2 codes; the catalogue stores BCP 47 (ISO 639-1 where one exists).
_ISO639_2 = {
    "ar": "ara",
    "de": "deu",
    "en": "eng",
    "es": "spa",
    "fa": "fas",
    "fr": "fra",
    "it": "ita",
    "lb": "ltz",
    "nl": "nld",
    "pl": "pol",
    "pt": "por",
    "ro": "ron",
    "ru": "rus",
    "so": "som",
    "sw": "swa",
    "ti": "tir",
    "tr": "tur",
    "uk": "ukr",
    "wo": "wol",
}


def iso639_2(language: str) -> str | None:
    primary = language.split("-")[0].split("_")[0].lower()
    if len(primary) == 3 and primary.isalpha():
        return primary
    return _ISO639_2.get(primary)


@dataclass
class TagData:
    """Everything written into a file, independent of the database model (ingest builds it from an Episode)."""

    title: str
    artist: str = ""
    album: str = ""
    track: int | None = None
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    language: str | None = None
    description: str = ""
    episode_url: str | None = None
    feed_url: str | None = None
    guid: str | None = None
    artwork: tuple[bytes, str] | None = None  # (bytes, mime type)
    chapters: list[dict[str, Any]] = field(default_factory=list)
    duration_ms: int = 0


def render_id3(data: TagData) -> bytes:
    """A complete ID3v2.4 tag (with padding) as bytes, to be followed by the MP3's audio frames."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[data.title]))
    if data.artist:
        tags.add(TPE1(encoding=3, text=[data.artist]))
    if data.album:
        tags.add(TALB(encoding=3, text=[data.album]))
    if data.track is not None:
        tags.add(TRCK(encoding=3, text=[str(data.track)]))
    if data.date:
        tags.add(TDRC(encoding=3, text=[data.date]))
    tags.add(TCON(encoding=3, text=[GENRE]))
    lang = iso639_2(data.language) if data.language else None
    if lang:
        tags.add(TLAN(encoding=3, text=[lang]))
    if data.description:
        tags.add(TDES(encoding=3, text=[data.description]))
    if data.episode_url:
        tags.add(COMM(encoding=3, lang=lang or "XXX", desc="", text=[data.episode_url]))
        tags.add(WOAF(url=data.episode_url))
    if data.artwork:
        image, mime = data.artwork
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=image))
    _add_chapters(tags, data)
    tags.add(PCST(value=1))
    if data.guid:
        tags.add(TGID(encoding=3, text=[data.guid]))
    if data.feed_url:
        tags.add(WFED(url=data.feed_url))
    buffer = io.BytesIO()
    tags.save(buffer, v2_version=4, v1=0, padding=lambda _info: ID3_PADDING)
    return _chapters_in_order(buffer.getvalue())


def _chapters_in_order(tag: bytes) -> bytes:
    """mutagen orders frames it has no rank for by their encoded size, which shuffles CHAP frames; players that list
    CHAP frames as they come (instead of by start time) then show them out of order. Put the table of contents and
    the chapters, in time order, after the other frames; the tag's size does not change."""
    frames: list[tuple[bytes, bytes]] = []
    pos = 10
    while pos + 10 <= len(tag) and tag[pos] != 0:
        size = (tag[pos + 4] << 21) | (tag[pos + 5] << 14) | (tag[pos + 6] << 7) | tag[pos + 7]
        frames.append((tag[pos : pos + 4], tag[pos : pos + 10 + size]))
        pos += 10 + size

    def chapter_index(frame: bytes) -> int:
        element = frame[10 : frame.index(b"\0", 10)]
        return int(element[3:]) if element[3:].isdigit() else 0

    others = [frame for name, frame in frames if name not in (b"CHAP", b"CTOC")]
    toc = [frame for name, frame in frames if name == b"CTOC"]
    chapters = sorted((frame for name, frame in frames if name == b"CHAP"), key=chapter_index)
    return tag[:10] + b"".join(others + toc + chapters) + tag[pos:]


def _add_chapters(tags: ID3, data: TagData) -> None:
    if not data.chapters:
        return
    ids = []
    for index, (start, end, chapter) in enumerate(chapter_spans(data.chapters, data.duration_ms)):
        element_id = f"chp{index}"
        sub_frames: list[Any] = [TIT2(encoding=3, text=[chapter["title"]])]
        if chapter.get("url"):
            sub_frames.append(WXXX(encoding=3, desc="chapter url", url=chapter["url"]))
        tags.add(CHAP(element_id=element_id, start_time=start, end_time=end, sub_frames=sub_frames))
        if chapter.get("toc", True):  # Podcasting 2.0 toc: false - a chapter that stays out of the table of contents
            ids.append(element_id)
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=["Chapters"])],
        )
    )


def tag_mp4(path: Path, data: TagData) -> None:
    """Replace the iTunes-style metadata and the chapters of an M4A/MP4 file in place (no media data byte changes:
    only the moov box and, when it sits before mdat, the chunk offsets are rewritten)."""
    media = MP4(path)
    if media.tags is None:
        media.add_tags()
    tags = media.tags
    assert tags is not None
    tags.clear()
    tags["\xa9nam"] = [data.title]
    if data.artist:
        tags["\xa9ART"] = [data.artist]
    if data.album:
        tags["\xa9alb"] = [data.album]
    if data.track is not None:
        tags["trkn"] = [(data.track, 0)]
    if data.date:
        tags["\xa9day"] = [data.date]
    tags["\xa9gen"] = [GENRE]
    if data.description:
        tags["desc"] = [data.description[:255]]
    if data.episode_url:
        tags["\xa9cmt"] = [data.episode_url]
    if data.artwork:
        image, mime = data.artwork
        kind = MP4Cover.FORMAT_PNG if mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(image, imageformat=kind)]
    tags["pcst"] = True
    if data.feed_url:
        tags["purl"] = [data.feed_url]
    if data.guid:
        tags["egid"] = [data.guid]
    media.save(padding=lambda _info: 1024)
    write_chapters(path, data.chapters, data.duration_ms)


def tag_ogg(path: Path, data: TagData, *, opus: bool) -> None:
    """Vorbis comments (with chapters as CHAPTERnnn/CHAPTERnnnNAME, the de-facto convention)."""
    media: OggOpus | OggVorbis = OggOpus(path) if opus else OggVorbis(path)
    comments = media.tags
    assert comments is not None
    keep = {k: comments[k] for k in ("encoder",) if k in comments}
    comments.clear()
    comments.update(keep)
    comments["title"] = data.title
    for key, value in (
        ("artist", data.artist),
        ("album", data.album),
        ("date", data.date),
        ("language", data.language),
        ("description", data.description),
        ("comment", data.episode_url),
        ("contact", data.feed_url),
    ):
        if value:
            comments[key] = value
    comments["genre"] = GENRE
    if data.track is not None:
        comments["tracknumber"] = str(data.track)
    if data.artwork:
        image, mime = data.artwork
        picture = Picture()
        picture.type = 3
        picture.mime = mime
        picture.data = image
        comments["metadata_block_picture"] = base64.b64encode(picture.write()).decode("ascii")
    for index, (start, _end, chapter) in enumerate(chapter_spans(data.chapters, data.duration_ms), start=1):
        seconds, millis = divmod(start, 1000)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        comments[f"chapter{index:03d}"] = f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
        comments[f"chapter{index:03d}name"] = chapter["title"]
        if chapter.get("url"):
            comments[f"chapter{index:03d}url"] = chapter["url"]
    media.save()


def tag_in_place(path: Path, data: TagData, *, container: str, opus: bool) -> None:
    """Tag an MP4 or Ogg file. mutagen runs on files the probe accepted; should it still fail on one, that is a
    refusal of the file (corrupt), not a server error."""
    try:
        if container == "mp4":
            tag_mp4(path, data)
        else:
            tag_ogg(path, data, opus=opus)
    except (MutagenError, ValueError, KeyError, IndexError, EOFError, struct.error) as error:
        raise corrupt(f"its tags could not be rewritten ({type(error).__name__}: {str(error)[:120]})") from None
