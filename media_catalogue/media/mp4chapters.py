"""Chapters in MP4/M4A files, written in both forms podcast apps read (mutagen reads them but writes neither):

- a QuickTime chapter track: a disabled text track that the audio (and video) tracks reference through `tref/chap`.
  Apple's AVFoundation reads it, so Apple Podcasts, Overcast and Pocket Casts on iOS show these chapters;
- a Nero `chpl` box in `moov/udta`: what AntennaPod (since 2024) and most desktop players read.

ffmpeg writes both the same way; the boxes below follow its layout (per-sample `stts` entries, an `encd` box after
each title, `gmhd` with `gmin` and `text`). The titles go in a new `mdat` at the end of the file; when `moov` comes
before the media data, the chunk offsets of every track move by the size the index grew.
"""

from __future__ import annotations

import os
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chapters import chapter_spans
from .mp4box import iter_boxes

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts", b"dinf", b"tref"}
_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
_ENCD = struct.pack(">I4sI", 12, b"encd", 0x100)  # text encoding: UTF-8
# QuickTime text sample description, as ffmpeg writes it for chapter tracks
_TEXT_ENTRY = bytes.fromhex(
    "00000000000000010000000100000000000000000000000000000000000000010000000000000000000d6674616200010001" + "00"
)
_GMIN = bytes.fromhex("00000000004080008000800000000000")
_HANDLER = b"SubtitleHandler\0"


@dataclass
class _Box:
    name: bytes
    payload: bytes = b""  # leaf content (after the 8-byte header)
    children: list[_Box] = field(default_factory=list)
    container: bool = False

    def render(self) -> bytes:
        body = b"".join(child.render() for child in self.children) if self.container else self.payload
        return struct.pack(">I4s", 8 + len(body), self.name) + body

    def find(self, name: bytes) -> list[_Box]:
        return [child for child in self.children if child.name == name]


def _parse(data: bytes, name: bytes) -> _Box:
    box = _Box(name, container=name in _CONTAINERS)
    if not box.container:
        box.payload = data
        return box
    pos = 0
    while pos + 8 <= len(data):
        size, child = struct.unpack_from(">I4s", data, pos)
        if size < 8 or pos + size > len(data):
            raise ValueError(f"damaged {child!r} box inside {name!r}")
        box.children.append(_parse(data[pos + 8 : pos + size], child))
        pos += size
    return box


def _full(version: int, flags: int, body: bytes) -> bytes:
    return struct.pack(">I", (version << 24) | flags) + body


def _leaf(name: bytes, payload: bytes) -> _Box:
    return _Box(name, payload)


def _handler(trak: _Box) -> bytes:
    for mdia in trak.find(b"mdia"):
        for hdlr in mdia.find(b"hdlr"):
            return hdlr.payload[8:12]
    return b""


def _track_id(trak: _Box) -> int:
    tkhd = trak.find(b"tkhd")[0].payload
    return int(struct.unpack_from(">I", tkhd, 20 if tkhd[0] == 1 else 12)[0])


def _chunk_tables(box: _Box) -> list[_Box]:
    found = [box] if box.name in (b"stco", b"co64") else []
    for child in box.children:
        found += _chunk_tables(child)
    return found


def _shift(table: _Box, delta: int, after: int) -> None:
    count = struct.unpack_from(">I", table.payload, 4)[0]
    fmt = "I" if table.name == b"stco" else "Q"
    entries = list(struct.unpack_from(f">{count}{fmt}", table.payload, 8))
    shifted = [e + delta if e >= after else e for e in entries]
    if fmt == "I" and shifted and max(shifted) >= 1 << 32:
        raise ValueError("chunk offsets past 4 GiB")
    table.payload = table.payload[:8] + struct.pack(f">{count}{fmt}", *shifted)


def _chapter_trak(track_id: int, titles: list[bytes], durations: list[int], offset: int) -> _Box:
    total = sum(durations)
    tkhd = _full(0, 2, struct.pack(">IIIII8xhhhh", 0, 0, track_id, 0, total, 0, 0, 0, 0) + _MATRIX + bytes(8))
    mdhd = _full(0, 0, struct.pack(">IIIIHH", 0, 0, 1000, total, 0, 0))
    hdlr = _full(0, 0, struct.pack(">I4s12x", 0, b"text") + _HANDLER)
    gmhd = _Box(b"gmhd", container=True, children=[_leaf(b"gmin", _GMIN), _leaf(b"text", _MATRIX)])
    dref = _full(0, 0, struct.pack(">I", 1) + struct.pack(">I4sI", 12, b"url ", 1))
    sizes = [len(t) for t in titles]
    stbl = _Box(b"stbl", container=True, children=[
        _leaf(b"stsd", _full(0, 0, struct.pack(">II4s", 1, 8 + len(_TEXT_ENTRY), b"text") + _TEXT_ENTRY)),
        _leaf(b"stts", _full(0, 0, struct.pack(">I", len(durations)) + b"".join(struct.pack(">II", 1, d) for d in durations))),  # noqa: E501
        _leaf(b"stsc", _full(0, 0, struct.pack(">IIII", 1, 1, len(titles), 1))),
        _leaf(b"stsz", _full(0, 0, struct.pack(f">II{len(sizes)}I", 0, len(sizes), *sizes))),
        _leaf(b"stco", _full(0, 0, struct.pack(">II", 1, offset))),
    ])  # fmt: skip
    minf = _Box(
        b"minf", container=True, children=[gmhd, _Box(b"dinf", container=True, children=[_leaf(b"dref", dref)]), stbl]
    )  # noqa: E501
    elst = _full(0, 0, struct.pack(">IIiI", 1, total, 0, 0x10000))
    return _Box(b"trak", container=True, children=[
        _leaf(b"tkhd", tkhd),
        _Box(b"edts", container=True, children=[_leaf(b"elst", elst)]),
        _Box(b"mdia", container=True, children=[_leaf(b"mdhd", mdhd), _leaf(b"hdlr", hdlr), minf]),
    ])  # fmt: skip


def _chpl(spans: list[tuple[int, int, dict[str, Any]]]) -> bytes:
    body = bytearray(_full(1, 0, bytes(4)) + bytes([len(spans)]))
    for start, _end, chapter in spans:
        title = chapter["title"].encode("utf-8")[:255]
        body += struct.pack(">QB", start * 10_000, len(title)) + title
    return bytes(body)


def write_chapters(path: Path, chapters: list[dict[str, Any]], duration_ms: int) -> bool:
    """Replace the file's chapters (QuickTime chapter track and Nero chpl) by `chapters`; none removes them. At
    most 255 chapters fit a chpl box; the chapter track takes them all. A fragmented file is left alone (its
    fragments hold absolute offsets this does not rewrite): returns False then."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        top = list(iter_boxes(handle, 0, size, top=True))
        if any(box.name == b"moof" for box in top):
            return False
        moov_box = next(box for box in top if box.name == b"moov")
        handle.seek(moov_box.body)
        moov = _parse(handle.read(moov_box.size - moov_box.header), b"moov")
    traks = moov.find(b"trak")
    old = {_track_id(t) for t in traks if _handler(t) == b"text"}
    moov.children = [c for c in moov.children if not (c.name == b"trak" and _track_id(c) in old)]
    media = [t for t in moov.find(b"trak") if _handler(t) in (b"soun", b"vide")]
    for trak in media:
        trak.children = [c for c in trak.children if c.name != b"tref"]
    udtas = moov.find(b"udta")
    udta = udtas[0] if udtas else None
    if udta is not None:
        udta.children = [c for c in udta.children if c.name != b"chpl"]
    spans = [s for s in chapter_spans(chapters, duration_ms) if s[0] < duration_ms]
    titles: list[bytes] = []
    chapter_stco: _Box | None = None
    if spans:
        next_id = max(_track_id(t) for t in moov.find(b"trak")) + 1
        durations = [end - start for start, end, _c in spans]
        durations[0] += spans[0][0]  # the track starts at 0: the first title also covers any lead-in
        durations[-1] = max(durations[-1], 1)
        titles = [
            struct.pack(">H", len(text)) + text + _ENCD for text in (c["title"].encode("utf-8") for _s, _e, c in spans)
        ]
        chapter_trak = _chapter_trak(next_id, titles, durations, 0)
        chapter_stco = _chunk_tables(chapter_trak)[0]
        moov.children.append(chapter_trak)
        for trak in media:
            at = next((i for i, c in enumerate(trak.children) if c.name == b"mdia"), len(trak.children))
            tref = _Box(b"tref", container=True, children=[_leaf(b"chap", struct.pack(">I", next_id))])
            trak.children.insert(at, tref)
        mvhd = moov.find(b"mvhd")[0]
        mvhd.payload = mvhd.payload[:-4] + struct.pack(">I", next_id + 1)
        if udta is None:
            udta = _Box(b"udta", container=True)
            moov.children.append(udta)
        udta.children.append(_leaf(b"chpl", _chpl(spans[:255])))
    delta = len(moov.render()) - moov_box.size
    if delta and any(box.offset > moov_box.offset and box.name == b"mdat" for box in top):
        for table in _chunk_tables(moov):
            if table is not chapter_stco:
                _shift(table, delta, moov_box.end)
    if chapter_stco is not None:
        chapter_stco.payload = chapter_stco.payload[:8] + struct.pack(">I", size + delta + 8)
    _rewrite(path, moov_box.offset, moov_box.end, moov.render(), titles)
    return True


def _rewrite(path: Path, start: int, end: int, moov: bytes, titles: list[bytes]) -> None:
    """Put `moov` in place of bytes [start, end) and append the titles in an mdat box; in place when moov is last."""
    samples = b"".join(titles)
    tail = struct.pack(">I4s", 8 + len(samples), b"mdat") + samples if titles else b""
    size = path.stat().st_size
    if end == size:
        with path.open("r+b") as handle:
            handle.truncate(start)
            handle.seek(start)
            handle.write(moov + tail)
        return
    rebuilt = path.with_name(path.name + ".chapters")
    try:
        with path.open("rb") as source, rebuilt.open("wb") as target:
            target.write(source.read(start))
            target.write(moov)
            source.seek(end)
            shutil.copyfileobj(source, target, 1024 * 1024)
            target.write(tail)
        os.replace(rebuilt, path)
    finally:
        rebuilt.unlink(missing_ok=True)
