"""MP4/M4A structure read straight from the boxes (ISO/IEC 14496-12): the audio track's decoded length from its
sample tables (or the sum of its fragments in a fragmented file), the checks that tell a complete file from a cut
or damaged one, and the size of the metadata. mutagen reads the tags; it trusts the header durations and raises
assorted errors on damaged boxes, so what can be wrong is checked here first.

Box headers and the sample tables are read whole; the audio data is read in bounded pieces only to find runs of
zero bytes (lost data), which decoders turn into dropped frames.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from .formats import MAX_TAG_BYTES, not_media, tag_too_large
from .mp4box import (
    Box,
    box_path,
    check_media_bytes,
    check_steady,
    child,
    full_box,
    iter_boxes,
    name_of,
    read_body,
    unpack,
)
from .mp4frag import fragments_duration
from .mpeg import corrupt, truncated

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"moof", b"traf", b"edts", b"udta", b"dinf"}
# boxes a parent holds at most once (ISO/IEC 14496-12): a second one is damage, and decoders give up on it
_ONCE = {
    b"ftyp", b"moov", b"mvhd", b"tkhd", b"mdia", b"mdhd", b"hdlr", b"minf", b"stbl", b"stsd", b"stts", b"stsz",
    b"stz2", b"stsc", b"stco", b"co64", b"ctts", b"stss", b"edts", b"elst", b"udta", b"meta", b"mvex", b"dinf",
    b"dref", b"smhd", b"vmhd", b"tfhd", b"tref", b"mehd",
}  # fmt: skip
_TOP = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"moof", b"mfra", b"sidx", b"styp", b"pdin"}
AAC_FRAME_SAMPLES = (1024, 960, 2048, 1920)  # AAC-LC, its 960 variant, and both with SBR at the output rate
MAX_AAC_FRAME = 8192  # 6144 bits per channel, eight channels


@dataclass
class Mp4Layout:
    """What the boxes say about the file's audio."""

    top: list[Box]
    audio_duration: float  # seconds of decoded audio in the first audio track
    fragmented: bool
    has_audio: bool
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    moov: Box | None = None


def _check_tree(fileobj: BinaryIO, boxes: list[Box], where: str) -> None:
    seen: set[bytes] = set()
    for box in boxes:
        if box.name in _ONCE and box.name in seen:
            raise corrupt(f"the {where} holds two {name_of(box.name)} boxes")
        seen.add(box.name)
        if where == "file" and box.name not in _TOP:
            raise corrupt(f"a {name_of(box.name)} box stands where only top-level boxes belong (byte {box.offset})")
        if box.name in _CONTAINERS or box.name == b"trak":
            _check_tree(fileobj, list(iter_boxes(fileobj, box.body, box.end)), f"{name_of(box.name)} box")


def read_layout(fileobj: BinaryIO, size: int) -> Mp4Layout:
    """Check the box structure and measure the audio; raise MediaRejected for a cut, damaged or empty file."""
    top = list(iter_boxes(fileobj, 0, size, top=True))
    _check_tree(fileobj, top, "file")
    names = [box.name for box in top]
    moov = next((box for box in top if box.name == b"moov"), None)
    if moov is None:
        if b"mdat" in names or b"moof" in names:
            raise truncated("the index box (moov) is missing, as when an export stops before finishing")
        raise not_media("an MP4 container without media")
    _check_tag_size(fileobj, moov)
    movie_scale = _movie_timescale(fileobj, moov)
    layout = Mp4Layout(top, 0.0, fragmented=b"moof" in names, has_audio=False, moov=moov)
    audio_id: int | None = None
    audio_scale = 0
    mdats = [box for box in top if box.name == b"mdat"]
    chunks: list[tuple[int, int]] = []
    for trak in iter_boxes(fileobj, moov.body, moov.end):
        if trak.name != b"trak":
            continue
        handler = _handler(fileobj, trak)
        if handler not in (b"soun", b"vide"):
            continue
        track_id, scale, samples = _track_samples(fileobj, trak, mdats, chunks, audio=handler == b"soun")
        if handler == b"vide" and layout.video_codec is None:
            layout.video_codec, layout.width, layout.height = _video(fileobj, trak)
        if handler != b"soun" or layout.has_audio:
            continue
        layout.has_audio = True
        audio_id, audio_scale = track_id, scale
        duration = samples / audio_scale
        edited = _edit_duration(fileobj, trak, movie_scale, audio_scale)
        layout.audio_duration = min(duration, edited) if edited is not None and samples else duration
    chunks.sort()
    for (start, length), (following, _length) in zip(chunks, chunks[1:], strict=False):
        if start + length > following:
            raise corrupt(f"two chunks of media data overlap at byte {following}: the index does not match the data")
    if layout.fragmented and audio_id is not None:
        layout.audio_duration += fragments_duration(fileobj, moov, top, audio_id) / audio_scale
    return layout


def _check_tag_size(fileobj: BinaryIO, moov: Box) -> None:
    udta = child(fileobj, moov, b"udta")
    meta = child(fileobj, udta, b"meta") if udta is not None else None
    if meta is not None and meta.size > MAX_TAG_BYTES:
        raise tag_too_large(meta.size)


def _movie_timescale(fileobj: BinaryIO, moov: Box) -> int:
    mvhd = child(fileobj, moov, b"mvhd")
    if mvhd is None:
        raise corrupt("the movie header (mvhd) is missing")
    version, data = full_box(fileobj, mvhd)
    (scale,) = unpack(">I", data, 16 if version == 1 else 8)
    if not scale:
        raise corrupt("the movie header gives a time scale of zero")
    return scale


def _handler(fileobj: BinaryIO, trak: Box) -> bytes:
    hdlr = box_path(fileobj, trak, b"mdia", b"hdlr")
    if hdlr is None:
        return b""
    _version, data = full_box(fileobj, hdlr)
    return data[4:8]


def _video(fileobj: BinaryIO, trak: Box) -> tuple[str, int, int]:
    stsd = box_path(fileobj, trak, b"mdia", b"minf", b"stbl", b"stsd")
    tkhd = child(fileobj, trak, b"tkhd")
    codec = "video"
    if stsd is not None:
        _version, data = full_box(fileobj, stsd)
        codec = data[8:12].decode("latin-1").strip() or "video" if len(data) >= 12 else "video"
    width = height = 0
    if tkhd is not None:
        data = read_body(fileobj, tkhd)
        width, height = unpack(">II", data, len(data) - 8) if len(data) >= 8 else (0, 0)
    return codec, width >> 16, height >> 16


def _track_samples(
    fileobj: BinaryIO, trak: Box, mdats: list[Box], chunks: list[tuple[int, int]], *, audio: bool
) -> tuple[int, int, int]:
    """(track id, media time scale, total duration in that scale) from tkhd, mdhd and stts, checked against stsz,
    stsc and the chunk offsets: a table that points outside the file or disagrees with another is damage."""
    tkhd = child(fileobj, trak, b"tkhd")
    mdhd = box_path(fileobj, trak, b"mdia", b"mdhd")
    stbl = box_path(fileobj, trak, b"mdia", b"minf", b"stbl")
    if tkhd is None or mdhd is None or stbl is None:
        raise corrupt("the audio track lacks its header or sample tables")
    version, data = full_box(fileobj, tkhd)
    (track_id,) = unpack(">I", data, 16 if version == 1 else 8)
    version, data = full_box(fileobj, mdhd)
    (scale,) = unpack(">I", data, 16 if version == 1 else 8)
    if not scale:
        raise corrupt("the audio track gives a time scale of zero")
    tables = {box.name: box for box in iter_boxes(fileobj, stbl.body, stbl.end)}
    if b"stts" not in tables or b"stsz" not in tables or b"stsc" not in tables:
        raise corrupt("the audio track lacks its sample tables")
    _version, stts = full_box(fileobj, tables[b"stts"])
    (entries,) = unpack(">I", stts)
    pairs = unpack(f">{2 * entries}I", stts, 4)
    count = sum(pairs[0::2])
    total = sum(n * delta for n, delta in zip(pairs[0::2], pairs[1::2], strict=True))
    rate = _sample_entry(fileobj, tables.get(b"stsd"))
    if audio:
        step = max(zip(pairs[0::2], pairs[1::2], strict=True), default=(0, 0))[1]
        check_steady(count, total, step)
        if count and rate == scale and step not in AAC_FRAME_SAMPLES:
            raise corrupt(f"the audio frames last {step} samples each; AAC frames last 1024")
    _version, stsz = full_box(fileobj, tables[b"stsz"])
    uniform, sizes_count = unpack(">II", stsz)
    if sizes_count != count:
        raise corrupt(f"the audio track's tables disagree ({count} sample times, {sizes_count} sample sizes)")
    sizes = (uniform,) * count if uniform else unpack(f">{count}I", stsz, 8)
    if audio and count and not 0 < min(sizes) <= max(sizes) <= MAX_AAC_FRAME:
        raise corrupt("the audio track lists impossible frame sizes")
    offsets = _chunk_offsets(fileobj, tables)
    _version, stsc = full_box(fileobj, tables[b"stsc"])
    (runs,) = unpack(">I", stsc)
    triples = unpack(f">{3 * runs}I", stsc, 4)
    file_end = fileobj.seek(0, 2)
    sample = 0
    ranges: list[tuple[int, int]] = []
    for index in range(runs):
        first, per_chunk = triples[3 * index], triples[3 * index + 1]
        last = triples[3 * (index + 1)] if index + 1 < runs else len(offsets) + 1
        if first < 1 or last < first or last > len(offsets) + 1:
            raise corrupt("the audio track's chunk table is inconsistent")
        for chunk in range(first, last):
            length = sum(sizes[sample : sample + per_chunk])
            sample += per_chunk
            if offsets[chunk - 1] + length > file_end:
                raise truncated("the audio data ends before the last samples its index lists")
            ranges.append((offsets[chunk - 1], length))
    if sample != count:
        raise corrupt(f"the audio track's chunk table holds {sample} samples, its time table {count}")
    check_media_bytes(fileobj, ranges, mdats, zeros=audio)
    chunks += ranges
    return track_id, scale, total


def _sample_entry(fileobj: BinaryIO, stsd: Box | None) -> int:
    """The sample rate field of the track's single sample entry (audio); the description must hold exactly one entry
    that fills it, or decoders cannot set up the track."""
    if stsd is None:
        raise corrupt("a track lacks its sample description")
    version, data = full_box(fileobj, stsd)
    (entries,) = unpack(">I", data)
    entry_size, _fmt = unpack(">I4s", data, 4) if len(data) >= 12 else (0, b"")
    if version != 0 or entries != 1 or entry_size != len(data) - 4 or entry_size < 36:
        raise corrupt("a track's sample description is damaged")
    (rate,) = unpack(">I", data, 4 + 32)
    return int(rate >> 16)


def _chunk_offsets(fileobj: BinaryIO, tables: dict[bytes, Box]) -> tuple[int, ...]:
    box = tables.get(b"stco") or tables.get(b"co64")
    if box is None:
        raise corrupt("the audio track lacks its chunk offsets")
    _version, data = full_box(fileobj, box)
    (entries,) = unpack(">I", data)
    return unpack(f">{entries}{'I' if box.name == b'stco' else 'Q'}", data, 4)


def _edit_duration(fileobj: BinaryIO, trak: Box, movie_scale: int, media_scale: int) -> float | None:
    """Seconds the edit list keeps (decoders drop the encoder priming it skips), or None without one."""
    elst = box_path(fileobj, trak, b"edts", b"elst")
    if elst is None:
        return None
    version, data = full_box(fileobj, elst)
    (entries,) = unpack(">I", data)
    fmt = ">QqI" if version == 1 else ">IiI"
    step = struct.calcsize(fmt)
    kept = 0.0
    for index in range(entries):
        segment, media_time, _rate = unpack(fmt, data, 4 + index * step)
        if media_time >= 0:
            kept += segment / movie_scale
    return kept if kept > 0 else None
