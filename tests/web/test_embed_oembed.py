"""The embeddable player and oEmbed: framing allowed on /embed/ only, no cookies, small, and discoverable."""

from __future__ import annotations

from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import select

from media_catalogue.catalogue.models import Show
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from tests.web.conftest import BASE

EMBED = "/embed/match-en/talent-partnerships"
PAGE = f"{BASE}/shows/match-en/talent-partnerships"


def give_artwork(database: Database, settings: Settings) -> None:
    from PIL import Image

    image = BytesIO()
    Image.effect_noise((1400, 1400), 64).convert("RGB").save(image, "JPEG", quality=92)
    create_storage(settings).put_bytes("artwork/match.jpg", image.getvalue(), content_type="image/jpeg")
    with database.session() as session:
        show = session.scalar(select(Show).where(Show.slug == "match-en"))
        assert show is not None
        show.artwork_key = "artwork/match.jpg"
        from media_catalogue.catalogue.versions import touch

        touch(session, show)


def test_embed_may_be_framed_anywhere_and_other_pages_only_by_us(client: TestClient) -> None:
    embed = client.get(EMBED)
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    for path in ("/", "/shows/match-en", "/shows/match-en/talent-partnerships"):
        assert "frame-ancestors 'self'" in client.get(path).headers["content-security-policy"]


def test_embed_sets_no_cookie_even_with_a_language_choice(client: TestClient) -> None:
    for url in (EMBED, f"{EMBED}?lang=fr"):
        response = client.get(url)
        assert "set-cookie" not in response.headers
    assert lxml_html.fromstring(client.get(f"{EMBED}?lang=nl").content).get("lang") == "nl"
    # without a choice, the interface speaks the episode's language
    assert client.get(EMBED, headers={"Accept-Language": "fr"}).headers["content-language"] == "en"


def test_embed_player_is_complete_accessible_and_self_contained(client: TestClient) -> None:
    doc = lxml_html.fromstring(client.get(EMBED).content)
    audio = doc.xpath("//audio")[0]
    assert audio.get("preload") == "none" and audio.get("src") == f"{BASE}/media/match-en/talent-partnerships.mp3"
    assert doc.xpath("//button[@id='play']/@aria-label") == ["Play"]
    assert doc.xpath("//input[@type='range']/@aria-label") == ["Seek"]
    assert doc.xpath("//button[@id='speed']")
    assert len(doc.xpath("//details//button[@data-start]")) == 3
    assert doc.xpath("//a[@href=$u][@target='_blank']", u=PAGE)
    assert not doc.xpath("//script/@src | //link[@rel='stylesheet']")  # everything inline: one request
    assert doc.xpath("//link[@rel='canonical']/@href") == [PAGE]


def test_embed_weighs_under_30_kb_with_its_artwork(client: TestClient, synced: Database, settings: Settings) -> None:
    give_artwork(synced, settings)
    response = client.get(EMBED)
    doc = lxml_html.fromstring(response.content)
    total = len(response.content)
    for src in doc.xpath("//img/@src"):
        assert src.startswith(f"{BASE}/artwork/") and src.endswith("?w=192")
        total += len(client.get(src.removeprefix(BASE)).content)
    assert doc.xpath("//img")
    assert total < 30_000, total


def test_oembed_json(client: TestClient, synced: Database, settings: Settings) -> None:
    give_artwork(synced, settings)
    response = client.get("/oembed", params={"url": PAGE, "format": "json"})
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["title"] == "Talent partnerships explained" and data["author_url"] == f"{BASE}/shows/match-en"
    assert data["provider_url"] == f"{BASE}/"
    frame = lxml_html.fragment_fromstring(data["html"])
    assert frame.tag == "iframe" and frame.get("src") == f"{BASE}{EMBED}"
    assert (data["width"], data["height"]) == (600, 200)
    assert (frame.get("width"), frame.get("height")) == ("600", "200")
    assert data["thumbnail_url"].endswith("?w=400") and data["thumbnail_width"] == 400
    # the embed URL itself and a moved slug work too
    assert client.get("/oembed", params={"url": f"{BASE}{EMBED}"}).json()["title"] == data["title"]


def test_oembed_honours_size_limits(client: TestClient, synced: Database, settings: Settings) -> None:
    give_artwork(synced, settings)
    data = client.get("/oembed", params={"url": PAGE, "maxwidth": 320, "maxheight": 150}).json()
    assert data["width"] == 320 and data["height"] == 150
    assert data["thumbnail_width"] <= 150
    data = client.get("/oembed", params={"url": PAGE, "width": 400, "height": 180, "maxwidth": 1000}).json()
    assert (data["width"], data["height"]) == (400, 180)
    assert "thumbnail_url" not in client.get("/oembed", params={"url": PAGE, "maxwidth": 50}).json()


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example.com/shows/match-en/talent-partnerships",
        f"{BASE}/shows/match-en",
        f"{BASE}/shows/match-en/nope",
        f"{BASE}/videos/rob-de-lobel-presenting-match",
        "javascript:alert(1)",
    ],
)
def test_oembed_refuses_what_is_not_our_episode(client: TestClient, url: str) -> None:
    response = client.get("/oembed", params={"url": url})
    assert response.status_code == 404
    assert response.json()["ok"] is False


def test_oembed_xml_is_not_implemented(client: TestClient) -> None:
    response = client.get("/oembed", params={"url": PAGE, "format": "xml"})
    assert response.status_code == 501 and response.json()["error"]["code"] == "format_not_supported"
    assert client.get("/oembed").status_code == 422


def test_episode_page_offers_discovery(client: TestClient) -> None:
    doc = lxml_html.fromstring(client.get("/shows/match-en/talent-partnerships").content)
    href = doc.xpath("//link[@type='application/json+oembed']/@href")[0]
    assert client.get(href.removeprefix(BASE)).json()["type"] == "rich"


def test_the_embed_link_names_a_transcript_only_when_there_is_one(client: TestClient) -> None:
    """Issue 13, point 12: it said "Show notes and transcript" for episodes without a transcript."""
    without = lxml_html.fromstring(client.get("/embed/match-en/global-race-for-talent").text)
    assert without.xpath("string(//p[@class='more']/a)") == "Show notes"
    with_one = lxml_html.fromstring(client.get("/embed/match-en/talent-partnerships").text)
    assert with_one.xpath("string(//p[@class='more']/a)") == "Show notes and transcript"
