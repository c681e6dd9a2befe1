"""Page benchmark (not a timed test): requests per second for an episode page of the seeded catalogue under a
bounded load, served by `media-catalogue serve --workers 2` (the production path), against nginx (started here with
its own config, 2 workers) serving the same HTML bytes as a static file, both loaded by wrk on 127.0.0.1 in the same
run. Target (issue 17): at least 0.4x nginx.

Rendered pages are cached per worker and checked against the catalogue's content version (re-read at most every
100 ms), and a hit is answered before FastAPI runs (web.pagecache.answer_cached), so this measures that hit path;
the render cost itself is printed too (median of cold renders through the app, cache cleared each time).

    .venv/bin/python bench/pages.py [--duration 8] [--connections 16] [--page /shows/.../...]

The last line printed holds the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from loadtest import fetch, free_port, nginx_config, require_tools, seeded_catalogue, serve, stop, wait_for, wrk

from media_catalogue.config import Settings
from media_catalogue.db import Database

PAGE = "/shows/diaspora-insights/aissatou-cisse"
ENGLISH = {"Accept-Language": "en"}


def render_cost(settings: Settings, database: Database, page: str, rounds: int = 30) -> float:
    """Median time of a full uncached render through the app (route, queries, Jinja2), in milliseconds."""
    from fastapi.testclient import TestClient

    from media_catalogue.web.app import create_app

    app = create_app(settings, database=database)
    times = []
    with TestClient(app, base_url=settings.base_url) as client:
        client.get(page)
        for _ in range(rounds):
            app.state.page_cache.clear()
            start = time.perf_counter()
            client.get(page, headers={"Accept-Language": "en"})
            times.append(time.perf_counter() - start)
        hits = []
        for _ in range(rounds):
            start = time.perf_counter()
            client.get(page, headers={"Accept-Language": "en"})
            hits.append(time.perf_counter() - start)
    print(f"  in-process (TestClient): uncached render {statistics.median(times) * 1000:.2f} ms, "
          f"cache hit {statistics.median(hits) * 1000:.2f} ms (medians of {rounds})")  # fmt: skip
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="Seconds per wrk run.")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (the bounded load).")
    parser.add_argument("--page", default=PAGE, help="Path of the page to load.")
    args = parser.parse_args()
    require_tools("wrk", "nginx")

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        workdir = Path(tmp)
        app_port, nginx_port = free_port(), free_port()
        base_url = f"http://127.0.0.1:{app_port}"
        settings, database, report = seeded_catalogue(workdir, app_port)
        print(f"seeded catalogue synced: {len(report.created)} items")
        render_cost(settings, database, args.page)
        database.dispose()
        env = {
            **os.environ,
            "MEDIA_CATALOGUE_DATA_DIR": str(workdir / "data"),
            "MEDIA_CATALOGUE_DATABASE_URL": str(settings.database_url),
            "MEDIA_CATALOGUE_BASE_URL": base_url,
        }
        app = serve(env, app_port)
        nginx = None
        try:
            app_url = f"{base_url}{args.page}"
            wait_for(f"{base_url}/healthz")
            body, headers = fetch(app_url, headers=ENGLISH)
            for _ in range(20):  # both workers render their copy before measuring
                fetch(app_url, headers=ENGLISH)
            workdir.chmod(0o755)  # nginx workers run unprivileged and must read the file
            www = workdir / "www"
            www.mkdir(mode=0o755)
            (www / "page.html").write_bytes(body)
            (workdir / "nginx.conf").write_text(
                nginx_config(
                    workdir,
                    nginx_port,
                    content_type="text/html; charset=utf-8",
                    cache_control="public, max-age=0, must-revalidate",
                )
            )
            nginx = subprocess.Popen(["nginx", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
                                     start_new_session=True)  # fmt: skip
            nginx_url = f"http://127.0.0.1:{nginx_port}/page.html"
            wait_for(nginx_url)
            assert fetch(nginx_url, headers=ENGLISH)[0] == body
            print(f"serving {args.page}: {len(body) / 1024:.1f} KiB of HTML, ETag {headers.get('etag')}")
            app_rps = wrk(app_url, args.duration, args.connections, ENGLISH)
            nginx_rps = wrk(nginx_url, args.duration, args.connections, ENGLISH)
            print(f"  app (uvicorn, 2 workers): {app_rps:,.0f} requests/s")
            print(f"  nginx (2 workers), same bytes: {nginx_rps:,.0f} requests/s")
        finally:
            stop(app)
            stop(nginx)
    print(f"ratio: episode page app/nginx {app_rps / nginx_rps:.2f} (target >= 0.4)")


if __name__ == "__main__":
    main()
