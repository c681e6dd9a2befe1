"""Seeded, deterministic fuzzing of the probe over real-encoder files of every accepted format: cut at many points,
flipped bytes, spliced zeros, dropped and duplicated frames, pages and boxes. No mutant may raise anything but a
refusal with a known code, and every mutant the probe accepts must give the length ffmpeg decodes, within 0.05 s.

Each distinct accepted mutant is decoded once, by parallel ffmpeg processes; the suite runs in the normal test
command."""

from __future__ import annotations

import io
import os
import random
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from media_catalogue.errors import MediaRejected
from media_catalogue.media import mp4
from media_catalogue.media.mpeg import parse_header, read_layout
from media_catalogue.media.probe import probe
from media_catalogue.media.validate import validate
from tests.media.conftest import FFMPEG, decoded_many, decoded_seconds, digest
from tests.media.factories import fixture

SEED = int(os.environ.get("MEDIA_FUZZ_SEED", "11"))  # another seed explores other mutants
CASES = 2100
TOLERANCE = 0.05
BATCH = 60  # files per ffmpeg process
CODES = {
    "not_media",
    "unsupported_format",
    "truncated",
    "corrupt",
    "tag_too_large",
    "zero_duration",
    "absurd_duration",
    "unsupported_sample_rate",
    "unsupported_channels",
    "no_audio",
}
COMMITTED = [
    "cbr-id3v24.mp3",
    "cbr-noxing-id3v23.mp3",
    "vbr-xing-chapters.mp3",
    "low-bitrate.mp3",
    "aac.m4a",
    "video.mp4",
    "speech.opus",
    "speech.ogg",
]
MADE = ["nx-short.mp3", "short.m4a", "f-short.m4a"]


def _units(data: bytes) -> list[tuple[int, int]]:
    """Frames (MP3), boxes down to the sample tables (MP4) or pages (Ogg): what a drop or a duplicate acts on."""
    if data[:4] == b"OggS":
        starts = [i for i in range(len(data)) if data.startswith(b"OggS", i)]
        return list(zip(starts, [*starts[1:], len(data)], strict=True))
    if data[4:8] == b"ftyp":
        handle = io.BytesIO(data)
        units, todo = [], [(0, len(data))]
        while todo:
            start, end = todo.pop()
            for box in mp4.iter_boxes(handle, start, end):
                units.append((box.offset, box.end))
                if box.name in (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"moof", b"traf"):
                    todo.append((box.body, box.end))
        return units
    layout = read_layout(io.BytesIO(data), len(data))
    units, pos = [], layout.audio_start
    while (header := parse_header(data, pos)) is not None and pos + header.length <= layout.audio_end:
        units.append((pos, pos + header.length))
        pos += header.length
    return units


def _mutants(name: str, data: bytes, count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    units = _units(data)
    size = len(data)
    out: list[tuple[str, bytes]] = []
    cuts = sorted({size * i // (count * 2 // 5) for i in range(1, count * 2 // 5)})
    out += [(f"{name} cut at {c}", data[:c]) for c in cuts]
    while len(out) < count:
        kind = rng.choice(("flip", "flip", "zeros", "overwrite", "drop", "dup"))
        at = rng.randrange(size)
        if kind == "flip":
            mutant = bytearray(data)
            mutant[at] ^= rng.randrange(1, 256)
            out.append((f"{name} flip at {at}", bytes(mutant)))
        elif kind == "zeros":
            length = rng.choice((1, 4, 64, 1000))
            out.append((f"{name} {length} zeros inserted at {at}", data[:at] + b"\0" * length + data[at:]))
        elif kind == "overwrite":
            length = rng.choice((4, 64, 1000))
            out.append((f"{name} {length} bytes zeroed at {at}", data[:at] + b"\0" * length + data[at + length :]))
        else:
            start, end = rng.choice(units)
            if kind == "drop":
                out.append((f"{name} unit {start}-{end} dropped", data[:start] + data[end:]))
            else:
                out.append((f"{name} unit {start}-{end} duplicated", data[:end] + data[start:end] + data[end:]))
    return out[:count]


def _probe_case(path: Path) -> tuple[str, int | None]:
    """('accepted', duration_ms), ('refused', None) or ('crash', None) with the traceback in the label."""
    try:
        result = probe(path)
        validate(result)
    except MediaRejected as refusal:
        if refusal.code not in CODES:
            return f"unknown code {refusal.code}", None
        if not (refusal.message[:1].isupper() and len(refusal.message.split()) > 4):
            return f"refusal without a sentence: {refusal.message!r}", None
        return "refused", None
    except Exception:  # noqa: BLE001 - what this suite looks for
        return "crash " + traceback.format_exc(limit=-3), None
    return "accepted", result.duration_ms


def test_fuzzed_files_are_read_or_refused_never_crash_and_durations_match_ffmpeg(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Without ffmpeg the committed fixtures are still fuzzed for tracebacks; the durations need ffmpeg's decode."""
    rng = random.Random(SEED)  # noqa: S311 - a reproducible sequence, not a secret
    sources = [fixture(name) for name in COMMITTED]
    if FFMPEG is not None:
        made: Callable[[str], Path] = request.getfixturevalue("made")
        sources += [made(name) for name in MADE]
    per_source = -(-CASES // len(sources))
    cases = [m for path in sources for m in _mutants(path.name, path.read_bytes(), per_source, rng)]
    assert len(cases) >= 2000
    failures: list[str] = []
    accepted: dict[str, tuple[str, Path, int]] = {}
    outcomes = {"accepted": 0, "refused": 0}
    work = tmp_path / "case"
    for label, data in cases:
        work.write_bytes(data)
        outcome, duration = _probe_case(work)
        if outcome not in outcomes:
            failures.append(f"{label}: {outcome}")
            continue
        outcomes[outcome] += 1
        if duration is not None:
            key = digest(data)
            if key not in accepted:
                path = tmp_path / f"{len(accepted)}.bin"
                path.write_bytes(data)
                accepted[key] = (label, path, duration)
    assert not failures, f"{len(failures)} mutants crashed the probe:\n" + "\n".join(failures[:5])
    assert outcomes["accepted"] > 200 and outcomes["refused"] > 200, outcomes
    if FFMPEG is None:
        pytest.skip("ffmpeg is not installed: no reference decode to compare the accepted durations with")
    entries = list(accepted.values())
    batches = [entries[i : i + BATCH] for i in range(0, len(entries), BATCH)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        decoded = [s for batch in pool.map(lambda b: decoded_many([e[1] for e in b]), batches) for s in batch]
    wrong = [
        f"{label}: probe {duration / 1000:.3f} s, ffmpeg decodes {seconds:.3f} s"
        for (label, _path, duration), seconds in zip(entries, decoded, strict=True)
        if abs(duration / 1000 - seconds) > TOLERANCE
    ]
    assert not wrong, f"{len(wrong)} of {len(entries)} accepted mutants have a wrong duration:\n" + "\n".join(
        wrong[:15]
    )


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_fixtures_match_ffmpeg(name: str, made: Callable[[str], Path]) -> None:
    assert abs(probe(fixture(name)).duration_ms / 1000 - decoded_seconds(fixture(name))) <= TOLERANCE
