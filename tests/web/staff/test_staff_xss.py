"""XSS payloads typed into every text field of an episode stay inert: escaped in the workspace pages, escaped or
sanitized on the public pages, and escaped (plain text) or sanitized (HTML fields) in the feed."""

from __future__ import annotations

from pathlib import Path

import fastapi.routing
import lxml.etree
import lxml.html
import pytest
from fastapi.testclient import TestClient

from tests.staff_helpers import StaffWorld, login

MP3 = Path(__file__).resolve().parents[2] / "media" / "files" / "cbr-id3v24.mp3"
PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>\"'><svg onload=alert(2)>"
RAW_MARKERS = ("<script>alert", "<img src=x onerror", "<svg onload")


def _publish_hostile_episode(client: TestClient, world: StaffWorld) -> dict:
    body = {
        "title": f"Title {PAYLOAD}",
        "summary": f"Summary {PAYLOAD}",
        "show_notes": f'Notes {PAYLOAD} [click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>',
        "season": 7,
        "season_name": f"Season {PAYLOAD}",
        "people": [{"person": "sammy-mahdi", "role": "guest"}],
        "links": [{"kind": "other", "url": 'https://example.org/?q="><script>alert(5)</script>', "label": PAYLOAD}],
        "chapters": [{"startTime": 0, "title": f"Chapter {PAYLOAD}"}],
    }
    created = client.post("/api/staff/shows/match-en/episodes", json=body, headers=world.bearer("editor"))
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    url = f"/api/staff/shows/match-en/episodes/{slug}"
    uploaded = client.put(
        f"{url}/media", params={"filename": "x.mp3"}, content=MP3.read_bytes(), headers=world.bearer("editor")
    )
    assert uploaded.status_code == 200, uploaded.text
    published = client.post(f"{url}/publish", headers=world.bearer("editor"))
    assert published.status_code == 200, published.text
    return published.json()


def _assert_inert_html(page: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in page, f"{where}: raw payload {marker!r} in the page"
    tree = lxml.html.fromstring(page)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on") or element.tag == "form", f"{where}: {element.tag} {name}"
            if name in ("href", "src", "action"):
                assert not value.strip().lower().startswith("javascript:"), f"{where}: {element.tag} {name}={value}"
        # JSON-LD and other data blocks may quote the text (the raw-marker check proves "<" is escaped in them).
        if element.tag == "script" and element.get("type", "text/javascript") in ("text/javascript", "module"):
            assert "alert(" not in (element.text or ""), f"{where}: payload inside a script"


def _has_route(app, path: str) -> bool:  # type: ignore[no-untyped-def]
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    paths = [ctx.path for ctx in iterate(app.routes)] if iterate else [getattr(r, "path", "") for r in app.routes]
    return path in paths


def test_payloads_are_inert_in_the_workspace(client: TestClient, world: StaffWorld) -> None:
    episode = _publish_hostile_episode(client, world)
    login(client, "admin")
    for url in (
        "/admin/shows/match-en",
        f"/admin/episodes/{episode['id']}",
        f"/admin/episodes/{episode['id']}/preview",
        "/admin/audit",
        "/admin/shows/match-en/check",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert_html(response.text, url)
        assert "alert" in response.text or url.endswith("check"), f"{url}: the payload should be shown, escaped"


def test_payloads_are_inert_on_public_pages(client: TestClient, app, world: StaffWorld) -> None:  # type: ignore[no-untyped-def]
    if not _has_route(app, "/shows/{show}/{episode}"):
        pytest.skip("the public pages are not part of this build")
    episode = _publish_hostile_episode(client, world)
    client.cookies.clear()
    for url in (f"/shows/match-en/{episode['slug']}", "/shows/match-en", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert_html(response.text, url)


def test_payloads_are_inert_in_the_feed(client: TestClient, app, world: StaffWorld) -> None:  # type: ignore[no-untyped-def]
    if not _has_route(app, "/feeds/{show}.xml"):
        pytest.skip("the feeds are not part of this build")
    _publish_hostile_episode(client, world)
    response = client.get("/feeds/match-en.xml")
    assert response.status_code == 200
    root = lxml.etree.fromstring(response.content)  # well-formed: plain-text fields are XML-escaped
    html_fields = {
        "description",
        "{http://purl.org/rss/1.0/modules/content/}encoded",
        "{http://www.itunes.com/dtds/podcast-1.0.dtd}summary",
    }
    for element in root.iter():
        if element.tag in html_fields and element.text and "<" in element.text:
            _assert_inert_html(f"<div>{element.text}</div>", f"feed {element.tag}")
