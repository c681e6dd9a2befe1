"""Ingest benchmark (not a timed test): a 60-minute 128 kbps MP3 (about 58 MB) ingested into local storage, against
a durable copy of the same file (`cp` then `sync` of the copy: one read and one durable write, the physical floor),
measured in the same run; then the peak memory, above the process's idle size, while ingesting a 1 GiB file and a
file whose ID3 tag holds a 200 MB cover (refused as tag_too_large before the tag is read).

    .venv/bin/python bench/ingest.py [--dir DIR] [--rounds 9] [--skip-memory]

The MP3 is made at bench time: lame encodes ten seconds of sound at 128 kbps CBR, and its frames are repeated to
length. Targets (issue 11): ingest within 1.3x of the durable copy (the source read once for both checksums and the
frame count); peak memory under 64 MiB above idle whatever the file or tag size. The last three lines printed are
the two memory figures and the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from media_catalogue import ingest
from media_catalogue.catalogue.models import Episode, Show, Status
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.errors import MediaRejected
from media_catalogue.media.mpeg import read_layout
from media_catalogue.storage import create_storage

FRAME_SECONDS = 1152 / 44100


def make_mp3(target: Path, seconds: float | None = None, size: int | None = None) -> Path:
    """An MP3 of `seconds` (or about `size` bytes): lame-encoded frames repeated, behind a small ID3v2 tag."""
    with tempfile.TemporaryDirectory() as work:
        wav, mp3 = Path(work) / "tone.wav", Path(work) / "tone.mp3"
        subprocess.run(
            ["sox", "-n", "-r", "44100", "-c", "2", str(wav), "synth", "10", "pinknoise", "vol", "0.3"], check=True
        )
        subprocess.run(["lame", "--quiet", "-t", "-b", "128", "--cbr", str(wav), str(mp3)], check=True)
        data = mp3.read_bytes()
    layout = read_layout(io.BytesIO(data), len(data))
    frames = data[layout.audio_start : layout.audio_end]
    frame_count = round(10 / FRAME_SECONDS)
    per_frame = len(frames) / frame_count
    wanted = size if size is not None else int((seconds or 0) / FRAME_SECONDS * per_frame)
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x00"  # an empty ID3v2.4 tag, as many encoders leave
    with target.open("wb") as out:
        out.write(tag)
        written = 0
        while written + len(frames) <= wanted:
            out.write(frames)
            written += len(frames)
    return target


def settle() -> None:
    """Flush everything and let the disk drain, so that each measured write starts from the same state (a write
    right after another one pays for the first's write-back; the VM disks here are shared and noisy)."""
    os.sync()
    time.sleep(0.5)


def durable_copy(source: Path, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    subprocess.run(["sync", str(target)], check=True)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def setup(root: Path, max_upload: int = 2 * 1024**3) -> tuple[Settings, Database, object]:
    settings = Settings(
        data_dir=root / "data",
        base_url="https://podcasts.example.org",
        max_upload_bytes=max_upload,
        _env_file=None,  # type: ignore[call-arg]
    )
    database = Database(settings)
    database.migrate()
    return settings, database, create_storage(settings)


def ingest_once(settings: Settings, database: Database, storage: object, source: Path, slug: str) -> float:
    with database.session() as session:
        show = session.get(Show, 1)
        if show is None:
            show = Show(slug="bench", title="Bench", author="Bench", language="en", podcast_guid="bench-guid")
            session.add(show)
        episode = Episode(
            show=show,
            slug=slug,
            title=f"Episode {slug}",
            status=Status.published,
            published_at=datetime(2024, 1, 1, tzinfo=UTC),
            guid=f"bench-{slug}",
        )
        session.add(episode)
        session.flush()
        started = time.perf_counter()
        ingest.attach_media(session, storage, settings, episode, source, filename="episode.mp3")  # type: ignore[arg-type]
        session.commit()
        return time.perf_counter() - started


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _load() -> str:
    """Other processes on the CPUs change the result: both checksums run on worker threads beside the write."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def with_cover(source: Path, target: Path, cover_bytes: int) -> Path:
    """`source` behind an ID3v2.3 tag holding one APIC frame of `cover_bytes` (a JPEG start, then zeros)."""
    picture = b"\x00image/jpeg\x00\x03Cover\x00\xff\xd8\xff" + bytes(cover_bytes)
    frame = b"APIC" + len(picture).to_bytes(4, "big") + b"\0\0" + picture
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 127, (size >> 14) & 127, (size >> 7) & 127, size & 127])
    with target.open("wb") as out, source.open("rb") as audio:
        out.write(b"ID3\x03\x00\x00" + syncsafe + frame)
        audio.seek(10)  # past make_mp3's empty tag
        shutil.copyfileobj(audio, out, 1024 * 1024)
    return target


def memory_child(root: Path, name: str) -> None:
    """Runs in a child process: ingest `name` and print idle and peak resident memory as JSON."""
    settings, database, storage = setup(root)
    source = root / name
    ingest_once(settings, database, storage, root / "warm.mp3", f"warm-{name}")  # imports, first-use allocations
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current size
    idle = _status("VmRSS")
    outcome = "stored"
    try:
        seconds = ingest_once(settings, database, storage, source, f"measured-{name}")
    except MediaRejected as refusal:
        seconds, outcome = 0.0, refusal.code
    peak = _status("VmHWM")
    print(
        json.dumps({"idle": idle, "peak": peak, "seconds": seconds, "size": source.stat().st_size, "outcome": outcome})
    )


def measure_memory(root: Path, name: str) -> str:
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(root), "--memory-file", name],
        check=True,
        capture_output=True,
        text=True,
    )
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    above = (memory["peak"] - memory["idle"]) / 1024**2
    return (
        f"memory {name}: {memory['size'] / 1024**2:.0f} MiB, {memory['outcome']} in {memory['seconds']:.2f} s; "
        f"idle {memory['idle'] / 1024**2:.1f} MiB, peak {memory['peak'] / 1024**2:.1f} MiB, "
        f"{above:.1f} MiB above idle (target < 64)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="work directory on the disk to measure")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memory-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.memory_file)
        return

    root = Path(tempfile.mkdtemp(prefix="mc-bench-", dir=args.dir))
    try:
        source = make_mp3(root / "hour.mp3", seconds=3600)
        size = source.stat().st_size
        print(f"source: {size / 1e6:.1f} MB, 60 min at 128 kbps; {os.cpu_count()} CPUs, load {_load()}")
        settings, database, storage = setup(root)
        ingest_once(settings, database, storage, source, "warmup")
        durable_copy(source, root / "warmup-copy.mp3")
        copies, ingests = [], []
        for round_ in range(args.rounds):  # interleaved, so that both see the same disk weather
            settle()
            copies.append(durable_copy(source, root / f"copy-{round_}.mp3"))
            settle()
            ingests.append(ingest_once(settings, database, storage, source, f"round-{round_}"))
        copy_s, ingest_s = statistics.median(copies), statistics.median(ingests)
        for label, times in (("cp + sync", copies), ("ingest", ingests)):
            print(
                f"{label + ':':<11} median {statistics.median(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms"
                f"  ({', '.join(f'{t * 1000:.0f}' for t in times)})"
            )
        print(f"load after: {_load()}")

        lines = []
        if not args.skip_memory:
            shutil.copy(root / "hour.mp3", root / "warm.mp3")
            make_mp3(root / "big.mp3", size=1024**3 - 1024**2)
            lines.append(measure_memory(root, "big.mp3"))
            (root / "big.mp3").unlink()
            with_cover(root / "hour.mp3", root / "cover.mp3", 200 * 1024**2)
            lines.append(measure_memory(root, "cover.mp3"))
        ratio, best = ingest_s / copy_s, min(ingests) / min(copies)
        lines.append(f"ratio ingest / (cp + sync): {ratio:.2f} median, {best:.2f} best-of (target <= 1.3)")
        print("\n".join(lines))
    finally:
        shutil.rmtree(root, ignore_errors=True)
        os.sync()


if __name__ == "__main__":
    main()
