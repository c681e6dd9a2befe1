"""No page runs a query per row: the SQL statements each page type issues (counted with SQLAlchemy's
before_cursor_execute event on the app's real engine) are the same on a small generated catalogue and on one with
ten times the episodes, people and videos. A page that loads a relationship row by row would issue more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from bench.generate import Size, generate
from media_catalogue.config import Settings
from media_catalogue.db import Database, make_engine
from media_catalogue.web.app import create_app
from tests.web.conftest import BASE

SMALL = Size(shows=4, episodes_per_show=5, people=6, projects=2, videos=5)
LARGE = Size(shows=10, episodes_per_show=60, people=40, projects=3, videos=60)
PAGES = [
    "/",
    "/shows",
    "/shows/gen-show-0",
    "/shows/gen-show-0/episode-3",
    "/projects",
    "/projects/gen-project-0",
    "/people",
    "/people/gen-person-0",
    "/videos",
    "/videos/gen-video-3",
    "/search?q=episode",  # only episode titles say "episode": the same kinds of hits in both
    "/sitemap.xml",
    "/sitemaps/episodes-1.xml",
    "/sitemaps/shows-1.xml",
    "/feeds/gen-show-0.xml",
    "/api/shows",
    "/api/shows/gen-show-0/episodes",
    "/api/videos",
]


def statement_counts(settings: Settings, size: Size) -> dict[str, int]:
    database = Database(settings, engine=make_engine(settings.resolved_database_url))
    database.migrate()
    with database.session() as session:
        generate(session, size)
    counts: dict[str, int] = {}
    current: list[int] = [0]

    def count(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        # Timer-driven statements are not the page's: the download counter's flushes and purges, the catalogue
        # version read (at most every 100 ms, so a page may or may not do it), and the scheduled work's lease and
        # marks (web.scheduled, every second) all live in their own tables or are advisory locks.
        if not any(word in statement for word in ("download", "catalogue_state", "advisory")):
            current[0] += 1

    try:
        with TestClient(create_app(settings, database=database), base_url=BASE) as client:
            client.get("/search?q=warmup")  # a first request warms the app (templates, statement caches)
            event.listen(database.engine, "before_cursor_execute", count)
            for path in PAGES:
                current[0] = 0
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                counts[path] = current[0]
            event.remove(database.engine, "before_cursor_execute", count)
    finally:
        database.dispose()
    return counts


@pytest.fixture
def second_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of a second, empty database of the same kind."""
    if settings.resolved_database_url.startswith("sqlite"):
        data = tmp_path_factory.mktemp("large")
        yield settings.model_copy(update={"data_dir": data, "database_url": f"sqlite:///{data / 'c.sqlite3'}"})
        return
    from sqlalchemy import text

    from tests.conftest import PG_URL

    assert PG_URL
    admin = make_engine(PG_URL)
    schema = "mc_test_large_" + settings.resolved_database_url.rsplit("mc_test_", 1)[-1][:12]
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield settings.model_copy(update={"database_url": f"{PG_URL}{separator}options=-csearch_path%3D{schema}"})
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_statement_count_of_every_page_type_does_not_grow_with_the_catalogue(
    settings: Settings, second_settings: Settings
) -> None:
    small = statement_counts(settings, SMALL)
    large = statement_counts(second_settings, LARGE)
    assert large == small
    assert max(small.values()) <= 30, small
