"""ISO base media file format boxes (ISO/IEC 14496-12): reading box headers and the small boxes of the index, and
the checks on media data that both plain and fragmented MP4 files need. Only headers and index boxes are read."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .mpeg import corrupt, truncated

MAX_TABLE_BYTES = 64 * 1024 * 1024  # sample tables of a 24-hour file are about 16 MB
ZERO_RUN = b"\0" * 32  # never inside valid AAC frames; a decoder drops the frames a run of zeros overwrote


@dataclass(frozen=True)
class Box:
    name: bytes
    offset: int
    size: int
    header: int

    @property
    def end(self) -> int:
        return self.offset + self.size

    @property
    def body(self) -> int:
        return self.offset + self.header


def iter_boxes(fileobj: BinaryIO, start: int, end: int, *, top: bool = False) -> Iterator[Box]:
    """The boxes in [start, end); a box that runs past `end` means a cut file (top level) or a damaged one."""
    pos = start
    while pos + 8 <= end:
        fileobj.seek(pos)
        head = fileobj.read(16)
        size, name = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1:
            if len(head) < 16:
                raise truncated(f"the {name_of(name)} box header is cut off")
            (size,) = struct.unpack_from(">Q", head, 8)
            header = 16
        elif size == 0:
            size = end - pos  # "to the end of the file"
        if size < header:
            raise corrupt(f"the {name_of(name)} box at byte {pos} has an impossible size ({size})")
        if pos + size > end:
            if top:
                raise truncated(f"the last box ({name_of(name)}) ends after the end of the file")
            raise corrupt(f"the {name_of(name)} box at byte {pos} runs past the box that holds it")
        yield Box(name, pos, size, header)
        pos += size
    if pos != end and top and end - pos < 8:
        raise truncated("the file ends inside a box header")


def name_of(name: bytes) -> str:
    return name.decode("latin-1") if all(32 <= b < 127 for b in name) else repr(name)


def child(fileobj: BinaryIO, box: Box, name: bytes) -> Box | None:
    return next((b for b in iter_boxes(fileobj, box.body, box.end) if b.name == name), None)


def box_path(fileobj: BinaryIO, box: Box, *names: bytes) -> Box | None:
    current: Box | None = box
    for name in names:
        if current is None:
            return None
        current = child(fileobj, current, name)
    return current


def read_body(fileobj: BinaryIO, box: Box) -> bytes:
    if box.size - box.header > MAX_TABLE_BYTES:
        raise corrupt(f"the {name_of(box.name)} box is implausibly large ({box.size} bytes)")
    fileobj.seek(box.body)
    data = fileobj.read(box.size - box.header)
    if len(data) < box.size - box.header:
        raise truncated(f"the {name_of(box.name)} box is cut off")
    return data


def unpack(fmt: str, data: bytes, offset: int = 0) -> tuple[int, ...]:
    try:
        return struct.unpack_from(fmt, data, offset)
    except struct.error:
        raise corrupt("a sample table is shorter than its entry count says") from None


def full_box(fileobj: BinaryIO, box: Box) -> tuple[int, bytes]:
    data = read_body(fileobj, box)
    if len(data) < 4:
        raise corrupt(f"the {name_of(box.name)} box is empty")
    return data[0], data[4:]


def check_steady(count: int, total: int, step: int) -> None:
    """Every AAC frame decodes to the same number of samples: durations that stray from count x step are damage."""
    if count and step and abs(total - count * step) > step:
        raise corrupt(f"the sample durations ({total}) disagree with {count} frames of {step}")


def check_media_bytes(
    fileobj: BinaryIO, ranges: list[tuple[int, int]], mdats: list[Box], *, zeros: bool = True
) -> None:
    """Refuse audio chunks outside the media data boxes (an index that no longer matches the data) or holding a long
    run of zero bytes (what a disk or a transfer leaves where data was lost)."""
    for offset, length in ranges:
        if not any(m.body <= offset and offset + length <= m.end for m in mdats):
            raise corrupt(f"the index points at bytes {offset}-{offset + length}, outside the media data")
    for offset, length in ranges if zeros else ():
        fileobj.seek(offset)
        done = 0
        while done < length:
            piece = fileobj.read(min(1 << 20, length - done))
            if not piece:
                break
            if ZERO_RUN in piece:
                at = offset + done + piece.index(ZERO_RUN)
                raise corrupt(f"the audio data is blanked out with zeros from byte {at}")
            done += len(piece)
