"""Counting, retention and reports through the real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from media_catalogue.catalogue.downloads import report, store
from media_catalogue.catalogue.downloads.models import Download, DownloadDaily, DownloadRequest, DownloadSalt
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
