"""Search benchmark (not a timed test): PostgreSQL search latency as the catalogue grows (issue 17).

A catalogue is generated (bench/generate.py, a 33-word vocabulary: most queries match almost every row, the worst
case) on PostgreSQL in a throwaway schema and grown in steps (default 10,000 and 100,000 episodes). At each size,
through the real app (FastAPI TestClient, GET /search), the p50/p95 of scale.py's query mix (common, rare, two-word,
prefix, no match); then, as the reference measured in the same run, a few of the same queries with the candidate
cap lifted (search_postgres.CAP unbounded: every match is ranked, as before the cap existed). The last line prints
the p95 against the 100 ms target and the bounded/unbounded ratio.

    .venv/bin/python bench/search.py [--sizes 10000,100000] [--rounds 5] [--reference-queries 3]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import Size, generate  # noqa: E402
from bench.scale import BASE_URL, QUERIES, bench_search, percentile  # noqa: E402
from media_catalogue.catalogue import search_postgres  # noqa: E402
from media_catalogue.config import Settings  # noqa: E402
from media_catalogue.db import Database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reference-queries", type=int, default=3, help="queries timed once with no cap")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from media_catalogue.web.app import create_app

    schema = f"search_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in args.database_url else "?"
    url = f"{args.database_url}{separator}options=-csearch_path%3D{schema}"
    capped = search_postgres.CAP
    rows: list[tuple[int, float, float, float]] = []
    added = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), base_url=BASE_URL, database_url=url, _env_file=None)  # type: ignore[call-arg]
            database = Database(settings)
            database.migrate()
            for n, total in enumerate(int(s) for s in args.sizes.split(",")):
                shows = max(1, (total - added) // 100)
                size = Size(shows=shows, episodes_per_show=100, people=max(20, shows), projects=max(2, shows // 20),
                            videos=max(20, shows))  # fmt: skip
                start = time.perf_counter()
                with database.session() as session:
                    generate(session, size, seed=n, prefix=f"s{n}")
                with database.engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
                added += size.episodes
                print(f"size {added:,} episodes: generated in {time.perf_counter() - start:.0f} s")
                with TestClient(create_app(settings, database=database), base_url=BASE_URL) as client:
                    bench_search(client, 1, QUERIES)  # warm up
                    search_postgres.CAP = capped
                    times = bench_search(client, args.rounds, QUERIES)
                    search_postgres.CAP = 10**9
                    try:
                        reference = bench_search(client, 1, QUERIES[: args.reference_queries])
                    finally:
                        search_postgres.CAP = capped
                p50, p95, ref = statistics.median(times), percentile(times, 0.95), statistics.median(reference)
                rows.append((added, p50, p95, ref))
                print(f"  search (CAP {capped}) p50 {p50:.1f} ms p95 {p95:.1f} ms; every match ranked (no cap, "
                      f"{len(reference)} queries) median {ref:.1f} ms")  # fmt: skip
            database.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    count, p50, p95, ref = rows[-1]
    print(f"at {count:,} episodes: search p50 {p50:.1f} ms / p95 {p95:.1f} ms (target p95 < 100 ms); no cap median "
          f"{ref:.1f} ms")  # fmt: skip
    print(f"ratios: search p95 / 100 ms = {p95 / 100:.2f}; capped p50 / uncapped median = {p50 / ref:.3f}")


if __name__ == "__main__":
    main()
