"""Counting, retention and reports through the real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select

from media_catalogue.catalogue.downloads import report, store
from media_catalogue.catalogue.downloads.models import (
    Download,
    DownloadDaily,
    DownloadProgress,
    DownloadRequest,
    DownloadSalt,
)
from media_catalogue.catalogue.models import Show
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from tests.catalogue_fixtures import make_catalogue
from tests.downloads_fixtures import hit, seed


def synced(database: Database, settings: Settings, tmp_path: Path) -> Database:
    report_ = sync_folder(database, settings, create_storage(settings), make_catalogue(tmp_path / "content"))
    assert not report_.errors
    return database


def test_ranges_of_one_client_written_in_different_batches_add_up(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    synced(database, settings, tmp_path)
    day = date(2026, 3, 10)
    first = hit(1, 1, day, "k", "AntennaPod/3")
    half = {**first.__dict__, "byte_count": 600, "needed": 1000}
    assert store.record(database, [store.Hit(**half)]) == 0
    assert store.record(database, [store.Hit(**{**half, "first_byte": 300})]) == 0  # overlap: 900 distinct bytes
    assert store.record(database, [store.Hit(**{**half, "first_byte": 600})]) == 1
    assert store.record(database, [store.Hit(**{**half, "first_byte": 0})]) == 0  # already counted
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Download)) == 1


def test_a_batch_reads_its_clients_progress_not_their_whole_day(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    """The soak's memory growth (issue 17): a client that never completes a download had all its requests of the day
    re-read by every later batch. Now a batch reads one progress row per client, whatever the day holds."""
    synced(database, settings, tmp_path)
    day = date(2026, 3, 10)
    base = {**hit(1, 1, day, "k", "AntennaPod/3").__dict__, "byte_count": 10, "needed": 10**9}
    for batch in range(30):
        hits = [store.Hit(**{**base, "first_byte": (batch * 20 + i) * 1000}) for i in range(20)]
        assert store.record(database, hits) == 0
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        assert store.record(database, [store.Hit(**{**base, "first_byte": 5})]) == 0
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads and not [s for s in reads if "download_requests" in s], reads
    with database.session() as session:
        progress = session.scalars(select(DownloadProgress)).one()
        assert progress.covered == 600 * 10 + 5  # 600 ranges of 10 bytes, and 10-14 beyond the first one
        assert progress.spans.startswith("0-14 1000-1009 ") and not progress.counted
    store.housekeeping(database, datetime(2026, 3, 12, 1, tzinfo=UTC), 30, {"UTC"})  # the window is over everywhere
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(DownloadProgress)) == 0
        assert session.scalar(select(func.count()).select_from(DownloadRequest)) == 601  # the log stays


def test_requests_logged_before_progress_was_kept_still_count_once(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    synced(database, settings, tmp_path)
    day = date(2026, 3, 10)
    half = {**hit(1, 1, day, "k", "AntennaPod/3").__dict__, "byte_count": 600, "needed": 1000}
    done = {**half, "client_key": "done", "byte_count": 1000}
    with database.session() as session:  # as migration 0012 finds them: logged, one counted, no progress rows
        session.execute(insert(DownloadRequest), [half, done])
        session.execute(insert(Download), [{"show_id": 1, "episode_id": 1, "day": day, "client_key": "done",
                                            "app": "AntennaPod", "platform": "Other"}])  # fmt: skip
    assert store.record(database, [store.Hit(**{**half, "first_byte": 400})]) == 1  # 0-999 with the logged 0-599
    assert store.record(database, [store.Hit(**done)]) == 0
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Download)) == 2


def test_two_writers_each_sending_half_of_a_clients_bytes_count_it_once(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    """Two workers (or hosts) write batches holding each half of the same clients' downloads at the same moment:
    every client is counted exactly once (counting is serialized, so neither half is lost and no progress row is
    created twice)."""
    synced(database, settings, tmp_path)
    day, clients = date(2026, 3, 10), 15
    base = {**hit(1, 1, day, "k", "AntennaPod/3").__dict__, "byte_count": 500, "needed": 1000}
    start = threading.Barrier(2)
    counted: list[int] = []
    failures: list[BaseException] = []

    def writer(first_byte: int) -> None:
        try:
            for i in range(clients):
                start.wait(timeout=30)
                counted.append(
                    store.record(database, [store.Hit(**{**base, "client_key": f"c{i}", "first_byte": first_byte})])
                )
        except BaseException as exc:  # reported below: an exception in a thread would not fail the test
            failures.append(exc)
            start.abort()

    threads = [threading.Thread(target=writer, args=(first,)) for first in (0, 500)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sum(counted) == clients
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Download)) == clients


def test_salts_are_shared_then_destroyed_and_old_rows_rolled_up(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    synced(database, settings, tmp_path)
    facts = seed(database)
    with database.session() as session:
        salt = store.salt_for(session, "Europe/Brussels", date(2026, 3, 10))
    with database.session() as session:
        assert store.salt_for(session, "Europe/Brussels", date(2026, 3, 10)) == salt
        shows = list(session.scalars(select(Show).where(Show.slug == "match-en")))
        before = report.table(session, shows, date(2000, 1, 1), date(2100, 1, 1), "app")
    now = datetime(2100, 1, 1, tzinfo=UTC)
    store.housekeeping(database, now, 30, {"Europe/Brussels"})
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(DownloadSalt)) == 0
        assert session.scalar(select(func.count()).select_from(Download)) == 0
        assert session.scalar(select(func.count()).select_from(DownloadRequest)) == 0
        assert session.scalar(select(func.sum(DownloadDaily.count))) == 10
        after = report.table(session, shows, date(2000, 1, 1), date(2100, 1, 1), "app")
        assert after == before
        assert [(r.key, r.downloads) for r in after] == [("Apple Podcasts", 5), ("Spotify", 3), ("Overcast", 2)]
    store.housekeeping(database, now, 30, {"Europe/Brussels"})  # again: nothing counted twice
    with database.session() as session:
        assert session.scalar(select(func.sum(DownloadDaily.count))) == 10
    assert facts


def test_reports_by_episode_day_and_launch(database: Database, settings: Settings, tmp_path: Path) -> None:
    synced(database, settings, tmp_path)
    facts = seed(database)
    new_day = facts["new_day"]
    assert isinstance(new_day, date)
    with database.session() as session:
        shows = list(session.scalars(select(Show).where(Show.slug == "match-en")))
        by_episode = report.table(session, shows, date(2000, 1, 1), date(2100, 1, 1))
        assert [(r.key, r.downloads) for r in by_episode[:2]] == [(facts["new"], 6), (facts["old"], 4)]
        days = report.table(session, shows, new_day, new_day + timedelta(days=3), "day")
        assert [r.downloads for r in days] == [3, 0, 0, 2] if facts["old_day"] != new_day else True
        launch = {item.slug: item for item in report.launches(session, shows[0], new_day + timedelta(days=40))}
        assert (launch[facts["new"]].first_7, launch[facts["new"]].first_30) == (5, 6)
        assert launch[facts["new"]].complete_30
        assert sum(report.series(session, shows[0], new_day, new_day + timedelta(days=30))) >= 6
