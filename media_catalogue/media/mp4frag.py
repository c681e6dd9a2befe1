"""Fragmented MP4 (moof/traf/trun, as browsers' recorders and streaming tools write it): the audio track's length is
the sum of its fragments, each checked the way a player depends on it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import BinaryIO

from .mp4box import Box, check_media_bytes, check_steady, child, full_box, iter_boxes, read_body, unpack
from .mpeg import corrupt, truncated


def fragments_duration(fileobj: BinaryIO, moov: Box, top: list[Box], track_id: int) -> int:
    """Total duration of the track's samples in the movie fragments (moof/traf/trun), in its media time scale.

    Each fragment is checked the way a player depends on it: its samples fill the media data box that follows it,
    its data offset points at that box, and its decode time (tfdt) continues where the previous fragment ended."""
    defaults: dict[int, tuple[int, int]] = {}  # track id -> (sample duration, sample size) from trex
    mvex = child(fileobj, moov, b"mvex")
    for trex in iter_boxes(fileobj, mvex.body, mvex.end) if mvex is not None else ():
        if trex.name == b"trex":
            _version, data = full_box(fileobj, trex)
            trex_id, _index, trex_duration, trex_size = unpack(">IIII", data)
            defaults[trex_id] = (trex_duration, trex_size)
    total = 0
    durations: Counter[int] = Counter()
    for index, moof in enumerate(top):
        if moof.name != b"moof":
            continue
        mdat = top[index + 1] if index + 1 < len(top) else None
        if mdat is None or mdat.name != b"mdat":
            raise truncated("a movie fragment has no media data after it")
        sizes = 0
        for traf in iter_boxes(fileobj, moof.body, moof.end):
            if traf.name != b"traf":
                continue
            fragment = _traf(fileobj, moof, traf, defaults)
            if fragment.start is not None and not mdat.body <= fragment.start <= mdat.end:
                raise corrupt(f"the fragment at byte {moof.offset} points outside its media data")
            sizes += fragment.size
            if fragment.track == track_id:
                if fragment.decode_time is not None and fragment.decode_time != total:
                    raise corrupt(f"the fragment at byte {moof.offset} starts at {fragment.decode_time}, not {total}")
                total += sum(fragment.durations)
                durations.update(fragment.durations)
        if sizes != mdat.size - mdat.header:
            raise corrupt(f"the fragment at byte {moof.offset} lists {sizes} bytes of samples, its data box holds "
                          f"{mdat.size - mdat.header}")  # fmt: skip
        check_media_bytes(fileobj, [(mdat.body, mdat.size - mdat.header)], [mdat])
    if durations:
        check_steady(durations.total(), total, durations.most_common(1)[0][0])
    return total


@dataclass
class _Fragment:
    track: int
    durations: list[int]
    size: int
    start: int | None  # file offset of the first sample
    decode_time: int | None


def _traf(fileobj: BinaryIO, moof: Box, traf: Box, defaults: dict[int, tuple[int, int]]) -> _Fragment:
    boxes = list(iter_boxes(fileobj, traf.body, traf.end))
    tfhd = next((b for b in boxes if b.name == b"tfhd"), None)
    if tfhd is None:
        raise corrupt("a movie fragment lacks its track header (tfhd)")
    raw = read_body(fileobj, tfhd)
    flags = int.from_bytes(raw[1:4], "big")
    (track,) = unpack(">I", raw, 4)
    duration, size = defaults.get(track, (0, 0))
    cursor = 8
    base = moof.offset
    if flags & 0x01:
        (base,) = unpack(">Q", raw, cursor)
        cursor += 8
    cursor += 4 * bool(flags & 0x02)
    if flags & 0x08:
        (duration,) = unpack(">I", raw, cursor)
        cursor += 4
    if flags & 0x10:
        (size,) = unpack(">I", raw, cursor)
    fragment = _Fragment(track, [], 0, None, None)
    tfdt = next((b for b in boxes if b.name == b"tfdt"), None)
    if tfdt is not None:
        version, data = full_box(fileobj, tfdt)
        (fragment.decode_time,) = unpack(">Q" if version == 1 else ">I", data)
    for trun in (b for b in boxes if b.name == b"trun"):
        raw = read_body(fileobj, trun)
        run_flags = int.from_bytes(raw[1:4], "big")
        (samples,) = unpack(">I", raw, 4)
        cursor = 8
        if run_flags & 0x001:
            (offset,) = unpack(">i", raw, cursor)
            fragment.start = base + offset if fragment.start is None else fragment.start
            cursor += 4
        cursor += 4 * bool(run_flags & 0x004)
        per = sum(bool(run_flags & bit) for bit in (0x100, 0x200, 0x400, 0x800))
        if cursor + samples * per * 4 > len(raw):
            raise corrupt("a fragment's sample list is shorter than its count")
        fields = unpack(f">{samples * per}I", raw, cursor) if per else ()
        fragment.durations += fields[0::per] if run_flags & 0x100 else [duration] * samples
        position = 1 if run_flags & 0x100 else 0
        fragment.size += sum(fields[position::per]) if run_flags & 0x200 else size * samples
    return fragment
