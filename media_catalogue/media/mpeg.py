"""MPEG audio (MP3) structure: where the audio frames are, their headers, Xing/Info/VBRI headers, and the frame
scans that tell a whole file from a truncated or corrupt one.

mutagen reads an MP3's first frames and trusts the byte length for the rest, so a file cut in the middle of an upload
still "probes" fine; these scans look at the start, a few windows in the middle and the end, in well under a
millisecond, without reading the whole file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import MediaRejected
from .formats import not_media, skip_id3v2, unsupported

_BITRATES = {
    # (version is MPEG-1, layer) -> kbps by index
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
CHAIN = 4  # consecutive valid frames that prove a position is really audio
MAX_FRAME = 2881  # longest possible MPEG audio frame (Layer II/III at 384 kbps, 8 kHz padding aside)
WINDOW = 16 * 1024


@dataclass(frozen=True)
class FrameHeader:
    version: int  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    layer: int  # 1, 2 or 3
    bitrate: int  # bits per second
    sample_rate: int
    channels: int
    length: int  # bytes, including the header

    @property
    def samples(self) -> int:
        if self.layer == 1:
            return 384
        if self.layer == 2 or self.version == 3:
            return 1152
        return 576

    def same_stream(self, other: FrameHeader) -> bool:
        return (self.version, self.layer, self.sample_rate) == (other.version, other.layer, other.sample_rate)


def parse_header(data: bytes, pos: int = 0) -> FrameHeader | None:
    if pos + 4 > len(data):
        return None
    (word,) = struct.unpack_from(">I", data, pos)
    if (word >> 21) & 0x7FF != 0x7FF:
        return None
    version = (word >> 19) & 3
    layer_bits = (word >> 17) & 3
    bitrate_index = (word >> 12) & 0xF
    rate_index = (word >> 10) & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    padding = (word >> 9) & 1
    channels = 1 if (word >> 6) & 3 == 3 else 2
    bitrate = _BITRATES[(version == 3, layer)][bitrate_index] * 1000
    sample_rate = _RATES[version][rate_index]
    if layer == 1:
        length = (12 * bitrate // sample_rate + padding) * 4
    elif layer == 3 and version != 3:
        length = 72 * bitrate // sample_rate + padding
    else:
        length = 144 * bitrate // sample_rate + padding
    return FrameHeader(version, layer, bitrate, sample_rate, channels, length)


def chain_at(data: bytes, pos: int, count: int = CHAIN) -> list[FrameHeader] | None:
    """The `count` frames starting at pos if they form a consistent chain, else None; a chain may also end
    exactly at the end of `data` (short files)."""
    frames: list[FrameHeader] = []
    while len(frames) < count:
        header = parse_header(data, pos)
        if header is None or (frames and not header.same_stream(frames[0])):
            return None
        frames.append(header)
        pos += header.length
        if pos == len(data) and len(frames) >= 2:
            return frames
        if pos > len(data):
            return None
    return frames


def find_chain(data: bytes, start: int = 0, count: int = CHAIN) -> int | None:
    pos = data.find(b"\xff", start)
    while pos != -1 and pos + 4 <= len(data):
        if data[pos + 1] & 0xE0 == 0xE0 and chain_at(data, pos, count):
            return pos
        pos = data.find(b"\xff", pos + 1)
    return None


@dataclass
class MpegLayout:
    """Where the audio is in an MP3 file and what its frame headers say."""

    audio_start: int  # first audio frame (the Xing/Info frame when there is one)
    audio_end: int  # end of the last frame: before any ID3v1/APEv2 trailer
    first: FrameHeader
    vbr_header: str | None = None  # "Xing", "Info" or "VBRI"
    header_frames: int | None = None
    header_bytes: int | None = None
    bitrates: set[int] = field(default_factory=set)
    trailing_junk: int = 0
    trim: tuple[int, int] = (0, 0)  # encoder delay and padding (samples) from a LAME/Lavc tag

    @property
    def audio_bytes(self) -> int:
        return self.audio_end - self.audio_start

    @property
    def is_vbr(self) -> bool:
        return len(self.bitrates) > 1 or self.vbr_header in ("Xing", "VBRI")

    @property
    def needs_count(self) -> bool:
        """Whether only a frame count gives the length: a VBR stream without a Xing/VBRI header, or a header whose
        byte or frame count disagrees with the file (joined files, re-edits). A CBR stream without a header is
        exact from its byte length, and a consistent header is what encoders measured."""
        if self.vbr_header is None:
            return self.is_vbr
        if not self.header_frames or not self.header_bytes:
            return True
        if abs(self.header_bytes - self.audio_bytes) > 2 * MAX_FRAME:
            return True
        average = self.audio_bytes / self.header_frames
        rates = _BITRATES[(self.first.version == 3, self.first.layer)]
        shortest = self.first.samples // 8 * rates[1] * 1000 // self.first.sample_rate
        longest = self.first.samples // 8 * rates[-1] * 1000 // self.first.sample_rate + 1
        return not shortest <= average <= longest

    @property
    def duration_ms(self) -> int | None:
        if self.header_frames:
            return self.header_frames * self.first.samples * 1000 // self.first.sample_rate
        return None


def _trailer_start(fileobj: BinaryIO, size: int) -> int:
    """Offset where ID3v1 / APEv2 / Lyrics3 trailers begin (tags at the end that are not audio)."""
    end = size
    for _ in range(3):
        if end >= 128:
            fileobj.seek(end - 128)
            if fileobj.read(3) == b"TAG":
                end -= 128
                continue
        if end >= 32:
            fileobj.seek(end - 32)
            footer = fileobj.read(32)
            if footer[:8] == b"APETAGEX":
                tag_size, _count, flags = struct.unpack_from("<III", footer, 12)
                end -= tag_size + (32 if flags & 0x80000000 else 0)
                continue
        if end >= 15:
            fileobj.seek(end - 15)
            marker = fileobj.read(15)
            if marker[6:] == b"LYRICS200" and marker[:6].isdigit():
                end -= int(marker[:6]) + 15
                continue
        break
    return max(end, 0)


def _vbr_header(data: bytes, pos: int, first: FrameHeader) -> tuple[str | None, int | None, int | None]:
    # the Xing/Info header follows the side information, whose length depends on version and channels
    side = {(3, 1): 17, (3, 2): 32}.get((first.version, first.channels), 9 if first.channels == 1 else 17)
    at = pos + 4 + side
    tag = data[at : at + 4]
    if tag in (b"Xing", b"Info") and len(data) >= at + 8:
        (flags,) = struct.unpack_from(">I", data, at + 4)
        cursor = at + 8
        frames = byte_count = None
        if flags & 1:
            (frames,) = struct.unpack_from(">I", data, cursor)
            cursor += 4
        if flags & 2:
            (byte_count,) = struct.unpack_from(">I", data, cursor)
        return tag.decode(), frames, byte_count
    if data[pos + 36 : pos + 40] == b"VBRI" and len(data) >= pos + 54:
        byte_count, frames = struct.unpack_from(">II", data, pos + 46)
        return "VBRI", frames, byte_count
    return None, None, None


def read_layout(fileobj: BinaryIO, size: int) -> MpegLayout:
    """Locate and check the audio frames; raise MediaRejected when there are none, or the stream is cut or broken."""
    fileobj.seek(0)
    head = fileobj.read(10)
    tag_end = skip_id3v2(head)
    if tag_end >= size:
        raise not_media("it holds only a tag, no audio")
    audio_end = _trailer_start(fileobj, size)
    fileobj.seek(tag_end)
    data = fileobj.read(min(64 * 1024, max(audio_end - tag_end, 0)))
    first_pos = find_chain(data)
    if first_pos is None:
        raise not_media("no MPEG audio frames were found in it")
    first = parse_header(data, first_pos)
    assert first is not None
    if data[:first_pos].strip(b"\0"):
        raise corrupt(f"{first_pos} bytes that are neither tag nor audio come before the first audio frame")
    if first.layer != 3:
        raise unsupported(f"MPEG Layer {'I' * first.layer}")
    start = tag_end + first_pos
    vbr, frames, byte_count = _vbr_header(data, first_pos, first)
    layout = MpegLayout(start, audio_end, first, vbr, frames, byte_count, trim=lame_trim(data, first_pos, first))
    layout.bitrates.update(h.bitrate for h in chain_at(data, first_pos, 24) or ())
    if vbr is None and len(data) - first_pos > 4 * first.length:
        # skip the first frame of encoder delay when sampling bitrates
        layout.bitrates.update(h.bitrate for h in chain_at(data, first_pos + first.length, 12) or ())
    _check_middle(fileobj, layout)
    _check_tail(fileobj, layout)
    if byte_count and vbr in ("Xing", "Info", "VBRI"):
        declared_end = start + byte_count
        if layout.audio_end + MAX_FRAME < declared_end:
            raise truncated(f"its header announces {byte_count} bytes of audio but only {layout.audio_bytes} are there")
    return layout


def truncated(detail: str) -> MediaRejected:
    return MediaRejected(
        f"The file is incomplete (truncated): {detail}. The upload or export was probably interrupted; "
        "export it again and upload the complete file.",
        code="truncated",
    )


def corrupt(detail: str) -> MediaRejected:
    return MediaRejected(
        f"The audio stream is damaged: {detail}. Export the file again from the editing software.",
        code="corrupt",
    )


def _check_middle(fileobj: BinaryIO, layout: MpegLayout) -> None:
    """Sample windows spread over the file: each must hold a chain of frames of the same stream."""
    span = layout.audio_bytes
    if span < 8 * WINDOW:
        return
    for index in range(1, 8):
        offset = layout.audio_start + span * index // 8
        fileobj.seek(offset)
        window = fileobj.read(WINDOW // 2)
        pos = find_chain(window)
        header = parse_header(window, pos) if pos is not None else None
        if header is None or not header.same_stream(layout.first):
            raise corrupt(f"no valid audio frames around byte {offset}")
        layout.bitrates.update(h.bitrate for h in chain_at(window, pos or 0, 3) or ())


def _check_tail(fileobj: BinaryIO, layout: MpegLayout) -> None:
    """Walk the frames of the last window to the end: a frame cut short means the file was truncated; bytes after
    the last chain of frames are junk (dropped), bytes between chains are damage a decoder skips."""
    window_start = max(layout.audio_start, layout.audio_end - WINDOW)
    fileobj.seek(window_start)
    data = fileobj.read(layout.audio_end - window_start)
    pos = find_chain(data, 0, CHAIN if len(data) > CHAIN * MAX_FRAME else 2)
    if pos is None:
        if window_start == layout.audio_start:
            return  # tiny file: the head chain already proved it is audio
        raise corrupt("no valid audio frames in the last part of the file")
    cursor = pos
    while True:
        header = parse_header(data, cursor)
        if header is not None and header.same_stream(layout.first):
            if cursor + header.length > len(data):
                if find_chain(data, cursor + 1, 2) is None:
                    raise truncated(
                        f"the last audio frame is cut off after {len(data) - cursor} of {header.length} bytes"
                    )
            else:
                cursor += header.length
                if cursor == len(data):
                    return
                continue
        following = find_chain(data, cursor + 1, 2)
        if following is None:
            # valid frames, then bytes that are not a frame: tolerated padding or junk after the audio
            layout.trailing_junk = len(data) - cursor
            layout.audio_end = window_start + cursor
            return
        cursor = following


def lame_trim(data: bytes, pos: int, first: FrameHeader) -> tuple[int, int]:
    """(encoder delay, padding) in samples from the LAME/Lavc extension of a Xing/Info frame at `pos`, or (0, 0).

    Decoders drop these samples at the start and the end, so a frame count alone overstates the length by them."""
    side = {(3, 1): 17, (3, 2): 32}.get((first.version, first.channels), 9 if first.channels == 1 else 17)
    at = pos + 4 + side
    if data[at : at + 4] not in (b"Xing", b"Info") or len(data) < at + 8:
        return 0, 0
    (flags,) = struct.unpack_from(">I", data, at + 4)
    cursor = at + 8 + 4 * bool(flags & 1) + 4 * bool(flags & 2) + 100 * bool(flags & 4) + 4 * bool(flags & 8)
    encoder = data[cursor : cursor + 4]
    if len(data) < cursor + 24 or encoder not in (b"LAME", b"Lavc", b"Lavf", b"L3.9", b"GOGO"):
        return 0, 0
    b0, b1, b2 = data[cursor + 21 : cursor + 24]
    return (b0 << 4) | (b1 >> 4), ((b1 & 0x0F) << 8) | b2
