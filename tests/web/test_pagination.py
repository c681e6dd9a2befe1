"""Every public list page is paginated with a bounded size, in the path form a static host can serve: page 1 at
the list's own path, page N at <path>/page/N; ?page=N answers 301 to it, a page past the end 404; rel="prev" and
"next" in <head>, the pager's links, "page N" in the title, in every interface language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bench.generate import Size, generate
from media_catalogue.catalogue.models import Credit, Episode, Person, Show
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web import paging
from media_catalogue.web.app import create_app
from tests.web.conftest import BASE

SIZE = Size(shows=60, episodes_per_show=2, big_show_episodes=120, people=60, projects=2, videos=30)
BIG_SHOW = "/shows/gen-show-60"


@pytest.fixture
def big(database: Database, settings: Settings) -> Iterator[TestClient]:
    with database.session() as session:
        generate(session, SIZE)
        person = session.scalars(select(Person).where(Person.slug == "gen-person-1")).one()
        big_show = session.scalars(select(Show).where(Show.slug == "gen-show-60")).one()
        for episode in session.scalars(select(Episode).where(Episode.show_id == big_show.id)):
            session.add(Credit(person_id=person.id, episode_id=episode.id, role="interviewer"))
    with TestClient(create_app(settings, database=database), base_url=BASE, follow_redirects=False) as client:
        yield client


def links(html: str, rel: str) -> list[str]:
    return re.findall(rf'<link rel="{rel}" href="([^"]+)">', html)


def episode_links(html: str) -> list[str]:
    return re.findall(r'<h3 class="item-title"><a href="(/shows/[^"]+/[^"]+)"', html)


def test_a_long_show_is_split_into_bounded_pages_that_cover_every_episode(big: TestClient) -> None:
    seen: list[str] = []
    url: str | None = BIG_SHOW
    pages = 0
    while url:
        response = big.get(url)
        assert response.status_code == 200, url
        found = episode_links(response.text)
        assert 0 < len(found) <= paging.SHOW_EPISODES
        seen += found
        pages += 1
        nexts = links(response.text, "next")
        url = nexts[0].removeprefix(BASE) if nexts else None
        if url:
            assert url == f"{BIG_SHOW}/page/{pages + 1}"
            assert f'<a rel="next" href="{url}">' in response.text
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    last = big.get(f"{BIG_SHOW}/page/3").text
    assert links(last, "prev") == [f"{BASE}{BIG_SHOW}/page/2"] and links(last, "next") == []
    assert re.search(r"<title>[^<]*· page 3</title>", last)
    assert f'<link rel="canonical" href="{BASE}{BIG_SHOW}/page/3">' in last
    assert "120 episodes" in last
    first = big.get(BIG_SHOW).text
    assert links(first, "prev") == [] and "· page" not in first.split("</title>")[0]


def test_query_page_redirects_page_one_redirects_and_past_the_end_is_404(big: TestClient) -> None:
    response = big.get(f"{BIG_SHOW}?page=2")
    assert response.status_code == 301 and response.headers["location"] == f"{BIG_SHOW}/page/2"
    assert big.get(f"{BIG_SHOW}/page/1").headers["location"] == BIG_SHOW
    assert big.get(f"{BIG_SHOW}/page/4").status_code == 404
    assert big.get(f"{BIG_SHOW}/page/0").status_code == 404
    assert big.get(f"{BIG_SHOW}?page=x").status_code == 404
    assert big.get("/videos?kind=short_video&page=2").headers["location"] == "/videos/page/2?kind=short_video"
    assert big.get("/shows/page/2").status_code == 200
    assert big.get("/shows/page/3").status_code == 404


@pytest.mark.parametrize("path", ["/shows", "/people", "/videos", "/projects/gen-project-0", "/people/gen-person-1"])
def test_every_list_page_has_bounded_pages_reachable_from_the_first(big: TestClient, path: str) -> None:
    first = big.get(path)
    assert first.status_code == 200
    (following,) = links(first.text, "next")
    assert following == f"{BASE}{path}/page/2"
    second = big.get(following.removeprefix(BASE))
    assert second.status_code == 200
    assert links(second.text, "prev") == [f"{BASE}{path}"]
    assert len(second.content) < 200_000


@pytest.mark.parametrize(("lang", "word"), [("fr", "Page suivante"), ("nl", "Volgende pagina")])
def test_the_pager_speaks_the_interface_language(big: TestClient, lang: str, word: str) -> None:
    html = big.get(f"{BIG_SHOW}/page/2?lang={lang}").text
    assert word in html and 'aria-current="page"' in html


def test_api_lists_are_bounded_and_link_their_pages(big: TestClient) -> None:
    response = big.get("/api/shows?per_page=25")
    assert response.status_code == 200 and len(response.json()) == 25
    assert response.headers["x-total-count"] == "61"
    assert 'rel="next"' in response.headers["link"] and "page=2" in response.headers["link"]
    assert big.get("/api/shows?per_page=500").status_code == 422
    episodes = big.get("/api/shows/gen-show-60/episodes?per_page=50&page=3")
    assert len(episodes.json()["items"]) == 20 and 'rel="next"' not in episodes.headers["link"]
