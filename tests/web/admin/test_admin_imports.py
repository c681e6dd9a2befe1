"""The workspace's feed import (issue 12, web part): admins only; paste an address or upload the XML; the preview
lists every episode and warning and writes nothing; confirming runs the import as a job whose progress per file is
in the database (any worker answers the polling); a refusal is shown on the page and keeps nothing."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from tests.feed_import.conftest import LocalServer, server  # noqa: F401 - the local HTTP server fixture
from tests.feed_import.test_guid_rules import rss
from tests.media.factories import fixture
from tests.staff_helpers import csrf_from, login


def _item(n: int, enclosure: str, extra: str = "") -> str:
    return (
        f"<item><title>Episode {n}</title><guid>web-{n}</guid>"
        f"<pubDate>Tue, 0{n} Jan 2024 08:00:00 -0500</pubDate>{extra}"
        f'<enclosure url="{enclosure}" length="123" type="audio/mpeg"/></item>'
    )


def feed_on(server: LocalServer) -> str:  # noqa: F811
    server.serve("/ep1.mp3", fixture("cbr-id3v24.mp3").read_bytes(), "audio/mpeg")
    server.serve("/ep2.mp3", fixture("cbr-id3v24.mp3").read_bytes(), "audio/mpeg")
    items = _item(1, server.url("/ep1.mp3"), "<itunes:weird>x</itunes:weird>") + _item(2, server.url("/ep2.mp3"))
    return server.serve("/feed.xml", rss(items).encode(), "application/rss+xml")


def _signed_in(client: TestClient, who: str = "admin") -> str:
    assert login(client, who).status_code == 303
    return csrf_from(client.get("/admin/tokens").text)


def _wait(client: TestClient, job: str) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        data = client.get(f"{job}/progress").json()
        if data["state"] in ("done", "failed", "stalled"):
            return data  # type: ignore[no-any-return]
        time.sleep(0.1)
    pytest.fail("the import did not end")


def test_paste_preview_confirm_and_progress(client: TestClient, settings: Settings, server: LocalServer) -> None:  # noqa: F811
    settings.import_allowed_hosts = ["127.0.0.1"]
    csrf = _signed_in(client)
    url = feed_on(server)
    response = client.post(
        "/admin/imports",
        data={"csrf_token": csrf, "show": "moved-in", "url": url, "download": "on"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job = response.headers["location"]
    preview = client.get(job)
    assert "Episode 1" in preview.text and "Episode 2" in preview.text and "web-2" in preview.text
    assert "itunes:weird" in preview.text  # every warning is listed
    assert 'id="import-confirm"' in preview.text
    assert server.hits.get("/ep1.mp3") is None  # the preview downloads no media
    assert client.get("/api/shows/moved-in").status_code == 404  # and writes nothing

    started = client.post(f"{job}/start", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303
    data = _wait(client, job)
    assert data["state"] == "done", data
    assert data["percent"] == 100
    assert [f["percent"] for f in data["files"]] == [100, 100]
    assert [f["title"] for f in data["files"]] == ["Episode 1", "Episode 2"]
    assert "2 added" in data["summary"]
    episodes = client.get("/api/shows/moved-in/episodes").json()["items"]
    assert sorted(e["guid"] for e in episodes) == ["web-1", "web-2"]
    # Confirming twice imports once.
    again = client.post(f"{job}/start", data={"csrf_token": csrf}, follow_redirects=False)
    assert again.status_code == 409


def test_upload_the_xml_file(client: TestClient, settings: Settings, server: LocalServer) -> None:  # noqa: F811
    settings.import_allowed_hosts = ["127.0.0.1"]
    csrf = _signed_in(client)
    feed_on(server)
    body = server.routes["/feed.xml"].body
    response = client.post(
        "/admin/imports",
        data={"csrf_token": csrf, "show": "uploaded"},
        files={"file": ("feed.xml", body, "application/rss+xml")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job = response.headers["location"]
    client.post(f"{job}/start", data={"csrf_token": csrf})
    data = _wait(client, job)
    assert data["state"] == "done", data
    assert data["files"] == []  # without "copy the audio files", nothing is downloaded
    assert len(client.get("/api/shows/uploaded/episodes").json()["items"]) == 2


def test_refusals_are_shown_and_keep_nothing(client: TestClient) -> None:
    csrf = _signed_in(client)
    html = b"<!doctype html><html><body>Not a feed</body></html>"
    response = client.post("/admin/imports", data={"csrf_token": csrf, "show": "nope"},
                           files={"file": ("page.html", html, "text/html")})  # fmt: skip
    assert response.status_code == 422
    assert 'id="import-error"' in response.text and "HTML" in response.text
    assert client.get("/admin/imports/1").status_code == 404
    missing = client.post("/admin/imports", data={"csrf_token": csrf, "show": "nope"})
    assert missing.status_code == 422 and "XML file" in missing.text


def test_existing_show_with_another_feed_is_refused_in_the_preview(client: TestClient) -> None:
    csrf = _signed_in(client)
    other = "<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>"
    body = rss(_item(1, "https://cdn.example.org/1.mp3"), channel=other).encode()
    response = client.post(
        "/admin/imports",
        data={"csrf_token": csrf, "show": "match-en"},
        files={"file": ("feed.xml", body, "application/rss+xml")},
        follow_redirects=False,
    )
    page = client.get(response.headers["location"])
    assert 'id="import-refusal"' in page.text and 'id="import-confirm"' not in page.text


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_only_admins_import(client: TestClient, who: str) -> None:
    csrf = _signed_in(client, who)
    assert client.get("/admin/imports").status_code == 403
    refused = client.post("/admin/imports", data={"csrf_token": csrf, "show": "x", "url": "https://example.org/f"})
    assert refused.status_code == 403


def test_without_the_csrf_token_nothing_happens(client: TestClient) -> None:
    _signed_in(client)
    response = client.post("/admin/imports", data={"show": "x", "url": "https://example.org/f"})
    assert response.status_code == 403


def test_a_feed_file_larger_than_a_form_is_previewed(client: TestClient, settings: Settings) -> None:
    """A real host's feed (1.6 MB, 730 episodes) passes the request-size policy of an upload, not of a form."""
    from tests.feed_import.conftest import shared_feed

    body = shared_feed("rss-parser/giantbomb-podcast.rss").read_bytes()
    assert len(body) > settings.max_form_bytes
    csrf = _signed_in(client)
    response = client.post(
        "/admin/imports",
        data={"csrf_token": csrf, "show": "giant-bomb"},
        files={"file": ("feed.xml", body, "application/rss+xml")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "730" in client.get(response.headers["location"]).text
