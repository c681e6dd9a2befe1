"""Public pages through the real app: every route in every interface language, status codes, metadata, the
language choice, page size budget, and the page cache (ETag, 304, invalidation by catalogue changes)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.catalogue_fixtures import EPISODE, SHOW, write
from tests.web.conftest import BASE, run_sync

PAGES = [
    "/",
    "/shows/match-en",
    "/shows/match-nl",
    "/shows/match-en/global-race-for-talent",
    "/shows/match-en/talent-partnerships",
    "/shows/match-nl/wereldwijde-race",
    "/projects",
    "/projects/match",
    "/people",
    "/people/sammy-mahdi",
    "/search?q=talent",
    "/search",
    "/videos",
    "/videos?kind=webinar&language=en&project=match",
    "/videos/rob-de-lobel-presenting-match",
    "/embed/match-en/talent-partnerships",
]


def parse(response: object) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(response.content)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_every_language(client: TestClient, path: str, lang: str) -> None:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}lang={lang}")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang
    doc = parse(response)
    assert doc.get("lang") == lang
    assert doc.find(".//title").text.strip()
    if not path.startswith("/embed/"):
        assert len(doc.xpath("//main")) == 1 and doc.xpath("//header") and doc.xpath("//footer")
        assert len(doc.xpath("//h1")) == 1
        assert "set-cookie" in response.headers  # the explicit choice is remembered


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    get = client.get("/shows/match-en")
    head = client.head("/shows/match-en")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert int(head.headers["content-length"]) == len(get.content)


@pytest.mark.parametrize(
    "path",
    ["/shows/nope", "/shows/match-en/nope", "/projects/nope", "/people/nope", "/videos/nope", "/embed/match-en/nope"],
)
def test_unknown_things_get_the_html_404_page(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    doc = parse(response)
    assert doc.get("lang") == "fr"
    assert doc.xpath("//main//h1") and doc.xpath("//a[@href='/']")
    assert "x-page-cache" not in response.headers and "etag" not in response.headers


def test_unpublished_episode_is_gone(
    client: TestClient, synced: Database, settings: Settings, catalogue_root: Path
) -> None:
    (catalogue_root / "match-en" / "first-steps.md").unlink()
    run_sync(synced, settings, catalogue_root)
    assert client.get("/shows/match-en/first-steps").status_code == 410
    assert client.get("/embed/match-en/first-steps").status_code == 410
    assert "first-steps" not in client.get("/shows/match-en").text


def test_future_episode_is_not_found(
    client: TestClient, synced: Database, settings: Settings, catalogue_root: Path
) -> None:
    write(catalogue_root, "match-en/later.md", EPISODE.replace("2022-01-15", "2099-01-01").replace("match-ep2", "x"))
    run_sync(synced, settings, catalogue_root)
    assert client.get("/shows/match-en/later").status_code == 404


def test_renamed_episode_and_show_redirect_permanently(
    client: TestClient, synced: Database, settings: Settings, catalogue_root: Path
) -> None:
    old = catalogue_root / "match-en" / "global-race-for-talent.md"
    text = old.read_text().replace("title:", "previous_slugs: [global-race-for-talent]\ntitle:", 1)
    old.unlink()
    write(catalogue_root, "match-en/race-for-talent.md", text)
    run_sync(synced, settings, catalogue_root)
    response = client.get("/shows/match-en/global-race-for-talent?lang=fr")
    assert response.status_code == 301
    assert response.headers["location"] == "/shows/match-en/race-for-talent?lang=fr"
    assert client.get("/embed/match-en/global-race-for-talent").headers["location"] == "/embed/match-en/race-for-talent"

    shutil_move(catalogue_root / "match-en", catalogue_root / "match-english")
    (catalogue_root / "match-english" / "show.yaml").write_text(SHOW + "previous_slugs: [match-en]\n")
    run_sync(synced, settings, catalogue_root)
    assert client.get("/shows/match-en").headers["location"] == "/shows/match-english"
    response = client.get("/shows/match-en/race-for-talent")
    assert response.status_code == 301 and response.headers["location"] == "/shows/match-english/race-for-talent"


def shutil_move(source: Path, target: Path) -> None:
    import shutil

    shutil.move(str(source), str(target))


def test_episode_page_content_and_metadata(client: TestClient) -> None:
    response = client.get("/shows/match-en/talent-partnerships")
    doc = parse(response)
    audio = doc.xpath("//audio")[0]
    assert audio.get("preload") == "none"
    assert audio.get("src") == f"{BASE}/media/match-en/talent-partnerships.mp3"
    assert doc.xpath("//a[@download]/@href") == [audio.get("src")]
    assert doc.xpath("//h1/@lang") == ["en"]
    # chapters and transcript seek the player
    assert [b.get("data-start") for b in doc.xpath("//ol[@class='chapters']//button")] == ["0", "0.5", "1"]
    assert "Today: talent partnerships" in doc.xpath("string(//div[@class='transcript'])")
    assert doc.xpath("//div[@class='transcript']//button[@data-start='0.5']")
    # people with roles link to person pages; show notes are sanitized Markdown
    assert doc.xpath("//a[@href='/people/hans-maertens']")
    notes = doc.xpath("//div[contains(@class, 'notes')]")[0]
    assert notes.xpath(".//a[@href='https://www.match-project.eu/']") and not doc.xpath("//main//script")
    assert "alert(1)" not in lxml_html.tostring(notes).decode() or "&lt;script" in response.text
    # metadata for the web
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"{BASE}/shows/match-en/talent-partnerships"]
    oembed = doc.xpath("//link[@type='application/json+oembed']/@href")[0]
    assert oembed == f"{BASE}/oembed/match-en/talent-partnerships.json"  # the path form a static host can serve
    assert doc.xpath("//meta[@property='og:title']/@content") == ["Talent partnerships explained"]
    assert doc.xpath("//meta[@name='twitter:card']")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "PodcastEpisode" and data["datePublished"] == "2022-03-10"
    assert data["associatedMedia"]["contentUrl"] == audio.get("src")
    assert data["associatedMedia"]["duration"].startswith("PT")
    assert data["partOfSeries"]["url"] == f"{BASE}/shows/match-en"
    # embed snippet and previous/next
    assert "/embed/match-en/talent-partnerships" in doc.xpath("string(//textarea[@id='embed-code'])")
    assert doc.xpath("//a[@rel='prev']/@href") == ["/shows/match-en/global-race-for-talent"]


def test_language_versions_are_linked_with_hreflang(client: TestClient) -> None:
    doc = parse(client.get("/shows/match-en/global-race-for-talent"))
    alternates = dict(zip(doc.xpath("//link[@hreflang]/@hreflang"), doc.xpath("//link[@hreflang]/@href"), strict=True))
    assert alternates == {
        "en": f"{BASE}/shows/match-en/global-race-for-talent",
        "nl": f"{BASE}/shows/match-nl/wereldwijde-race",
    }
    assert doc.xpath("//a[@href='/shows/match-nl/wereldwijde-race'][@lang='nl']")
    show = parse(client.get("/shows/match-nl"))
    assert show.xpath("//link[@rel='alternate'][@hreflang='en']/@href") == [f"{BASE}/shows/match-en"]
    assert show.xpath("//article/@lang") == ["nl"]


def test_dates_show_only_the_known_precision(client: TestClient) -> None:
    doc = parse(client.get("/shows/match-en/month-episode"))
    assert doc.xpath("//h1/following::time[1]/text()") == ["September 2021"]
    assert doc.xpath("//h1/following::time[1]/@datetime") == ["2021-09"]
    assert parse(client.get("/shows/match-en/month-episode?lang=fr")).xpath("//main//time/text()") == ["septembre 2021"]
    assert parse(client.get("/shows/match-en/month-episode?lang=nl")).xpath("//main//time/text()") == ["september 2021"]
    day = parse(client.get("/shows/match-en/global-race-for-talent?lang=fr")).xpath("//main//time/text()")
    assert day == ["15 janvier 2022"]


def test_show_page_subscribe_and_versions(client: TestClient) -> None:
    doc = parse(client.get("/shows/match-en"))
    assert doc.xpath("//input[@id='feed-url']/@value") == [f"{BASE}/feeds/match-en.xml"]
    assert doc.xpath("//button[@data-copy='feed-url']")
    assert doc.xpath("//a[@href='/shows/match-nl'][@hreflang='nl']")
    assert "Talent partnerships" in doc.xpath("string(//h3[@class='season'])")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "PodcastSeries" and data["webFeed"] == f"{BASE}/feeds/match-en.xml"


def test_person_and_project_pages_list_everything(client: TestClient) -> None:
    person = parse(client.get("/people/sammy-mahdi"))
    links = person.xpath("//main//a/@href")
    assert "/shows/match-en/global-race-for-talent" in links and "/videos/rob-de-lobel-presenting-match" in links
    assert json.loads(person.xpath("//script[@type='application/ld+json']/text()")[0])["@type"] == "Person"
    project = parse(client.get("/projects/match"))
    links = project.xpath("//main//a/@href")
    assert {"/shows/match-en", "/shows/match-nl", "/videos/rob-de-lobel-presenting-match"} <= set(links)
    assert "/shows/match-nl/wereldwijde-race" in links


def test_video_page_links_out_without_third_party_requests(client: TestClient) -> None:
    response = client.get("/videos/rob-de-lobel-presenting-match")
    doc = parse(response)
    assert doc.xpath("//a[@href='https://www.youtube.com/watch?v=5qvz8YyPNdg']")
    assert not doc.xpath("//iframe") and not doc.xpath("//img[contains(@src, 'ytimg')]")
    data = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data["@type"] == "VideoObject" and data["uploadDate"] == "2021-06"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_loads_anything_from_another_origin(client: TestClient, path: str) -> None:
    doc = parse(client.get(path))
    loaded = doc.xpath("//script/@src | //img/@src | //link[@rel='stylesheet' or @rel='icon' or @rel='preload']/@href"
                       " | //audio/@src | //video/@src | //source/@src | //iframe/@src")  # fmt: skip
    for url in loaded:
        assert url.startswith(("/", f"{BASE}/", "data:")), f"{path} loads {url}"
    assert not re.search(r"@import|url\(https?:", client.get("/static/site.css").text)


def test_episode_page_weighs_under_60_kb_with_its_css_and_js(client: TestClient) -> None:
    response = client.get("/shows/match-en/talent-partnerships")
    doc = parse(response)
    total = len(response.content)
    for url in doc.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
        asset = client.get(url)
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]
        total += len(asset.content)
    assert total < 60_000, total


def test_language_choice_url_then_cookie_then_accept_language(client: TestClient) -> None:
    assert client.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}).headers["content-language"] == "nl"
    assert client.get("/", headers={"Accept-Language": "de, fr;q=0.4"}).headers["content-language"] == "fr"
    assert client.get("/", headers={"Accept-Language": "de"}).headers["content-language"] == "en"
    chosen = client.get("/?lang=fr", headers={"Accept-Language": "nl"})
    assert chosen.headers["content-language"] == "fr" and "lang=fr" in chosen.headers["set-cookie"]
    # the cookie now answers for the browser, over Accept-Language
    again = client.get("/shows/match-en", headers={"Accept-Language": "nl"})
    assert again.headers["content-language"] == "fr"
    assert parse(again).xpath("//h2[@id='subscribe-heading']/text()") == ["S'abonner"]
    client.cookies.clear()
    assert client.get("/shows/match-en", headers={"Accept-Language": "nl"}).headers["content-language"] == "nl"
    assert "accept-language" in again.headers["vary"].lower() and "cookie" in again.headers["vary"].lower()


def test_interface_is_translated_and_content_keeps_its_language(client: TestClient) -> None:
    fr = parse(client.get("/shows/match-nl?lang=fr"))
    assert fr.get("lang") == "fr" and fr.xpath("//article/@lang") == ["nl"]
    assert fr.xpath("//h2[@id='episodes-heading']/text()") == ["Épisodes"]
    nl = parse(client.get("/shows/match-en?lang=nl"))
    assert nl.xpath("//h2[@id='episodes-heading']/text()") == ["Afleveringen"]
    assert nl.xpath("//a[@class='skip']/text()") == ["Naar de inhoud"]


def test_pages_have_etags_and_answer_304(client: TestClient) -> None:
    first = client.get("/shows/match-en")
    etag = first.headers["etag"]
    assert first.headers["x-cache"] == "miss" and client.get("/shows/match-en").headers["x-cache"] == "hit"
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/shows/match-en", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/shows/match-en", headers={"If-None-Match": '"other"'}).status_code == 200
    # the security headers of the first render are kept on cached answers
    cached = client.get("/shows/match-en")
    assert "frame-ancestors 'self'" in cached.headers["content-security-policy"]
    assert cached.headers["x-content-type-options"] == "nosniff"


def test_page_cache_is_invalidated_by_catalogue_changes(
    client: TestClient, synced: Database, settings: Settings, catalogue_root: Path
) -> None:
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    before = client.get("/shows/match-en/global-race-for-talent")
    client.get("/shows/match-en/global-race-for-talent")
    assert cache.hits >= 1
    path = catalogue_root / "match-en" / "global-race-for-talent.md"
    path.write_text(path.read_text().replace("The global race for talent", "The race, edited"))
    run_sync(synced, settings, catalogue_root)
    after = client.get("/shows/match-en/global-race-for-talent", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and "The race, edited" in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert "The race, edited" in client.get("/").text


def test_search_is_not_cached_and_never_indexed(client: TestClient) -> None:
    response = client.get("/search?q=talent")
    assert "etag" not in response.headers
    assert parse(response).xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_scheduled_episode_appears_when_its_time_comes(
    client: TestClient, synced: Database, settings: Settings, catalogue_root: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from media_catalogue.catalogue.models import Episode

    write(catalogue_root, "match-en/soon.md", EPISODE.replace("2022-01-15T10:00:00+01:00", "2099-01-01T10:00:00+01:00")
          .replace("match-ep2", "soon").replace("The global race for talent", "Coming soon"))  # fmt: skip
    run_sync(synced, settings, catalogue_root)
    assert "Coming soon" not in client.get("/shows/match-en").text
    # Time passes: move the publication time into the past without touching the version counters.
    with synced.session() as session:
        episode = session.scalar(select(Episode).where(Episode.slug == "soon"))
        assert episode is not None
        episode.published_at = datetime.now(UTC) - timedelta(seconds=1)
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    key = next(k for k in cache.entries if k[0] == "/shows/match-en")
    entry = cache.entries[key]
    cache.entries[key] = type(entry)(entry.version, datetime.now(UTC) - timedelta(seconds=1), entry.status,
                                     entry.headers, entry.body, entry.etag)  # fmt: skip
    assert "Coming soon" in client.get("/shows/match-en").text


def test_the_shows_page_lists_every_show_with_its_artwork(client: TestClient) -> None:
    """Issue 13, point 14: /shows answered 404 although the navigation says "Shows"."""
    response = client.get("/shows")
    assert response.status_code == 200
    page = lxml_html.fromstring(response.text)
    assert page.xpath("//ul[@class='cards']/li//a/@href") == ["/shows/match-en", "/shows/match-nl"]
    assert page.xpath("//nav[@aria-label='Main']//a[@aria-current='page']/@href") == ["/shows"]
    assert client.get("/shows?lang=nl").status_code == 200


@pytest.mark.parametrize(
    ("language", "path", "detail"),
    [
        ("fr", "/shows/nope", "Aucune émission ne s'appelle « nope »."),
        ("nl", "/shows/match-en/nope", "Het programma ‘match-en’ heeft geen aflevering ‘nope’."),
        ("fr", "/people/nobody", "Aucune personne ne s'appelle « nobody »."),
        ("en", "/videos/nothing", "No video is called 'nothing'."),
    ],
)
def test_error_pages_give_their_detail_in_the_page_language(
    client: TestClient, language: str, path: str, detail: str
) -> None:
    """Issue 13, point 14: /shows/nope?lang=fr said "No show is called 'nope'." in English."""
    response = client.get(f"{path}?lang={language}")
    assert response.status_code == 404
    page = lxml_html.fromstring(response.text)
    assert page.get("lang") == language
    assert page.xpath("string(//p[@class='meta'])") == detail


def test_untranslatable_details_are_not_shown_in_english_on_other_languages(client: TestClient) -> None:
    page = lxml_html.fromstring(client.get("/chapters/match-en/nope.txt?lang=fr").text)
    assert "published as JSON" not in page.text_content()


def test_lists_show_thumbnails_served_by_the_catalogue(
    client: TestClient, synced: Database, settings: Settings
) -> None:
    """Issue 13, point 14: lists had no artwork thumbnails and most videos none at all."""
    import io

    from PIL import Image
    from sqlalchemy import select

    from media_catalogue.catalogue import versions
    from media_catalogue.catalogue.models import Video
    from media_catalogue.storage import create_storage

    image = io.BytesIO()
    Image.new("RGB", (480, 360), (20, 90, 160)).save(image, "JPEG")
    create_storage(settings).put_bytes("thumbnails/youtube-test.jpg", image.getvalue(), content_type="image/jpeg")
    with synced.session() as session:
        video = session.scalar(select(Video))
        assert video is not None
        video.thumbnail_key = "thumbnails/youtube-test.jpg"
        versions.bump_catalogue(session)
    home = lxml_html.fromstring(client.get("/").text)
    items = home.xpath("//section[@aria-labelledby='latest-heading']//li[contains(@class, 'item')]")
    assert items and all(item.xpath(".//*[contains(@class, 'thumb')]") for item in items)
    videos = lxml_html.fromstring(client.get("/videos").text)
    (thumb,) = videos.xpath("//img[@class='thumb']/@src")
    assert thumb == "/artwork/thumbnails/youtube-test.jpg?w=192" or thumb.endswith(
        "/artwork/thumbnails/youtube-test.jpg?w=192"
    )
    served = client.get(thumb)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert not videos.xpath("//img[contains(@src, 'ytimg.com') or contains(@src, 'fbcdn')]")  # nothing third-party
