"""Soak (not a timed test): the seeded catalogue served by `media-catalogue serve --workers 2` (the production path,
download counting on) under a steady mixed load for a bounded time: feeds 60 % (half of them conditional, with the
ETag, half asking for gzip), pages 30 % (home, shows, episodes, in three languages), enclosures 10 % (a random byte
range each, as podcast apps fetch them). wrk drives the load with a Lua script that picks every request at random
from a prepared list; the workers' resident memory is read from /proc every few seconds.

Pass: no error (a non-2xx/3xx answer or a socket error: connect, read, write, timeout) and resident memory flat after
warm-up: the workers' RSS at the end within 10 % of what it was once warm (the first tenth of the run, at least 10 s;
the median of the samples around each point, so one garbage collection does not decide it). A worker that dies and is
replaced is an error too.

    .venv/bin/python bench/soak.py [--duration 600] [--connections 32]

The last lines printed hold the errors, the memory start/end/growth and the rates.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from loadtest import fetch, free_port, require_tools, seeded_catalogue, serve, stop, wait_for
from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, MediaFile, Show, Status

LANGUAGES = ("en", "fr", "nl")
MIX = {"feed": 60, "page": 30, "enclosure": 10}


def targets(database: object) -> tuple[list[str], list[str], list[tuple[str, int]]]:
    """Feed paths, page paths and (enclosure path, size) of the published catalogue."""
    with database.session() as session:  # type: ignore[attr-defined]
        shows = list(session.scalars(select(Show.slug)))
        episodes = session.execute(
            select(Show.slug, Episode.slug).join(Episode, Episode.show_id == Show.id)
            .where(Episode.status == Status.published)
        ).all()  # fmt: skip
        media = session.execute(
            select(Show.slug, Episode.slug, MediaFile.extension, MediaFile.byte_length)
            .join(Episode, Episode.show_id == Show.id).join(MediaFile, MediaFile.episode_id == Episode.id)
            .where(Episode.status == Status.published, MediaFile.role == "primary")
        ).all()  # fmt: skip
    feeds = [f"/feeds/{slug}.xml" for slug in shows] + ["/feeds/all.xml"]
    pages = ["/", "/shows"] + [f"/shows/{slug}" for slug in shows] + [f"/shows/{s}/{e}" for s, e in episodes]
    enclosures = [(f"/media/{s}/{e}.{ext}", size) for s, e, ext, size in media]
    return feeds, pages, enclosures


def _lua(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def lua_script(base_url: str, feeds: list[str], pages: list[str], enclosures: list[tuple[str, int]]) -> str:
    """A wrk script choosing each request at random from 2,000 prepared ones in the proportions of MIX."""
    rng = random.Random(17)  # noqa: S311 - a load mix, not a secret
    etags = {path: fetch(base_url + path, headers={"Accept-Encoding": "identity"})[1]["etag"] for path in feeds}
    requests = []
    for _ in range(2000):
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        headers = {"User-Agent": "AntennaPod/3.4.0"}
        if kind == "feed":
            path = rng.choice(feeds)
            if rng.random() < 0.5:
                headers["If-None-Match"] = etags[path]
            else:
                headers["Accept-Encoding"] = "gzip"
        elif kind == "page":
            path = rng.choice(pages)
            headers["Accept-Language"] = rng.choice(LANGUAGES)
        else:
            path, size = rng.choice(enclosures)
            first = rng.randrange(0, max(size - 1, 1))
            headers["Range"] = f"bytes={first}-{min(size - 1, first + rng.randrange(1, 65536))}"
        fields = ", ".join(
            f'["{name}"] = "{value.replace(chr(34), chr(92) + chr(34))}"' for name, value in headers.items()
        )
        requests.append(f'  wrk.format("GET", "{path}", {{{fields}}}),')
    return (
        "local requests = nil\n"
        "function init(args)\n  math.randomseed(os.time() + math.floor(os.clock() * 1e6))\n  requests = {\n"
        + "\n".join(requests)
        + "\n  }\nend\n"
        "function request()\n  return requests[math.random(#requests)]\nend\n"
    )


def workers_of(parent: int) -> dict[int, int]:
    """{pid: resident bytes} of uvicorn's workers (the children of `parent` started by multiprocessing's spawn), from
    /proc. The supervisor's other child, multiprocessing's resource tracker, is left out: its few tens of constant
    megabytes in the sum would make the workers' growth look smaller than it is."""
    found = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == parent and b"resource_tracker" not in (entry / "cmdline").read_bytes():
                found[int(entry.name)] = int((entry / "statm").read_text().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
    return found


class MemorySampler(threading.Thread):
    def __init__(self, parent: int, every: float) -> None:
        super().__init__(daemon=True)
        self.parent, self.every = parent, every
        self.samples: list[tuple[float, int, frozenset[int]]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self.stopping.is_set():
            workers = workers_of(self.parent)
            self.samples.append((time.monotonic() - start, sum(workers.values()), frozenset(workers)))
            self.stopping.wait(self.every)


def around(samples: list[tuple[float, int, frozenset[int]]], at: float, width: float) -> float:
    near = [rss for t, rss, _ in samples if abs(t - at) <= width]
    return statistics.median(near) if near else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=600, help="Seconds of load (default 600: ten minutes).")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections.")
    parser.add_argument("--sample-every", type=float, default=2.0, help="Seconds between memory samples.")
    args = parser.parse_args()
    require_tools("wrk")

    with tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        settings, database, report = seeded_catalogue(workdir, port)
        feeds, pages, enclosures = targets(database)
        database.dispose()
        env = {
            **os.environ,
            "MEDIA_CATALOGUE_DATA_DIR": str(workdir / "data"),
            "MEDIA_CATALOGUE_DATABASE_URL": str(settings.database_url),
            "MEDIA_CATALOGUE_BASE_URL": base_url,
        }
        app = serve(env, port)
        try:
            wait_for(f"{base_url}/healthz")
            script = workdir / "mix.lua"
            script.write_text(lua_script(base_url, feeds, pages, enclosures))
            print(f"soak: {len(feeds)} feeds, {len(pages)} pages, {len(enclosures)} enclosures; mix {MIX}; "
                  f"{args.connections} connections for {args.duration} s")  # fmt: skip
            sampler = MemorySampler(app.pid, args.sample_every)
            sampler.start()
            command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
                       "-s", str(script), base_url + "/"]  # fmt: skip
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            sampler.stopping.set()
            sampler.join()
        finally:
            stop(app)
    print(output.rstrip())
    samples = sampler.samples
    warm = max(10.0, args.duration / 10)
    width = max(args.sample_every * 3, args.duration / 60)
    start_rss = around(samples, warm, width)
    end_rss = around(samples, samples[-1][0] - width, width)
    growth = (end_rss - start_rss) / start_rss
    seen = frozenset().union(*(pids for _, _, pids in samples))
    restarted = len(seen - samples[-1][2])  # workers that were there and are gone: died and were replaced
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad_status = int(non_2xx.group(1)) if non_2xx else 0
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    transfer = re.search(r"Transfer/sec:\s+(\S+)", output)
    errors = bad_status + socket_errors + restarted
    mib = 2**20
    marks = [round(args.duration * i / 10) for i in range(11)]
    print("rss over time (MiB): " + ", ".join(f"{t} s {around(samples, t, width) / 2**20:.0f}" for t in marks))
    print(f"errors: {errors} (non-2xx/3xx {bad_status}, socket errors {socket_errors}, workers replaced {restarted})")
    print(f"rss of the 2 workers: start {start_rss / mib:.1f} MiB (at {warm:.0f} s), end {end_rss / mib:.1f} MiB, "
          f"growth {growth:+.1%} (min {min(s[1] for s in samples) / mib:.1f}, "
          f"max {max(s[1] for s in samples) / mib:.1f} MiB over {len(samples)} samples)")  # fmt: skip
    print(f"rates: {float(rate.group(1)) if rate else 0:,.0f} requests/s, {transfer.group(1) if transfer else '?'}/s")
    verdict = "PASS" if errors == 0 and growth < 0.10 else "FAIL"
    print(f"soak {args.duration} s: {verdict}: errors {errors} (target 0), RSS growth {growth:+.1%} (target < 10 %), "
          f"{float(rate.group(1)) if rate else 0:,.0f} requests/s")  # fmt: skip


if __name__ == "__main__":
    main()
