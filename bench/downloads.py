"""Download-counting benchmark (not a timed test), issue 16: requests per second for one enclosure of the seeded
catalogue, `/media/<show>/<episode>.mp3`, served by `uvicorn --factory media_catalogue.web.app:app_from_environment
--workers 2` with download counting on, then the same with counting off (MEDIA_CATALOGUE_DOWNLOADS_ENABLED=false),
then nginx (its own config, 2 workers) serving the same file; all loaded by wrk on 127.0.0.1 in the same run, with a
podcast app's user agent so every request goes through the whole counting path. Target: counting costs under 10 %
of throughput. The counted requests are checked at the end (every one logged, exactly one download counted).

    .venv/bin/python bench/downloads.py [--duration 8] [--connections 16]

The last line printed holds the ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from loadtest import fetch, free_port, nginx_config, require_tools, seeded_catalogue, wait_for, wrk
from sqlalchemy import func, select

from media_catalogue.catalogue.downloads.models import Download, DownloadRequest
from media_catalogue.catalogue.models import Episode, MediaFile, Show
from media_catalogue.db import Database

AGENT = {"User-Agent": "AntennaPod/3.4.0"}


def run_app(env: dict[str, str], port: int, url: str, duration: int, connections: int, counting: bool) -> float:
    uvicorn = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "media_catalogue.web.app:app_from_environment",
         "--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        env={**env, "MEDIA_CATALOGUE_DOWNLOADS_ENABLED": "true" if counting else "false"}, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        for _ in range(20):
            fetch(url, headers=AGENT)
        return wrk(url, duration, connections, AGENT)
    finally:
        os.killpg(uvicorn.pid, signal.SIGTERM)  # a clean shutdown: the workers write what they still hold
        uvicorn.wait(timeout=60)


def per_request_costs(database: Database) -> tuple[float, float]:
    """CPU per request of the counting path measured in-process (no noise from other load): the hook's rules
    (zone day, address, key, exclusions, threshold) and the batched write with counting, in microseconds."""
    import time
    from datetime import UTC, date, datetime

    from media_catalogue.catalogue.downloads import rules, store

    exclusions, salt, rounds = rules.Exclusions.load(), b"x" * 32, 20_000
    start = time.perf_counter()
    for _ in range(rounds):
        address = rules.client_address("127.0.0.5", None, ())
        rules.window_day(datetime.now(UTC), "Europe/Brussels")
        rules.client_key(salt, address, AGENT["User-Agent"])
        exclusions.reason(method="GET", status=200, range_header=None, user_agent=AGENT["User-Agent"],
                          address=address, headers={})  # fmt: skip
        rules.needed_bytes(62_000, 100_000, 64_000)
    hook = (time.perf_counter() - start) / rounds * 1e6
    hits = [store.Hit(at=datetime.now(UTC), show_id=0, episode_id=0, day=date(2000, 1, 1), client_key=f"b{i % 50}",
                      user_agent=AGENT["User-Agent"], method="GET", status=200, range_header=None, first_byte=0,
                      byte_count=62_000, needed=1_000, redirect=False, excluded=None)
            for i in range(1_000)]  # fmt: skip
    start = time.perf_counter()
    for _ in range(5):
        store.record(database, hits)
    write = (time.perf_counter() - start) / 5_000 * 1e6
    return hook, write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="Seconds per wrk run.")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (the bounded load).")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="Alternate counting on/off this many times (shared machines are noisy); the best run of each is compared.",
    )
    args = parser.parse_args()
    require_tools("wrk", "nginx")

    with tempfile.TemporaryDirectory(prefix="bench-downloads-") as tmp:
        workdir = Path(tmp)
        app_port, nginx_port = free_port(), free_port()
        base_url = f"http://127.0.0.1:{app_port}"
        settings, database, _report = seeded_catalogue(workdir, app_port)
        with database.session() as session:
            show, slug, ext, mime = session.execute(
                select(Show.slug, Episode.slug, MediaFile.extension, MediaFile.mime_type)
                .join(Episode, Episode.show_id == Show.id).join(MediaFile, MediaFile.episode_id == Episode.id)
                .where(Episode.status == "published", MediaFile.role == "primary").limit(1)
            ).one()  # fmt: skip
        path = f"/media/{show}/{slug}.{ext}"
        env = {
            **os.environ,
            "MEDIA_CATALOGUE_DATA_DIR": str(workdir / "data"),
            "MEDIA_CATALOGUE_DATABASE_URL": str(settings.database_url),
            "MEDIA_CATALOGUE_BASE_URL": base_url,
        }
        url = f"{base_url}{path}"
        nginx = None
        try:
            counted_runs, plain_runs = [], []
            for _ in range(max(args.rounds, 1)):
                counted_runs.append(run_app(env, app_port, url, args.duration, args.connections, counting=True))
                plain_runs.append(run_app(env, app_port, url, args.duration, args.connections, counting=False))
            counted_rps, plain_rps = max(counted_runs), max(plain_runs)
            with database.session() as session:
                logged = session.scalar(select(func.count()).select_from(DownloadRequest))
                downloads = session.scalar(select(func.count()).select_from(Download))
            workdir.chmod(0o755)
            www = workdir / "www"
            www.mkdir(mode=0o755)
            with database.session() as session:
                source = session.scalar(select(MediaFile.storage_key).join(Episode).where(Episode.slug == slug))
            assert source is not None
            shutil.copy(Path(settings.resolved_storage_url) / source, www / f"file.{ext}")
            (www / f"file.{ext}").chmod(0o644)
            (workdir / "nginx.conf").write_text(
                nginx_config(workdir, nginx_port, content_type=mime, cache_control="public, max-age=3600")
            )
            nginx = subprocess.Popen(["nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
                                     start_new_session=True)  # fmt: skip
            nginx_url = f"http://127.0.0.1:{nginx_port}/file.{ext}"
            wait_for(nginx_url)
            size = len(fetch(nginx_url)[0])
            nginx_rps = wrk(nginx_url, args.duration, args.connections, AGENT)
        finally:
            if nginx is not None:
                os.killpg(nginx.pid, signal.SIGTERM)
                nginx.wait(timeout=20)
        hook, write = per_request_costs(database)
        database.dispose()
    print(f"serving {path}: {size / 1024:.1f} KiB, wrk {args.connections} connections, {args.duration} s each")
    runs = ", ".join(f"{r:,.0f}" for r in counted_runs)
    print(f"  app with counting (uvicorn, 2 workers): {counted_rps:,.0f} requests/s (runs: {runs}; "
          f"{logged:,} requests logged, {downloads} download counted: one client)")  # fmt: skip
    print(
        f"  app without counting:                   {plain_rps:,.0f} requests/s (runs: "
        + ", ".join(f"{r:,.0f}" for r in plain_runs)
        + ")"
    )
    print(f"  nginx (2 workers), same file:           {nginx_rps:,.0f} requests/s")
    print(f"  counting CPU per request, in-process: rules {hook:.0f} us + batched write {write:.0f} us; "
          f"a served request costs {2 / plain_rps * 1e6:,.0f} us of the 2 workers' time without counting")  # fmt: skip
    cost = 1 - counted_rps / plain_rps
    print(f"ratio: counting/no counting {counted_rps / plain_rps:.3f} (counting costs {cost:.1%} of throughput, "
          f"target < 10%); app/nginx {counted_rps / nginx_rps:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
