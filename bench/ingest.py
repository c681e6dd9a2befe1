"""Ingest benchmark (not a timed test): a 60-minute 128 kbps MP3 (about 58 MB) ingested into local storage, against
a durable copy of the same file (`cp` then `sync` of the copy: one read and one durable write, the physical floor),
measured in the same run; then the peak memory while ingesting a 1 GiB file, above the process's idle size.

    /tmp/venv/bin/python bench/ingest.py [--dir DIR] [--rounds 5] [--skip-memory]

The MP3 is made at bench time: lame encodes ten seconds of sound at 128 kbps CBR, and its frames are repeated to
length. Targets (issue 3): ingest within 1.5x of the durable copy; peak memory under 64 MiB above idle whatever the
file size. The last line printed is the ratio.
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


def memory_child(root: Path) -> None:
    """Runs in a child process: ingest the 1 GiB file and print idle and peak resident memory as JSON."""
    settings, database, storage = setup(root)
    source = root / "big.mp3"
    ingest_once(settings, database, storage, root / "warm.mp3", "warm")  # imports and first-use allocations
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current size
    idle = _status("VmRSS")
    seconds = ingest_once(settings, database, storage, source, "big")
    peak = _status("VmHWM")
    print(json.dumps({"idle": idle, "peak": peak, "seconds": seconds, "size": source.stat().st_size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="work directory on the disk to measure")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
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
        print(f"best-of ratio: {min(ingests) / min(copies):.2f}; load after: {_load()}")

        if not args.skip_memory:
            shutil.copy(root / "hour.mp3", root / "warm.mp3")
            make_mp3(root / "big.mp3", size=1024**3 - 1024**2)
            child = subprocess.run(
                [sys.executable, __file__, "--memory-child", str(root)], check=True, capture_output=True, text=True
            )
            memory = json.loads(child.stdout.strip().splitlines()[-1])
            above = (memory["peak"] - memory["idle"]) / 1024**2
            print(
                f"memory:     {memory['size'] / 1024**3:.2f} GiB ingested in {memory['seconds']:.2f} s; "
                f"idle {memory['idle'] / 1024**2:.1f} MiB, peak {memory['peak'] / 1024**2:.1f} MiB, "
                f"{above:.1f} MiB above idle (target < 64)"
            )
        print(f"ratio ingest / (cp + sync): {ingest_s / copy_s:.2f} (target <= 1.5)")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        os.sync()


if __name__ == "__main__":
    main()
