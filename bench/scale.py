"""Scale benchmark (not a timed test): how the public side behaves as the catalogue grows.

The catalogue is generated (bench/generate.py, bulk inserts) on PostgreSQL in a throwaway schema and grown in steps
(default 1,000, 10,000 and 110,000 episodes: the last step is 1,000 shows x 100 episodes plus one 10,000-episode
show). At each size, in-process through the real app (FastAPI TestClient, page cache cleared before every request,
so every page is rendered from the database):

- uncached page time p50/p95 per page type (home, indexes and their page N, a show, the big show's first and last
  page, an episode, a project, a person, the video list, the sitemap index and a child sitemap);
- the JSON API's list pages (shows, a show's episodes, videos);
- search p50/p95 over a mix of common, rare, two-word and prefix queries (PostgreSQL full-text search);
- the feed of a 1,000-episode show rebuilt after one edit (warm item cache, feeds.itemcache) against a full build of
  the same items with plain lxml (bench/feeds.py's reference), measured in the same run: the ratio;
- sync of the text-file catalogue (content/ files -> SQLite), at smaller sizes (files are slow to write and read).

A plot (SVG, written directly) of p95s against catalogue size; the last lines print the ratios, percentiles and the
plot's path.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,110000] [--rounds 20] [--sync-sizes 100,300,1000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--out bench-scale.svg]

Generating 111k episodes takes minutes: `--schema big` generates into a schema that is kept, and a later run with
`--schema big --reuse --sizes 110000` times the pages against it (the pages' addresses are drawn the same way);
`--only home,show,sitemap` times those page types only (search is skipped unless named).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/feeds.py imports its sibling loadtest

from bench.feeds import lxml_feed, seed  # noqa: E402
from bench.generate import Size, generate  # noqa: E402
from bench.scale_plot import write_svg  # noqa: E402
from media_catalogue.catalogue.models import Episode, Show  # noqa: E402
from media_catalogue.catalogue.queries import live_episodes  # noqa: E402
from media_catalogue.config import Settings  # noqa: E402
from media_catalogue.db import Database  # noqa: E402
from media_catalogue.feeds.build import build_feed  # noqa: E402
from media_catalogue.feeds.itemcache import ItemCache  # noqa: E402
from media_catalogue.feeds.items import episode_item  # noqa: E402
from media_catalogue.urls import UrlPlan  # noqa: E402

BASE_URL = "https://podcasts.example.org"
GENERATED_TABLES = (
    "projects",
    "people",
    "shows",
    "seasons",
    "episodes",
    "media_files",
    "credits",
    "transcripts",
    "videos",
)
QUERIES = ["migration", "talent partnership", "rwanda", "diasp", "belgium senegal", "episode 42", "nothingatall"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def steps(sizes: list[int]) -> list[tuple[int, Size]]:
    """What to add to reach each size: shows of 100 episodes, and at the largest one show of a tenth of it."""
    added, plan = 0, []
    for n, total in enumerate(sizes):
        big = total // 11 if n == len(sizes) - 1 and total >= 11_000 else 0
        shows = max(1, (total - added - big) // 100)
        plan.append((total, Size(shows=shows, episodes_per_show=100, big_show_episodes=big, people=max(20, shows),
                                 projects=max(2, shows // 20), videos=max(20, shows))))  # fmt: skip
        added += shows * 100 + big
    return plan


def page_paths(rng: random.Random, prefix: str, size: Size, shows_so_far: int) -> dict[str, list[str]]:
    """One address of each page type (random show, episode, person), in the catalogue as it is after this step."""
    show = f"/shows/{prefix}-show-{rng.randrange(size.shows)}"
    big = f"/shows/{prefix}-show-{size.shows}" if size.big_show_episodes else show
    last = -(-max(size.big_show_episodes, 100) // 50)
    return {
        "home": ["/"],
        "shows": ["/shows", "/shows/page/2"] if shows_so_far > 48 else ["/shows"],
        "show": [show, f"{big}/page/{last}" if last > 1 else big],
        "episode": [f"{show}/episode-{rng.randrange(1, 101)}"],
        "project": [f"/projects/{prefix}-project-0"],
        "person": [f"/people/{prefix}-person-{rng.randrange(size.people)}"],
        "videos": ["/videos", "/videos/page/2"] if shows_so_far > 24 else ["/videos"],
        "sitemap": ["/sitemap.xml", "/sitemaps/episodes-1.xml"],
        "api": ["/api/shows", f"/api/shows/{prefix}-show-0/episodes?page=2", "/api/videos?page=2"],
    }


def bench_pages(app_client: object, app: object, paths: dict[str, list[str]], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {kind: [] for kind in paths}
    for _ in range(rounds):
        for kind, urls in paths.items():
            for url in urls:
                app.state.page_cache.clear()  # type: ignore[attr-defined]
                start = time.perf_counter()
                response = app_client.get(url)  # type: ignore[attr-defined]
                times[kind].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
    return times


def bench_search(client: object, rounds: int, queries: list[str]) -> list[float]:
    times = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            response = client.get("/search", params={"q": query})  # type: ignore[attr-defined]
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return times


def bench_rebuild(database: Database, settings: Settings, rounds: int) -> tuple[float, float, float]:
    """(median rebuild after one edit, median full plain-lxml build, median database load) in ms."""
    seed(database, settings, "feed-1000", 1000)
    urls, cache = UrlPlan(settings), ItemCache()
    rebuilds, references, loads = [], [], []
    with database.session() as session:
        show = session.scalars(select(Show).where(Show.slug == "feed-1000")).one()
        episodes = live_episodes(session, show=show)
        build_feed(show, episodes, settings, cache=cache)  # warm
        for n in range(rounds):
            edited = episodes[n % len(episodes)]
            edited.title = f"Edited {n}"
            session.flush()
            session.expire_all()
            start = time.perf_counter()
            episodes = live_episodes(session, show=show)
            loads.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            warm = build_feed(show, episodes, settings, cache=cache)
            rebuilds.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            lxml_feed(show, [i for i in (episode_item(e, urls) for e in episodes) if i], urls)
            references.append((time.perf_counter() - start) * 1000)
            assert warm == build_feed(show, episodes, settings, cache=None)
        session.rollback()
    return statistics.median(rebuilds), statistics.median(references), statistics.median(loads)


def bench_sync(sizes: list[int]) -> dict[int, float]:
    from bench.scale_files import write_catalogue
    from media_catalogue.storage import create_storage
    from media_catalogue.sync import sync_folder

    seconds = {}
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = write_catalogue(Path(tmp) / "episodes", count)
            settings = Settings(data_dir=Path(tmp) / "data", base_url=BASE_URL, _env_file=None)  # type: ignore[call-arg]
            database = Database(settings)
            database.migrate()
            start = time.perf_counter()
            report = sync_folder(database, settings, create_storage(settings), root)
            seconds[count] = time.perf_counter() - start
            assert not report.errors, report.errors[:3]
            database.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,110000")
    parser.add_argument("--sync-sizes", default="100,300,1000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--search-max-episodes", type=int, default=200_000, help="no search above (see the report)")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--out", default="bench-scale.svg")
    parser.add_argument("--schema", help="generate into this schema and keep it (default: a throwaway one)")
    parser.add_argument("--reuse", action="store_true", help="--schema already holds the catalogue: pages only")
    parser.add_argument("--only", default="", help="page types to time, comma-separated (default: all)")
    args = parser.parse_args()
    if args.reuse and not args.schema:
        parser.error("--reuse needs --schema")
    from fastapi.testclient import TestClient

    from media_catalogue.web.app import create_app

    began = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",")]
    schema = args.schema or f"scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.database_url)
    if not args.reuse:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in args.database_url else "?"
    url = f"{args.database_url}{separator}options=-csearch_path%3D{schema}"
    rng = random.Random(17)  # noqa: S311 - which pages to ask for, not secrets
    results: dict[int, dict[str, tuple[float, float]]] = {}
    shows_so_far = 1  # bench_rebuild's show
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), base_url=BASE_URL, database_url=url, _env_file=None)  # type: ignore[call-arg]
            database = Database(settings)
            database.migrate()
            rebuild = reference = math.nan
            if not args.reuse:
                rebuild, reference, load = bench_rebuild(database, settings, max(5, args.rounds // 2))
                print(
                    f"feed rebuild after one edit (1,000 episodes): {rebuild:.1f} ms; full plain-lxml build of the "
                    f"same items {reference:.1f} ms (ratio {rebuild / reference:.2f}); loading the episodes "
                    f"{load:.1f} ms"
                )
            for n, (total, size) in enumerate(steps(sizes)):
                prefix = f"s{n}"
                start = time.perf_counter()
                if not args.reuse:
                    with database.session() as session:
                        generate(session, size, seed=n, prefix=prefix)
                    # VACUUM as autovacuum would have by then on a live catalogue: the visibility map lets counts and
                    # list pages be answered from indexes alone (index-only scans), as they are in production.
                    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                        connection.execute(text(f"VACUUM ANALYZE {', '.join(GENERATED_TABLES)}"))
                count = _episode_count(database)
                print(f"size {count:,} episodes (step {total:,}): generated in {time.perf_counter() - start:.0f} s")
                app = create_app(settings, database=database)
                with TestClient(app, base_url=BASE_URL) as client:
                    shows_so_far += size.shows + (1 if size.big_show_episodes else 0)
                    paths = page_paths(rng, prefix, size, shows_so_far)
                    if args.only:
                        paths = {kind: urls for kind, urls in paths.items() if kind in args.only.split(",")}
                    bench_pages(client, app, paths, 2)  # warm up: templates, connections
                    pages = bench_pages(client, app, paths, args.rounds)
                    previous = results[max(results)]["search"][0] if results else 0.0
                    previous = math.inf if math.isnan(previous) else previous  # skipped before: skip again
                    previous = math.inf if count > args.search_max_episodes else previous
                    slow = previous > 1000  # seconds a query: only a sample
                    rounds = 1 if slow else max(3, args.rounds // 4)
                    # Past 10 s a query at the previous size, a larger one would hold the shared server for many
                    # minutes: not measured (nan), and said so.
                    search = (
                        [math.nan]
                        if previous > 10_000 or (args.only and "search" not in args.only.split(","))
                        else bench_search(client, rounds, QUERIES[:4] if slow else QUERIES)
                    )
                row = {kind: (statistics.median(v), percentile(v, 0.95)) for kind, v in pages.items()}
                row["search"] = (statistics.median(search), percentile(search, 0.95))
                results[count] = row
                for kind, (p50, p95) in row.items():
                    print(f"  {kind:<8} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
            database.dispose()
        sync = bench_sync([int(s) for s in args.sync_sizes.split(",") if s])
        for count, seconds in sync.items():
            print(f"sync of {count:,} text-file episodes: {seconds:.1f} s ({seconds / count * 1000:.1f} ms each)")
    finally:
        if not args.schema:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    out = Path(args.out).resolve()
    write_svg(out, results, sync)
    largest = results[max(results)]
    largest.setdefault("api", (math.nan, math.nan))
    page_p95 = max(p95 for kind, (_, p95) in largest.items() if kind not in ("search", "api"))
    worst = max((kind for kind in largest if kind not in ("search", "api")), key=lambda k: largest[k][1])
    print(f"took {time.perf_counter() - began:.0f} s")
    print(f"plot: {out}")
    searched = [count for count, row in results.items() if not math.isnan(row["search"][0])] or [0]
    print(f"search measured up to {max(searched):,} episodes (nan: skipped, too slow at the size before)")
    print(f"at {max(results):,} episodes: uncached page p95 {page_p95:.1f} ms (worst: {worst}; target < 50), "
          f"API list p95 {largest['api'][1]:.1f} ms, search p50 {largest['search'][0]:.1f} / p95 "
          f"{largest['search'][1]:.1f} ms (target < 100)")  # fmt: skip
    print(
        f"ratios: feed rebuild after one edit / full plain-lxml build = {rebuild / reference:.2f} (target < 0.3); "
        f"uncached page p95 / 50 ms = {page_p95 / 50:.2f}; search p95 / 100 ms = {largest['search'][1] / 100:.2f}"
    )


def _episode_count(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(Episode.id)).all())


if __name__ == "__main__":
    main()
