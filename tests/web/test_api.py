"""Public JSON API: shows, episodes (paginated, live only), videos with filters, errors, OpenAPI."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from media_catalogue.catalogue.models import Episode, Status, utcnow
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from media_catalogue.web.app import create_app
from tests.catalogue_fixtures import EPISODE, make_catalogue, write


@pytest.fixture
def client(database: Database, settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    root = make_catalogue(tmp_path / "episodes")
    for number in range(3, 8):
        write(root, f"match-en/extra-{number}.md", EPISODE.replace("number: 2", f"number: {number}"))
    write(root, "match-en/a-draft.md", EPISODE.replace("number: 2", "number: 99\nstatus: draft"))
    report = sync_folder(database, settings, create_storage(settings), root)
    assert report.errors == []
    with TestClient(create_app(settings, database=database)) as test_client:
        yield test_client


def test_healthz_round_trips_the_database(client: TestClient, database: Database) -> None:
    body = client.get("/healthz").json()
    assert body["ok"] is True and body["database"] == database.dialect


def test_shows_list_with_translations(client: TestClient) -> None:
    shows = {show["slug"]: show for show in client.get("/api/shows").json()}
    assert set(shows) == {"match-en", "match-nl"}
    assert shows["match-en"]["translations"] == {"nl": "match-nl"}
    assert shows["match-en"]["feed_url"] == "https://podcasts.example.org/feeds/match-en.xml"
    assert shows["match-en"]["seasons"] == [{"number": 1, "name": "Talent partnerships"}]
    assert shows["match-en"]["project"] == {"slug": "match", "name": "MATCH"}


def test_episodes_are_paginated_newest_first_and_live_only(client: TestClient) -> None:
    first = client.get("/api/shows/match-en/episodes", params={"per_page": 4}).json()
    assert first["total"] == 7 and first["pages"] == 2 and len(first["items"]) == 4
    second = client.get("/api/shows/match-en/episodes", params={"per_page": 4, "page": 2}).json()
    slugs = [e["slug"] for e in first["items"] + second["items"]]
    assert len(set(slugs)) == 7 and "a-draft" not in slugs
    dates = [e["published_at"] for e in first["items"] + second["items"]]
    assert dates == sorted(dates, reverse=True)
    episode = next(e for e in first["items"] if e["slug"] == "global-race-for-talent")
    assert [p["slug"] for p in episode["people"]] == ["sammy-mahdi", "hans-maertens"]
    assert episode["season_name"] == "Talent partnerships"
    assert "<strong>pioneer</strong>" in episode["show_notes_html"]
    assert episode["links"][0]["kind"] == "spotify"


def test_unknown_and_unpublished_answer_json_errors(client: TestClient, database: Database) -> None:
    missing = client.get("/api/shows/nope")
    assert missing.status_code == 404
    assert missing.json() == {"ok": False, "error": {"code": "not_found", "message": "No show is called 'nope'."}}
    assert client.get("/api/shows/match-en/episodes/a-draft").status_code == 404
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "extra-3"))
        assert episode is not None
        episode.status = Status.unpublished
    assert client.get("/api/shows/match-en/episodes/extra-3").status_code == 410
    bad_page = client.get("/api/shows/match-en/episodes", params={"page": 0})
    assert bad_page.status_code == 422 and bad_page.json()["error"]["field"] == "page"


def test_future_episode_is_hidden_until_its_time(client: TestClient, database: Database) -> None:
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "extra-4"))
        assert episode is not None
        episode.published_at = utcnow() + timedelta(hours=1)
        episode.status = Status.scheduled
    assert client.get("/api/shows/match-en/episodes/extra-4").status_code == 404
    with database.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "extra-4"))
        assert episode is not None
        episode.published_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/shows/match-en/episodes/extra-4").status_code == 200


def test_videos_with_filters(client: TestClient) -> None:
    listing = client.get("/api/videos").json()
    assert listing["total"] == 1
    video = listing["items"][0]
    assert video["embed_url"] == "https://www.youtube-nocookie.com/embed/5qvz8YyPNdg"
    assert video["date_precision"] == "month" and video["published_on"] == "2021-06-01"
    assert client.get("/api/videos", params={"project": "match", "year": 2021}).json()["total"] == 1
    assert client.get("/api/videos", params={"person": "sammy-mahdi"}).json()["total"] == 1
    assert client.get("/api/videos", params={"language": "fr"}).json()["total"] == 0
    assert client.get("/api/videos", params={"kind": "vlog"}).json()["total"] == 0
    bad_kind = client.get("/api/videos", params={"kind": "<script>"})
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["field"] == "kind"
    assert "video_podcast" in bad_kind.json()["error"]["message"]
    assert client.get("/api/videos/rob-de-lobel-presenting-match").json()["provider"] == "youtube"


def test_openapi_documents_every_public_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/shows", "/api/shows/{show}", "/api/shows/{show}/episodes", "/api/videos"):
        assert path in spec["paths"]
    assert "EpisodeOut" in spec["components"]["schemas"]


def test_renamed_slugs_redirect_the_right_segment(client: TestClient, database: Database) -> None:
    from media_catalogue.catalogue.models import Show, SlugRedirect

    with database.session() as session:
        show = session.scalar(select(Show).where(Show.slug == "match-en"))
        episode = session.scalar(select(Episode).where(Episode.slug == "extra-5"))
        assert show is not None and episode is not None
        # The episode's old slug equals a show slug: only the episode segment may be rewritten.
        session.add(SlugRedirect(kind="episode", scope=str(show.id), old_slug="match-en", target_id=episode.id))
        session.add(SlugRedirect(kind="show", scope="", old_slug="match-old", target_id=show.id))
    moved = client.get("/api/shows/match-en/episodes/match-en", params={"x": "1"}, follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/api/shows/match-en/episodes/extra-5?x=1"
    show_moved = client.get("/api/shows/match-old/episodes/extra-5", follow_redirects=False)
    assert show_moved.status_code == 301 and show_moved.headers["location"] == "/api/shows/match-en/episodes/extra-5"
