"""Reading the tags a file already carries (ID3v2, MP4 atoms, Vorbis comments) into the probe's plain dict, with a
warning naming each frame whose text could not be decoded: a title that vanishes silently is worse than a title
reported as unreadable."""

from __future__ import annotations

import struct
from typing import Any

from mutagen.id3 import ID3

_ID3_TEXT = (
    ("TIT2", "title"),
    ("TPE1", "artist"),
    ("TALB", "album"),
    ("TRCK", "track"),
    ("TDRC", "date"),
    ("TCON", "genre"),
    ("TLAN", "language"),
    ("TDES", "description"),
    ("TGID", "guid"),
)
_NAMES = dict(_ID3_TEXT) | {"COMM": "comment", "TIT3": "subtitle", "TPE2": "album artist"}
_MP4_TEXT = (
    ("\xa9nam", "title"),
    ("\xa9ART", "artist"),
    ("\xa9alb", "album"),
    ("\xa9day", "date"),
    ("\xa9gen", "genre"),
    ("\xa9cmt", "comment"),
    ("desc", "description"),
    ("egid", "guid"),
    ("purl", "feed_url"),
)
_OGG_TEXT = (
    ("title", "title"),
    ("artist", "artist"),
    ("album", "album"),
    ("date", "date"),
    ("genre", "genre"),
    ("tracknumber", "track"),
    ("language", "language"),
    ("description", "description"),
    ("comment", "comment"),
)


def _text(tags: Any, key: str) -> str:
    frame = tags.get(key)
    return str(frame.text[0]) if frame is not None and getattr(frame, "text", None) else ""


def id3_values(tags: ID3) -> tuple[dict[str, str], bool, tuple[bytes, str] | None]:
    """(tags by name, loudness measured, front cover) of an ID3 tag."""
    values: dict[str, str] = {}
    for key, name in _ID3_TEXT:
        if value := _text(tags, key):
            values[name] = value
    for frame in tags.getall("COMM"):
        if frame.text:
            values.setdefault("comment", str(frame.text[0]))
    for key, name in (("WFED", "feed_url"), ("WOAF", "episode_url")):
        url_frame = tags.get(key)
        if url_frame is not None:
            values[name] = url_frame.url
    if tags.getall("PCST"):
        values["podcast"] = "1"
    gains = ("REPLAYGAIN_TRACK_GAIN", "R128_TRACK_GAIN")
    loudness = any(f.desc.upper() in gains for f in tags.getall("TXXX"))
    cover = None
    if pictures := tags.getall("APIC"):
        front = next((p for p in pictures if p.type == 3), pictures[0])
        cover = (bytes(front.data), front.mime or "image/jpeg")
    return values, loudness, cover


def id3_chapters(tags: ID3) -> list[dict[str, Any]]:
    """Embedded CHAP frames as Podcasting 2.0 chapter dicts, in time order; a chapter a top-level CTOC leaves out
    is marked toc: false (the Podcasting 2.0 way to say "not in the table of contents")."""
    listed: set[str] | None = None
    for toc in tags.getall("CTOC"):
        if toc.flags & 2:  # top level
            listed = {str(child) for child in toc.child_element_ids}
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
        if listed is not None and chap.element_id not in listed:
            entry["toc"] = False
        chapters.append(entry)
    chapters.sort(key=lambda c: c["startTime"])
    return chapters


def id3_text_warnings(raw: bytes, tags: ID3 | None) -> list[str]:
    """Warnings for the text frames of a raw ID3v2.3/2.4 tag that do not decode: mutagen drops such a frame
    without a word. `raw` is the whole tag (header included)."""
    if len(raw) < 10 or raw[:3] != b"ID3" or raw[3] not in (3, 4) or raw[5] & 0x40:
        return []
    warnings = []
    pos, end = 10, len(raw)
    while pos + 10 <= end:
        frame_id = raw[pos : pos + 4]
        if not all(48 <= b <= 57 or 65 <= b <= 90 for b in frame_id):
            break  # padding, or the end of what can be parsed
        size = _frame_size(raw[pos + 4 : pos + 8], raw[3])
        body = raw[pos + 10 : pos + 10 + size]
        pos += 10 + size
        name = frame_id.decode("ascii", "replace")
        if not name.startswith("T") or name == "TXXX" or not body:
            continue
        problem = _text_problem(body)
        loaded = tags is not None and bool(tags.getall(name))
        if problem or not loaded:
            what = _NAMES.get(name, "text")
            warnings.append(
                f"The {name} ({what}) tag frame holds text that cannot be decoded ({problem or 'unreadable'}); "
                "it was ignored. Re-save the file's tags with a current editor."
            )
    return warnings


def _frame_size(data: bytes, version: int) -> int:
    if version == 4:
        return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]
    return int(struct.unpack(">I", data)[0])


def _text_problem(body: bytes) -> str | None:
    encoding, text = body[0], body[1:]
    codec = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}.get(encoding)
    if codec is None:
        return f"unknown text encoding {encoding}"
    if codec.startswith("utf-16") and len(text.rstrip(b"\0")) % 2:
        return "malformed UTF-16: an odd number of bytes"
    try:
        text.decode(codec)
    except UnicodeDecodeError as error:
        return f"malformed {codec.upper()}: {error.reason}"
    return None


def mp4_values(tags: Any) -> tuple[dict[str, str], bool, tuple[bytes, str] | None]:
    values: dict[str, str] = {}
    for key, name in _MP4_TEXT:
        if found := tags.get(key):
            values[name] = str(found[0])
    if tags.get("trkn"):
        values["track"] = str(tags["trkn"][0][0])
    if tags.get("pcst"):
        values["podcast"] = "1"
    loudness = bool(
        tags.get("----:com.apple.iTunes:iTunNORM") or tags.get("----:com.apple.iTunes:replaygain_track_gain")
    )
    cover = None
    if covers := tags.get("covr"):
        art = covers[0]
        cover = (bytes(art), "image/png" if art.imageformat == art.FORMAT_PNG else "image/jpeg")
    return values, loudness, cover


def ogg_values(comments: Any) -> tuple[dict[str, str], bool]:
    values: dict[str, str] = {}
    for key, name in _OGG_TEXT:
        if found := comments.get(key):
            values[name] = found[0]
    return values, any(comments.get(k) for k in ("replaygain_track_gain", "r128_track_gain"))
