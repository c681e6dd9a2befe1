"""Model-level guarantees that must hold on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, Project, Show, Status
from media_catalogue.db import Database


def test_nul_characters_are_dropped_on_both_databases(database: Database) -> None:
    with database.session() as session:
        session.add(Project(slug="p", name="MATCH\x00 podcast", description="a\x00b"))
    with database.session() as session:
        project = session.scalar(select(Project))
        assert project is not None and (project.name, project.description) == ("MATCH podcast", "ab")
        project.name = "x\x00"
    with database.session() as session:
        assert session.scalar(select(Project.name)) == "x"


def test_times_come_back_aware_in_utc(database: Database) -> None:
    brussels = timezone(timedelta(hours=2))
    with database.session() as session:
        show = Show(slug="s", title="S", language="en", podcast_guid="00000000-0000-5000-8000-000000000000")
        session.add(show)
        session.add(
            Episode(
                show=show, slug="e", title="E", status=Status.published,
                published_at=datetime(2021, 5, 17, 10, 0, tzinfo=brussels),
            )
        )  # fmt: skip
    with database.session() as session:
        episode = session.scalar(select(Episode))
        assert episode is not None and episode.published_at == datetime(2021, 5, 17, 8, 0, tzinfo=UTC)
        assert episode.published_at.tzinfo is not None and episode.is_live()


def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"), database.session() as session:
        show = Show(slug="s", title="S", language="en", podcast_guid="00000000-0000-5000-8000-000000000001")
        session.add(Episode(show=show, slug="e", title="E", published_at=datetime(2021, 5, 17)))  # noqa: DTZ001
