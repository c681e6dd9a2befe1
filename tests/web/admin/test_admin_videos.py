"""Video pages of the staff workspace: create and edit through the forms (CSRF, ETag), errors next to their field in
plain language, roles (editors of any show write, viewers read), audit, payloads inert, and the saved video on the
public pages and in the Media RSS feed."""

from __future__ import annotations

import html
import re

import feedparser
from fastapi.testclient import TestClient

from media_catalogue.catalogue import audit
from media_catalogue.catalogue.models import Video
from tests.staff_helpers import StaffWorld, csrf_from, login
from tests.web.staff.test_staff_xss import PAYLOAD, _assert_inert_html

ETAG_INPUT = re.compile(r'name="etag" value="([^"]+)"')
FORM = {
    "title": "MATCH webinar: skills for the future",
    "slug": "",
    "kind": "webinar",
    "url": "https://youtu.be/5qvz8YyPNdg?t=90",
    "published_on": "2024-05-31",
    "language": "en",
    "project": "match",
    "series": "",
    "description": "A **webinar** of the MATCH project.",
    "subtitle_languages": "fr, nl",
    "person": ["sammy-mahdi", ""],
    "person_role": ["speaker", ""],
    "status": "published",
}


def _create(client: TestClient, **fields: object):  # type: ignore[no-untyped-def]
    page = client.get("/admin/videos/new")
    assert page.status_code == 200, page.text
    return client.post(
        "/admin/videos/new", data={**FORM, **fields, "csrf_token": csrf_from(page.text)}, follow_redirects=False
    )


def _edit_form(client: TestClient, slug: str) -> tuple[str, str]:
    page = client.get(f"/admin/videos/{slug}")
    assert page.status_code == 200
    etag = ETAG_INPUT.search(page.text)
    assert etag, "no ETag in the edit form"
    return csrf_from(page.text), html.unescape(etag.group(1))


def test_editor_creates_a_video_through_the_form(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    assert 'href="/admin/videos"' in client.get("/admin/").text  # dashboard and navigation link to the list
    created = _create(client)
    assert created.status_code == 303, created.text
    assert created.headers["location"].startswith("/admin/videos/match-webinar-skills-for-the-future")
    with world.database.session() as session:
        video = session.query(Video).filter_by(slug="match-webinar-skills-for-the-future").one()
        assert (video.provider, video.provider_id, video.start_seconds) == ("youtube", "5qvz8YyPNdg", 90)
        assert video.url == "https://www.youtube.com/watch?v=5qvz8YyPNdg"
        assert video.subtitle_languages == ["fr", "nl"]
        assert [(c.person.slug, c.role) for c in video.credits] == [("sammy-mahdi", "speaker")]
        assert video.project is not None and video.project.slug == "match"
        [entry] = audit.entries(session, object_type="video", object_id=video.id)
        assert entry.action == "video.create" and entry.actor == "editor"
    page = client.get(created.headers["location"])
    assert "Recognised as youtube video 5qvz8YyPNdg, starting at 90 s" in page.text
    listing = client.get("/admin/videos")
    assert "MATCH webinar: skills for the future" in listing.text and "webinar" in listing.text


def test_the_form_needs_its_csrf_token(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    data = {**FORM, "title": "Forged"}
    assert client.post("/admin/videos/new", data=data).status_code == 403
    assert client.post("/admin/videos/new", data={**data, "csrf_token": "forged"}).status_code == 403
    csrf, etag = _edit_form(client, "rob-de-lobel-presenting-match")
    edit = {**FORM, "title": "Forged", "etag": etag}
    assert client.post("/admin/videos/rob-de-lobel-presenting-match", data=edit).status_code == 403
    with world.database.session() as session:
        assert session.query(Video).filter(Video.title == "Forged").count() == 0


def test_edit_then_a_stale_etag_is_refused_with_a_message(client: TestClient, world: StaffWorld) -> None:
    login(client, "other")  # an editor of another show: videos belong to no show
    slug = "rob-de-lobel-presenting-match"
    csrf, etag = _edit_form(client, slug)
    data = {**FORM, "title": "Rob de Lobel presents MATCH", "slug": slug, "csrf_token": csrf, "etag": etag}
    saved = client.post(f"/admin/videos/{slug}", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert "Rob de Lobel presents MATCH" in page.text and "edited the video" in page.text  # history as a sentence
    # The same form sent again carries the ETag of the version before the edit: refused, nothing overwritten.
    stale = client.post(f"/admin/videos/{slug}", data={**data, "title": "Overwrite"}, follow_redirects=False)
    assert stale.status_code == 412
    assert "changed by someone else" in stale.text and 'id="error-form"' in stale.text
    assert 'value="Overwrite"' in stale.text  # what they typed is kept, to copy over after reloading
    with world.database.session() as session:
        video = session.query(Video).filter_by(slug=slug).one()
        assert video.title == "Rob de Lobel presents MATCH"
        entry = audit.entries(session, object_type="video", object_id=video.id)[0]
        assert entry.actor == "other" and "title" in audit.changed_fields(entry.before, entry.after)


def test_errors_are_shown_next_to_their_field(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    bad = _create(client, url="https://example.org/my-video", published_on="31/05/2024", subtitle_languages="fr, !!")
    assert bad.status_code == 422
    url_error = re.search(r'<p class="error" id="error-url" role="alert">([^<]+)</p>', bad.text)
    assert url_error, bad.text
    message = html.unescape(url_error.group(1))
    assert "not from a supported provider" in message
    assert all(name in message for name in ("YouTube", "Facebook", "Vimeo", "Spotify"))
    assert 'id="error-published_on"' in bad.text and "2024-05-31" in bad.text
    assert 'id="error-subtitle_languages"' in bad.text
    assert 'value="https://example.org/my-video"' in bad.text  # the typed values are kept
    empty = _create(client, title="", url="")
    assert empty.status_code == 422
    assert 'id="error-title"' in empty.text and 'id="error-url"' not in empty.text  # a video may have no link yet
    taken = _create(client, slug="rob-de-lobel-presenting-match")
    assert taken.status_code == 409 and 'id="error-slug"' in taken.text
    with world.database.session() as session:
        assert session.query(Video).count() == 1


def test_a_viewer_reads_but_cannot_save(client: TestClient, world: StaffWorld) -> None:
    login(client, "viewer")
    assert client.get("/admin/videos").status_code == 200
    assert "New video" not in client.get("/admin/videos").text
    page = client.get("/admin/videos/rob-de-lobel-presenting-match")
    assert page.status_code == 200 and 'id="read-only"' in page.text and 'id="video-form"' not in page.text
    assert client.get("/admin/videos/new").status_code == 403
    csrf = csrf_from(page.text)
    with world.database.session() as session:
        from media_catalogue.catalogue.editing.records import etag as etag_of

        etag = etag_of(session.query(Video).filter_by(slug="rob-de-lobel-presenting-match").one())
    data = {**FORM, "title": "Viewer edit", "csrf_token": csrf, "etag": etag}
    assert client.post("/admin/videos/rob-de-lobel-presenting-match", data=data).status_code == 403
    assert client.post("/admin/videos/new", data=data).status_code == 403
    with world.database.session() as session:
        assert session.query(Video).filter(Video.title == "Viewer edit").count() == 0


def test_payloads_are_inert_in_the_workspace_and_on_the_public_page(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    hostile = {
        "title": f"Title {PAYLOAD}",
        "slug": "hostile",
        "series": f"Series {PAYLOAD}",
        "description": f'Text {PAYLOAD} [click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>',
    }
    created = _create(client, **hostile)
    assert created.status_code == 303, created.text
    login(client, "admin")
    for url in ("/admin/videos", "/admin/videos/hostile", "/admin/audit?object_type=video"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert_html(response.text, url)
        assert "alert" in response.text, f"{url}: the payload should be shown, escaped"
    client.cookies.clear()
    for url in ("/videos/hostile", "/videos"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert_html(response.text, url)


def test_the_saved_video_is_listed_and_in_the_feed_and_drafts_are_not(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    assert _create(client, slug="match-webinar").status_code == 303
    assert _create(client, slug="match-draft", title="Not ready yet", status="draft").status_code == 303
    client.cookies.clear()
    page = client.get("/videos/match-webinar")
    assert page.status_code == 200
    assert "MATCH webinar: skills for the future" in page.text and "<strong>webinar</strong>" in page.text
    listing = client.get("/videos")
    assert "/videos/match-webinar" in listing.text and "Not ready yet" not in listing.text
    feed = feedparser.parse(client.get("/feeds/videos.xml").content)
    titles = [entry.title for entry in feed.entries]
    assert "MATCH webinar: skills for the future" in titles and "Not ready yet" not in titles
    assert client.get("/videos/match-draft").status_code in (404, 410)


def test_a_renamed_video_keeps_its_old_address(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    slug = "rob-de-lobel-presenting-match"
    csrf, etag = _edit_form(client, slug)
    data = {**FORM, "slug": "rob-presents-match", "csrf_token": csrf, "etag": etag}
    saved = client.post(f"/admin/videos/{slug}", data=data, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin/videos/rob-presents-match")
    client.cookies.clear()
    moved = client.get(f"/videos/{slug}", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"].endswith("/videos/rob-presents-match")


def test_api_sets_people_and_subtitle_languages_of_a_video(client: TestClient, world: StaffWorld) -> None:
    url = "/api/staff/videos/rob-de-lobel-presenting-match"
    current = client.get(url, headers=world.bearer("editor"))
    assert [p["slug"] for p in current.json()["people"]] == ["sammy-mahdi"]
    body = {"people": [], "subtitle_languages": ["fr", "nl"]}
    patched = client.patch(url, json=body, headers={**world.bearer("editor"), "If-Match": current.headers["ETag"]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["people"] == [] and patched.json()["subtitle_languages"] == ["fr", "nl"]
    assert patched.headers["ETag"] != current.headers["ETag"]
    unknown = client.patch(
        url,
        json={"people": [{"person": "nobody-here", "role": "guest"}]},
        headers={**world.bearer("editor"), "If-Match": patched.headers["ETag"]},
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "people"
