"""Counting MPEG audio frames where the headers cannot give the length: a VBR file without a Xing header, files
joined end to end, a header that disagrees with the file's size. Fed the audio bytes in order during the one read
of ingest or probe."""

from __future__ import annotations

from .formats import skip_id3v2
from .mpeg import CHAIN, MAX_FRAME, FrameHeader, find_chain, parse_header


class FrameCounter:
    """Counts the MPEG audio frames of bytes fed in order, in bounded memory: the decoded length of an MP3 whatever
    its headers say (VBR without a Xing header, concatenated files, a header that disagrees with the size).

    Fed during the one read of ingest (or of probe) in chunks of any size. A frame header is recognised by its first
    three bytes (sync, version, layer, bitrate, rate, padding), looked up in a small table, so the walk costs a dict
    lookup per frame. Bytes that are not frames of the stream (an ID3 tag between concatenated parts, damage) are
    skipped up to the next chain of valid frames and counted in `skipped`."""

    def __init__(self, first: FrameHeader) -> None:
        self.first = first
        self.frames = 0
        self.skipped = 0  # bytes of tags between joined files
        self.damaged = 0  # bytes that are neither frames nor tags: decoders lose sync there
        self.damage_at: int | None = None  # offset (from the first byte fed) of the first damage
        self._fed = 0  # bytes fed before the current chunk
        self._lengths: dict[bytes, int] = {}
        self._carry = b""  # unparsed tail of the previous chunk (less than a lookahead's worth)
        self._skip = 0  # bytes of the current frame or tag still to come
        self._joined = False  # just skipped a tag or damage: the next frame may be a joined file's Xing frame
        self._side = {(3, 1): 17, (3, 2): 32}.get((first.version, first.channels), 9 if first.channels == 1 else 17)

    def _length(self, key: bytes) -> int:
        length = self._lengths.get(key)
        if length is None:
            header = parse_header(key + b"\x00")
            length = header.length if header is not None and header.same_stream(self.first) else 0
            self._lengths[key] = length
        return length

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        if self._skip >= len(chunk):
            self._skip -= len(chunk)
            self._fed += len(chunk)
            if not final:
                return
            chunk = b""
        base = self._fed - len(self._carry) + self._skip  # stream offset of data[0]
        self._fed += len(chunk)
        data = self._carry + chunk[self._skip :] if self._carry else chunk[self._skip :]
        self._skip = 0
        self._carry = b""
        pos, size = 0, len(data)
        lookahead = 0 if final else CHAIN * MAX_FRAME
        known = self._lengths.get
        side = self._side
        while pos + 4 <= size:
            key = data[pos : pos + 3]
            length = known(key)
            if length is None:
                length = self._length(key)
            if length:
                if self._joined:
                    self._joined = False
                    if data[pos + 4 + side : pos + 8 + side] in (b"Xing", b"Info"):
                        pos += length  # a joined file's Xing/Info frame decodes to nothing
                        continue
                frames = 1
                pos += length
                while length := known(data[pos : pos + 3]):  # the hot loop: a slice and a lookup per frame
                    pos += length
                    frames += 1
                self.frames += frames
                continue
            if data[pos : pos + 3] == b"ID3":
                tag = skip_id3v2(data[pos : pos + 10])
                if tag:
                    self.skipped += tag
                    pos += tag
                    self._joined = True
                    continue
            if size - pos < lookahead:
                break  # not enough bytes to tell damage from a frame: wait for the next chunk
            found = find_chain(data, pos + 1, CHAIN if size - pos > CHAIN * MAX_FRAME else 2)
            if found is None or not self._length(data[found : found + 3]):
                found = size if final else max(size - lookahead, pos + 1)
            if self.damage_at is None:
                self.damage_at = base + pos
            self.damaged += found - pos
            self._joined = True
            pos = found
        if pos > size:
            self._skip = pos - size
        elif final and pos < size:
            self.damaged += size - pos
            self.damage_at = base + pos if self.damage_at is None else self.damage_at
        else:
            self._carry = data[pos:]

    def finish(self) -> None:
        self.feed(b"", final=True)

    def samples(self, trim: tuple[int, int] = (0, 0)) -> int:
        return max(self.frames * self.first.samples - trim[0] - trim[1], 0)

    def duration_ms(self, trim: tuple[int, int] = (0, 0)) -> int:
        return self.samples(trim) * 1000 // self.first.sample_rate
