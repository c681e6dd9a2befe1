"""Search benchmark (not a timed test): search latency as the catalogue grows, on SQLite and PostgreSQL (issue 17).

A catalogue is generated (bench/generate.py, a 33-word vocabulary: most queries match almost every row, the worst
case) and grown in steps (default 10,000 and 100,000 episodes): on SQLite in a temporary file, on PostgreSQL in a
throwaway schema. At each size, through the real app (FastAPI TestClient, GET /search), the p50/p95 of scale.py's
query mix (common, rare, two-word, prefix, no match) per database and per query; then the first search after an edit
of one episode (median of --edit-rounds: on SQLite this is where an index rebuilt after every change would show);
on PostgreSQL also, as the reference measured in the same run, a few of the same queries with the candidate cap
lifted (search_postgres.CAP unbounded: every match is ranked, as before the cap existed). The last lines print each
database's p95 against the 100 ms target.

    .venv/bin/python bench/search.py [--databases sqlite,postgresql] [--sizes 10000,100000] [--rounds 5]
        [--edit-rounds 3] [--reference-queries 3]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/search_db]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import Size, generate  # noqa: E402
from bench.scale import BASE_URL, QUERIES, percentile  # noqa: E402
from media_catalogue.catalogue import search_postgres, versions  # noqa: E402
from media_catalogue.catalogue.models import Episode  # noqa: E402

try:  # the stored SQLite index (absent from the code measured as "before")
    from media_catalogue.catalogue.search_sqlite import optimize
except ImportError:
    optimize = None  # type: ignore[assignment]
from media_catalogue.config import Settings  # noqa: E402
from media_catalogue.db import Database  # noqa: E402


@contextmanager
def _postgres(url: str) -> Iterator[str]:
    schema = f"search_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}&application_name={APP_NAME}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# CPU time of each timed request (ms), much less sensitive to a busy machine than the wall clock: this process's (on
# SQLite all of the work) plus, on PostgreSQL on this host, that of the app's backends (found by application_name).
CPU: list[float] = []
APP_NAME = "search_bench"
_backends: list[int] = []


def _backend_cpu() -> float:
    total = 0.0
    for pid in _backends:
        with contextlib.suppress(OSError, ValueError):  # PostgreSQL on another host: the app's CPU only
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e6
    return total


def _timed(client: object, query: str) -> float:
    start, cpu, backend = time.perf_counter(), time.process_time(), _backend_cpu()
    response = client.get("/search", params={"q": query})  # type: ignore[attr-defined]
    assert response.status_code == 200
    CPU.append((time.process_time() - cpu) * 1000 + _backend_cpu() - backend)
    return (time.perf_counter() - start) * 1000


def _after_edit(client: object, database: Database, rounds: int) -> float:
    """Median time of the first search after one episode's title changed (committed, as a staff edit would)."""
    times = []
    for n in range(rounds):
        with database.session() as session:
            episode = session.scalars(select(Episode).order_by(Episode.id.desc()).limit(1)).one()
            episode.title = f"Edited quokka {n}"
            versions.touch(session, episode.show)  # as every staff edit does
        times.append(_timed(client, f"quokka {n}"))
    return statistics.median(times)


def _grow(database: Database, dialect: str, step: int, episodes: int, *, merge: bool) -> int:
    shows = max(1, episodes // 100)
    size = Size(shows=shows, episodes_per_show=100, people=max(20, shows), projects=max(2, shows // 20),
                videos=max(20, shows))  # fmt: skip
    start = time.perf_counter()
    with database.session() as session:
        generate(session, size, seed=step, prefix=f"s{step}")
    # VACUUM too: it merges the GIN indexes' pending lists, as autovacuum soon does after a bulk insert; until then
    # every PostgreSQL search also scans them (up to 4 MB per index).
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE")
        )
    print(f"{dialect}: {size.episodes:,} episodes added in {time.perf_counter() - start:.0f} s")
    # As `media-catalogue search-index --optimize` after a bulk load (rows written one by one leave many segments).
    if dialect == "sqlite" and merge and optimize is not None:
        start = time.perf_counter()
        with database.engine.begin() as connection:
            optimize(connection)
        print(f"  search index optimized in {time.perf_counter() - start:.1f} s")
    return size.episodes


def run(dialect: str, url: str, sizes: list[int], args: argparse.Namespace) -> list[tuple[int, float, float]]:
    from fastapi.testclient import TestClient

    from media_catalogue.web.app import create_app

    rows: list[tuple[int, float, float]] = []
    added = 0
    capped = search_postgres.CAP
    with tempfile.TemporaryDirectory() as tmp:
        database_url = url or f"sqlite:///{Path(tmp) / 'catalogue.sqlite3'}"
        settings = Settings(data_dir=Path(tmp), base_url=BASE_URL, database_url=database_url, _env_file=None)  # type: ignore[call-arg]
        database = Database(settings)
        if not args.schema:
            database.migrate()
        for n, total in enumerate(sizes):
            if args.schema:  # an already generated catalogue, measured as it is
                with database.session() as session:
                    added = int(session.scalar(select(func.count()).select_from(Episode)) or 0)
            else:
                added += _grow(database, dialect, n, total - added, merge=args.optimize)
            with TestClient(create_app(settings, database=database), base_url=BASE_URL) as client:
                for query in QUERIES:  # warm up (on SQLite before the stored index: builds the worker's index)
                    _timed(client, query)
                if dialect == "postgresql":
                    with database.session() as session:
                        _backends[:] = session.scalars(text(
                            f"SELECT pid FROM pg_stat_activity WHERE application_name = '{APP_NAME}'"  # noqa: S608
                        )).all()  # fmt: skip
                CPU.clear()
                per_query = {query: [_timed(client, query) for _ in range(args.rounds)] for query in QUERIES}
                cpu = list(CPU)
                edited = _after_edit(client, database, args.edit_rounds)
                reference = float("nan")
                if dialect == "postgresql" and args.reference_queries:
                    search_postgres.CAP = 10**9
                    try:
                        reference = statistics.median(_timed(client, q) for q in QUERIES[: args.reference_queries])
                    finally:
                        search_postgres.CAP = capped
            times = [t for values in per_query.values() for t in values]
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            rows.append((added, p50, p95))
            print(f"{dialect} {added:,} episodes: search p50 {p50:.1f} ms p95 {p95:.1f} ms (CPU p50 "
                  f"{statistics.median(cpu):.1f} ms p95 {percentile(cpu, 0.95):.1f} ms); first search after an edit "
                  f"(median) {edited:.1f} ms"
                  + (f"; no cap median {reference:.1f} ms" if reference == reference else ""))  # fmt: skip
            for query, values in per_query.items():
                print(f"    {query!r:22} p50 {statistics.median(values):7.1f} ms  max {max(values):7.1f} ms")
        database.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edit-rounds", type=int, default=3)
    parser.add_argument("--reference-queries", type=int, default=3, help="PostgreSQL queries timed once with no cap")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/search_db")
    parser.add_argument(
        "--optimize",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="SQLite: merge the search index after each bulk load (as search-index --optimize)",
    )
    parser.add_argument("--schema", default="", help="PostgreSQL: measure this already generated schema as it is")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for dialect in args.databases.split(","):
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        if dialect == "postgresql" and args.schema:
            url = f"{args.database_url}?options=-csearch_path%3D{args.schema}&application_name={APP_NAME}"
            results[dialect] = run(dialect, url, sizes[:1], args)
        elif dialect == "postgresql":
            with _postgres(args.database_url) as url:
                results[dialect] = run(dialect, url, sizes, args)
        else:
            results[dialect] = run(dialect, "", sizes, args)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    for dialect, rows in results.items():
        count, p50, p95 = rows[-1]
        print(f"{dialect} at {count:,} episodes: search p50 {p50:.1f} ms / p95 {p95:.1f} ms (target p95 < 100 ms); "
              f"p95 / 100 ms = {p95 / 100:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
