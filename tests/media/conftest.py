"""Real-encoder media made in the test session by ffmpeg (from Debian, installed by .ci/run), and the decoded length
of a file as ffmpeg measures it: the reference every duration the probe gives is held to."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

FFMPEG = shutil.which("ffmpeg")
DECODE_RATE = 48000


def ffmpeg(*args: str) -> None:
    assert FFMPEG
    subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-y", *args], check=True, capture_output=True, timeout=120)


def decoded_seconds(path: Path) -> float:
    """Seconds of audio ffmpeg decodes from the first audio stream (resampled to one rate: only the length counts;
    damaged frames ffmpeg drops are missing from it, as in any player)."""
    return decoded_many([path])[0]


def decoded_many(paths: list[Path]) -> list[float]:
    """decoded_seconds for many files in one ffmpeg process (starting ffmpeg costs more than decoding a short
    file); a batch ffmpeg refuses as a whole (an input it cannot open) is split until the culprit stands alone."""
    assert FFMPEG
    if not paths:
        return []
    command = [FFMPEG, "-nostdin", "-v", "quiet", "-y"]
    for path in paths:
        command += ["-i", str(path)]
    outputs = [path.with_suffix(".pcm") for path in paths]
    for index, output in enumerate(outputs):
        command += ["-map", f"{index}:a:0", "-ac", "1", "-ar", str(DECODE_RATE), "-f", "s16le", str(output)]
    run = subprocess.run(command, capture_output=True, timeout=300, check=False)
    if run.returncode != 0 and len(paths) > 1:
        half = len(paths) // 2
        return decoded_many(paths[:half]) + decoded_many(paths[half:])
    seconds = [output.stat().st_size / 2 / DECODE_RATE if output.exists() else 0.0 for output in outputs]
    for output in outputs:
        output.unlink(missing_ok=True)
    return seconds


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """made(name) -> a file made by ffmpeg's encoders in this session (skips without ffmpeg); see RECIPES."""
    if FFMPEG is None:
        pytest.skip("ffmpeg is not installed (Debian package ffmpeg; .ci/run installs it)")
    folder = tmp_path_factory.mktemp("made")
    cache: dict[str, Path] = {}

    def make(name: str) -> Path:
        if name not in cache:
            target = folder / name
            RECIPES[name](target, folder)
            cache[name] = target
        return cache[name]

    return make


def _nx(target: Path, folder: Path) -> None:
    # issue 11 (1): VBR, no Xing header, loud noise after a quiet tone so the first frame's rate is unrepresentative
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=d=30",
        "-f",
        "lavfi",
        "-i",
        "anoisesrc=d=30:a=0.3",
        "-filter_complex",
        "[0][1]concat=n=2:v=0:a=1",
        "-ac",
        "2",
        "-c:a",
        "libmp3lame",
        "-q:a",
        "4",
        "-write_xing",
        "0",
        str(target),
    )


def _nx_short(target: Path, folder: Path) -> None:
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=d=1",
        "-f",
        "lavfi",
        "-i",
        "anoisesrc=d=1:a=0.3",
        "-filter_complex",
        "[0][1]concat=n=2:v=0:a=1",
        "-ac",
        "2",
        "-c:a",
        "libmp3lame",
        "-q:a",
        "4",
        "-write_xing",
        "0",
        str(target),
    )


def _vbr20(target: Path, folder: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "sine=d=20", "-ac", "2", "-c:a", "libmp3lame", "-q:a", "4", str(target))


def _concat(target: Path, folder: Path) -> None:
    # issue 11 (2): three copies of a VBR MP3 with a Xing header, joined with cat
    part = _made_in(folder, "vbr20.mp3", _vbr20)
    target.write_bytes(part.read_bytes() * 3)


def _m4a27(target: Path, folder: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "sine=d=27", "-c:a", "aac", str(target))


def _m4a_short(target: Path, folder: Path) -> None:
    ffmpeg("-f", "lavfi", "-i", "sine=f=330:d=1.6", "-ac", "2", "-c:a", "aac", "-b:a", "64k", str(target))


def _fragmented(target: Path, folder: Path) -> None:
    # issue 11 (4): what browsers' recorders and many tools write
    ffmpeg(
        "-i", str(_made_in(folder, "t.m4a", _m4a27)), "-c", "copy", "-movflags", "frag_keyframe+empty_moov", str(target)
    )


def _fragmented_short(target: Path, folder: Path) -> None:
    ffmpeg(
        "-i",
        str(_made_in(folder, "short.m4a", _m4a_short)),
        "-c",
        "copy",
        "-frag_duration",
        "300000",
        "-movflags",
        "frag_keyframe+empty_moov+default_base_moof",
        str(target),
    )


def _chaptered(target: Path, folder: Path) -> None:
    # issue 11 (5): ID3 CHAP/CTOC written by ffmpeg from a metadata file
    meta = folder / "chapters.txt"
    meta.write_text(
        ";FFMETADATA1\ntitle=Chaptered\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Opening\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2500\ntitle=Interview\n"
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2500\nEND=4000\ntitle=Goodbye\n"
    )
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=d=4",
        "-i",
        str(meta),
        "-map",
        "0",
        "-map_metadata",
        "1",
        "-map_chapters",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "64k",
        "-id3v2_version",
        "3",
        str(target),
    )


def _long(target: Path, folder: Path) -> None:
    # about 3 MB: several chunks of the copy, so a kill can land in the middle of the write
    ffmpeg("-f", "lavfi", "-i", "sine=d=200", "-c:a", "libmp3lame", "-b:a", "128k", str(target))


def _made_in(folder: Path, name: str, recipe: Callable[[Path, Path], None]) -> Path:
    path = folder / name
    if not path.exists():
        recipe(path, folder)
    return path


RECIPES: dict[str, Callable[[Path, Path], None]] = {
    "nx.mp3": _nx,
    "nx-short.mp3": _nx_short,
    "vbr20.mp3": _vbr20,
    "c.mp3": _concat,
    "t.m4a": _m4a27,
    "short.m4a": _m4a_short,
    "f.m4a": _fragmented,
    "f-short.m4a": _fragmented_short,
    "chaptered.mp3": _chaptered,
    "long.mp3": _long,
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
