"""The next search sees every write, with no rebuild: staff edits, publishing, scheduling, deleting, a person renamed,
a video unpublished, and rows inserted with Core statements that bypass the ORM (bench/generate.py's bulk inserts).
On SQLite the triggers of the stored FTS5 index do it (search_sqlite), and the index is checked row by row against a
rebuild; on PostgreSQL the stored generated columns and the query-time join of people do it."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import delete, insert, select, text
from typer.testing import CliRunner

from bench.generate import Size, generate
from media_catalogue.catalogue import search_sqlite
from media_catalogue.catalogue.models import Credit, Episode, Person, Show, Transcript
from media_catalogue.cli import app as cli
from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.staff_helpers import StaffWorld

MP3 = Path(__file__).resolve().parents[1] / "media" / "files" / "cbr-id3v24.mp3"
EPISODES = "/api/staff/shows/match-en/episodes"
RACE = "/shows/match-en/global-race-for-talent"


def found(client: TestClient, query: str) -> list[str]:
    page = lxml_html.fromstring(client.get("/search", params={"q": query}).text)
    return [str(href) for href in page.xpath("//ul[@class='items']//h3/a/@href")]


def in_step(database: Database) -> None:
    """On SQLite: the stored index holds exactly what a rebuild from the catalogue would write."""
    if database.dialect == "sqlite":
        with database.session() as session:
            assert search_sqlite.drift(session) == 0


def _ready_draft(client: TestClient, world: StaffWorld, title: str) -> tuple[str, str]:
    created = client.post(EPISODES, json={"title": title, "summary": "A draft."}, headers=world.bearer("editor"))
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    uploaded = client.put(f"{EPISODES}/{slug}/media", params={"filename": "interview.mp3"}, content=MP3.read_bytes(),
                          headers={**world.bearer("editor"), "Content-Type": "application/octet-stream"})  # fmt: skip
    assert uploaded.status_code in (200, 201), uploaded.text
    return slug, f"{EPISODES}/{slug}"


def _etag(client: TestClient, world: StaffWorld, url: str) -> dict[str, str]:
    return {**world.bearer("editor"), "If-Match": client.get(url, headers=world.bearer("editor")).headers["ETag"]}


def test_staff_edits_publishing_and_deleting_are_searched_at_once(client: TestClient, world: StaffWorld) -> None:
    slug, url = _ready_draft(client, world, "Quetzal crossings")
    path = f"/shows/match-en/{slug}"
    assert found(client, "quetzal") == []  # a draft
    assert client.post(f"{url}/publish", headers=world.bearer("editor")).status_code == 200
    assert found(client, "quetzal") == [path]
    edited = client.patch(url, json={"title": "Axolotl crossings", "show_notes": "Met **wombats** on the way."},
                          headers=_etag(client, world, url))  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert found(client, "quetzal") == [] and found(client, "axolotl") == [path] and found(client, "wombat") == [path]
    assert client.delete(url, headers=_etag(client, world, url)).status_code == 200
    assert found(client, "axolotl") == []
    in_step(world.database)
    assert client.post(f"{url}/restore", headers=world.bearer("editor")).status_code == 200
    assert found(client, "axolotl") == []  # restored as unpublished
    assert client.post(f"{url}/publish", headers=world.bearer("editor")).status_code == 200
    assert found(client, "axolotl") == [path]
    assert client.post(f"{url}/unpublish", headers=world.bearer("editor")).status_code == 200
    assert found(client, "axolotl") == []
    in_step(world.database)


def test_a_scheduled_episode_is_found_from_its_time_with_no_write(client: TestClient, world: StaffWorld) -> None:
    slug, url = _ready_draft(client, world, "Pangolin hour")
    at = datetime.now(UTC) + timedelta(seconds=3)
    scheduled = client.post(f"{url}/schedule", json={"published_at": at.isoformat()}, headers=world.bearer("editor"))
    assert scheduled.status_code == 200, scheduled.text
    assert found(client, "pangolin") == []  # its time has not come
    in_step(world.database)
    with world.database.session() as session:
        before = session.execute(text("SELECT count(*) FROM episodes")).scalar()
    time.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()) + 0.3)
    assert found(client, "pangolin") == [f"/shows/match-en/{slug}"]
    with world.database.session() as session:
        assert session.execute(text("SELECT count(*) FROM episodes")).scalar() == before


def test_a_renamed_person_is_found_on_everything_crediting_them(client: TestClient, world: StaffWorld) -> None:
    assert RACE in found(client, "mahdi")
    person = "/api/staff/people/sammy-mahdi"
    renamed = client.patch(person, json={"name": "Sammy Okapi"}, headers=_etag(client, world, person))
    assert renamed.status_code == 200, renamed.text
    now = found(client, "okapi")
    assert {"/people/sammy-mahdi", RACE, "/videos/rob-de-lobel-presenting-match"} <= set(now), now
    assert RACE not in found(client, "mahdi")
    in_step(world.database)


def test_an_unpublished_video_leaves_search(client: TestClient, world: StaffWorld) -> None:
    video = "/api/staff/videos/rob-de-lobel-presenting-match"
    assert "/videos/rob-de-lobel-presenting-match" in found(client, "lobel")
    assert client.delete(video, headers=_etag(client, world, video)).status_code == 200
    assert "/videos/rob-de-lobel-presenting-match" not in found(client, "lobel")
    in_step(world.database)


def test_rows_inserted_without_the_orm_are_found(client: TestClient, world: StaffWorld) -> None:
    database = world.database
    with database.session() as session:
        show_id = session.scalars(select(Show.id).where(Show.slug == "match-en")).one()
        episode_id = session.execute(insert(Episode.__table__).values(
            show_id=show_id, slug="core-insert", title="Core insert", show_notes="A **wombat** story.",
            status="published", published_at=datetime(2023, 1, 1, tzinfo=UTC), guid=str(uuid.uuid4()),
        )).inserted_primary_key[0]  # fmt: skip
        person_id = session.execute(insert(Person.__table__).values(slug="zorilla", name="Zorilla Bulk")) \
            .inserted_primary_key[0]  # fmt: skip
        session.execute(insert(Credit.__table__).values(person_id=person_id, episode_id=episode_id, role="guest"))
        session.execute(insert(Transcript.__table__).values(episode_id=episode_id, language="en", format="vtt",
                        mime_type="text/vtt", storage_key="t/core.vtt", text="Numbat sightings."))  # fmt: skip
        generate(session, Size(shows=2, episodes_per_show=5, people=3, projects=1, videos=2), seed=3, prefix="bulk")
        title = session.scalars(select(Episode.title).where(Episode.guid.like("bulk-1-5-%"))).one()
    path = "/shows/match-en/core-insert"
    assert found(client, "wombat") == [path] and found(client, "numbat") == [path]
    assert found(client, "zorilla") == ["/people/zorilla", path]  # the person (a title), then who credits them
    assert "/shows/bulk-show-1/episode-5" in found(client, title)
    in_step(database)
    with database.session() as session:  # deletes cascade in the database (credits, transcripts): still in step
        session.execute(delete(Person.__table__).where(Person.id == person_id))
    assert found(client, "zorilla") == [] and found(client, "numbat") == [path]
    with database.session() as session:
        session.execute(delete(Episode.__table__).where(Episode.id == episode_id))
    assert found(client, "wombat") == [] and found(client, "numbat") == []
    in_step(database)


def test_the_sqlite_index_is_stored_kept_by_triggers_and_rebuilt_on_demand(
    client: TestClient, world: StaffWorld, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = world.database
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL searches stored generated columns: there is no index to rebuild")
    with database.session() as session:
        assert search_sqlite.ready(session) and search_sqlite.missing_triggers(session) == []
        session.execute(text("DELETE FROM search_index"))  # lost, as after a damaged restore
        assert search_sqlite.drift(session) > 0
    assert found(client, "pioneer") == []
    monkeypatch.setenv("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MEDIA_CATALOGUE_DATABASE_URL", settings.resolved_database_url)
    checked = CliRunner().invoke(cli, ["search-index"])
    assert checked.exit_code == 1 and "differ" in checked.output, checked.output
    rebuilt = CliRunner().invoke(cli, ["search-index", "--rebuild"])
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.output, rebuilt.output
    assert RACE in found(client, "pioneer")
    assert CliRunner().invoke(cli, ["search-index"]).exit_code == 0
    merged = CliRunner().invoke(cli, ["search-index", "--optimize"])
    assert merged.exit_code == 0 and "optimized" in merged.output, merged.output
    assert RACE in found(client, "pioneer")
    in_step(database)
