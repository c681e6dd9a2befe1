"""A renamed show or episode keeps its old addresses: pages, the embed player, enclosures, chapters, transcripts,
feeds and the API answer 301 to the same URL with the renamed part replaced, all through the app's one handler of
queries.Moved; oEmbed follows the rename and describes the episode."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from media_catalogue.catalogue.models import Episode, Show, SlugRedirect
from media_catalogue.catalogue.queries import Moved
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web.app import create_app
from tests.web.conftest import BASE

EPISODE = "talent-partnerships"


@pytest.fixture
def renamed(synced: Database) -> Database:
    """match-en was once called match-old, and its episode talent-partnerships was once talent-old."""
    with synced.session() as session:
        show = session.scalar(select(Show).where(Show.slug == "match-en"))
        episode = session.scalar(select(Episode).where(Episode.slug == EPISODE))
        assert show is not None and episode is not None
        session.add(SlugRedirect(kind="show", scope="", old_slug="match-old", target_id=show.id))
        session.add(SlugRedirect(kind="episode", scope=str(show.id), old_slug="talent-old", target_id=episode.id))
    return synced


@pytest.fixture
def answered() -> list[str]:
    return []


@pytest.fixture
def moved_client(renamed: Database, settings: Settings, answered: list[str]) -> Iterator[TestClient]:
    """The real app, its Moved handler wrapped to record each path it answers."""
    app = create_app(settings, database=renamed)
    handler = app.exception_handlers[Moved]

    async def recording(request: Request, exc: Exception) -> Response:
        answered.append(request.url.path)
        response = handler(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.exception_handlers[Moved] = recording
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/shows/match-old", "/shows/match-en"),
        ("/shows/match-en/talent-old?lang=fr", f"/shows/match-en/{EPISODE}?lang=fr"),
        (f"/shows/match-old/{EPISODE}", f"/shows/match-en/{EPISODE}"),
        ("/embed/match-en/talent-old?lang=nl", f"/embed/match-en/{EPISODE}?lang=nl"),
        (f"/embed/match-old/{EPISODE}", f"/embed/match-en/{EPISODE}"),
        ("/media/match-en/talent-old.mp3", f"{BASE}/media/match-en/{EPISODE}.mp3"),
        (f"/media/match-old/{EPISODE}.mp3", f"{BASE}/media/match-en/{EPISODE}.mp3"),
        ("/chapters/match-en/talent-old.json", f"{BASE}/chapters/match-en/{EPISODE}.json"),
        ("/transcripts/match-en/talent-old.en.vtt", f"{BASE}/transcripts/match-en/{EPISODE}.en.vtt"),
        ("/feeds/match-old.xml", "/feeds/match-en.xml"),
        ("/api/shows/match-old", "/api/shows/match-en"),
        ("/api/shows/match-en/episodes/talent-old", f"/api/shows/match-en/episodes/{EPISODE}"),
    ],
)
def test_old_addresses_answer_301_through_the_one_handler(
    moved_client: TestClient, answered: list[str], old: str, new: str
) -> None:
    response = moved_client.get(old)
    assert response.status_code == 301, response.text[:200]
    assert response.headers["location"] == new
    assert answered == [old.split("?")[0]]
    assert moved_client.get(new.removeprefix(BASE)).status_code == 200


def test_oembed_follows_a_renamed_show_and_episode(moved_client: TestClient, answered: list[str]) -> None:
    for old in (f"{BASE}/shows/match-en/talent-old", f"{BASE}/shows/match-old/talent-old"):
        response = moved_client.get("/oembed", params={"url": old})
        assert response.status_code == 200, response.text
        assert response.json()["url"] == f"{BASE}/shows/match-en/{EPISODE}"
    assert answered == []


def test_a_prefixed_page_moves_under_its_prefix(moved_client: TestClient) -> None:
    for old, new in (
        ("/fr/shows/match-old", "/fr/shows/match-en"),
        ("/nl/shows/match-en/talent-old", f"/nl/shows/match-en/{EPISODE}"),
        ("/fr/embed/match-old/talent-old", f"/fr/embed/match-en/{EPISODE}"),
    ):
        response = moved_client.get(old)
        while response.status_code == 301 and response.headers["location"] != new:
            response = moved_client.get(response.headers["location"])
        assert response.status_code == 301 and response.headers["location"] == new, old
