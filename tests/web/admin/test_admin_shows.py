"""Show settings, new show, people and projects in the staff workspace (issue 15, point 1): every directory field
through the form (CSRF, ETag), Apple's categories, artwork checked on upload, language versions, the feed checker's
verdict after saving, roles (admins create shows, the show's editors change its settings), errors per field in the
staff's language with nothing typed lost, payloads inert, and every change audited."""

from __future__ import annotations

import html
import io
import re

from fastapi.testclient import TestClient
from PIL import Image

from media_catalogue.catalogue import audit
from media_catalogue.catalogue.models import Person, Project, Show
from tests.staff_helpers import StaffWorld, csrf_from, login
from tests.web.staff.test_staff_xss import PAYLOAD, _assert_inert_html

ETAG_INPUT = re.compile(r'name="etag" value="([^"]+)"')
NEW_SHOW = {
    "title": "MATCH podcast (Deutsch)",
    "slug": "",
    "subtitle": "Talent partnerships",
    "description": "Skills and jobs between **Senegal**, Nigeria and Belgium.",
    "author": "MATCH project",
    "owner_name": "MATCH office",
    "owner_email": "podcast@example.org",
    "language": "de",
    "timezone": "Europe/Berlin",
    "explicit": "no",
    "show_type": "serial",
    "category": "Business › Careers",
    "apple_podcasts_url": "https://podcasts.apple.com/podcast/id123",
    "spotify_url": "https://open.spotify.com/show/abc",
    "website": "https://www.match-project.eu/",
    "funding_url": "https://www.match-project.eu/support",
    "funding_text": "Support us",
    "license": "CC BY 4.0",
    "copyright": "© MATCH",
    "project": "match",
    "translations": ["match-en"],
}


def artwork_bytes(side: int = 1400) -> bytes:
    """A square RGB JPEG, side x side pixels."""
    out = io.BytesIO()
    Image.new("RGB", (side, side), (20, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def _create(client: TestClient, **fields: object):  # type: ignore[no-untyped-def]
    page = client.get("/admin/shows/new")
    assert page.status_code == 200, page.text
    return client.post("/admin/shows/new", data={**NEW_SHOW, **fields, "csrf_token": csrf_from(page.text)},
                       follow_redirects=False)  # fmt: skip


def _settings_form(client: TestClient, slug: str) -> tuple[str, str]:
    page = client.get(f"/admin/shows/{slug}/settings")
    assert page.status_code == 200, page.text
    etag = ETAG_INPUT.search(page.text)
    assert etag, "no ETag in the settings form"
    return csrf_from(page.text), html.unescape(etag.group(1))


def _settings() -> dict[str, object]:
    """A complete settings form for match-en, with its language version ticked."""
    return {
        "title": "MATCH podcast", "subtitle": "", "description": "About talent partnerships.", "author": "MATCH",
        "owner_name": "MATCH", "owner_email": "podcast@example.org", "language": "en", "timezone": "Europe/Brussels",
        "explicit": "no", "show_type": "episodic", "category": "Business › Careers", "translations": ["match-nl"],
    }  # fmt: skip


def test_admin_creates_a_show_with_every_directory_field(client: TestClient, world: StaffWorld) -> None:
    login(client, "admin")
    assert 'href="/admin/shows/new"' in client.get("/admin/").text
    created = _create(client)
    assert created.status_code == 303, created.text
    assert created.headers["location"].startswith("/admin/shows/match-podcast-deutsch/settings")
    with world.database.session() as session:
        show = session.query(Show).filter_by(slug="match-podcast-deutsch").one()
        assert (show.language, show.timezone, show.show_type.value) == ("de", "Europe/Berlin", "serial")
        assert (show.category, show.subcategory) == ("Business", "Careers")
        assert (show.funding_url, show.funding_text, show.license) == (
            "https://www.match-project.eu/support", "Support us", "CC BY 4.0")  # fmt: skip
        assert show.apple_podcasts_url and show.spotify_url and show.project and show.project.slug == "match"
        english = session.query(Show).filter_by(slug="match-en").one()
        assert show.translation_group and show.translation_group == english.translation_group
        assert [e.action for e in audit.entries(session, object_type="show", object_id=show.id)][-1] == "show.create"
    page = client.get(created.headers["location"])
    assert 'id="verdict"' in page.text and 'id="no-artwork"' in page.text
    assert "selected>Business › Careers" in page.text  # the two-level picker shows what was chosen


def test_editors_change_their_shows_settings_and_see_the_feed_check(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    csrf, etag = _settings_form(client, "match-en")
    data = {**_settings(), "csrf_token": csrf, "etag": etag, "license": "CC BY-SA 4.0",
            "owner_email": ""}  # fmt: skip
    saved = client.post("/admin/shows/match-en/settings", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert 'id="feed-check"' in page.text and 'data-verdict="errors"' in page.text
    assert 'href="#field-owner_email"' in page.text  # the missing owner e-mail, linked to its field
    with world.database.session() as session:
        assert session.query(Show).filter_by(slug="match-en").one().license == "CC BY-SA 4.0"
    # A stale ETag is refused, and what was typed is kept.
    again = client.post("/admin/shows/match-en/settings", data={**data, "license": "Mine"}, follow_redirects=False)
    assert again.status_code == 412
    assert 'value="Mine"' in again.text
    # Not the editor of the other show, nor an admin: no new show.
    assert client.get("/admin/shows/new").status_code == 403
    assert client.post("/admin/shows/match-nl/settings", data={"csrf_token": csrf}).status_code == 403


def test_viewers_read_the_settings_without_a_form(client: TestClient, world: StaffWorld) -> None:
    login(client, "viewer")
    page = client.get("/admin/shows/match-en/settings")
    assert page.status_code == 200
    assert 'id="read-only"' in page.text and 'id="show-form"' not in page.text
    assert client.get("/admin/shows/match-nl/settings").status_code == 403


def test_bad_input_is_refused_per_field_in_french_and_nothing_is_lost(client: TestClient, world: StaffWorld) -> None:
    login(client, "admin")
    client.get("/admin/?lang=fr")
    response = _create(client, slug="page", title="", owner_email="not an address", category="Business › Cooking",
                       website="ftp://x", description="Gardé tel quel")  # fmt: skip
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "Cette adresse est utilisée par le site lui-même" in text  # /shows/page/N lists the shows
    for field in ("slug", "title", "owner_email", "category", "website"):
        assert f'id="error-{field}"' in response.text, field
    assert "Choisissez une catégorie" in text
    assert "Gardé tel quel" in text and 'value="podcast@example.org"' not in text
    assert 'value="not an address"' in text


def test_artwork_is_checked_on_upload_and_previewed_at_directory_sizes(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    csrf, etag = _settings_form(client, "match-en")
    bad = client.post("/admin/shows/match-en/artwork", data={"csrf_token": csrf, "etag": etag},
                      files={"file": ("cover.jpg", artwork_bytes(800), "image/jpeg")})  # fmt: skip
    assert bad.status_code == 422, bad.text
    assert 'id="error-artwork"' in bad.text and "1400" in bad.text
    cover = {"file": ("cover.jpg", artwork_bytes(1400), "image/jpeg")}
    good = client.post("/admin/shows/match-en/artwork", data={"csrf_token": csrf, "etag": etag}, files=cover,
                       follow_redirects=False)  # fmt: skip
    assert good.status_code == 303, good.text
    page = client.get("/admin/shows/match-en/settings")
    assert 'width="55"' in page.text
    previews = re.findall(r'<img src="https?://[^/"]+(/artwork/[^"]+\?w=\d+)"', page.text)
    assert len(previews) == 3
    for src in previews:  # each size is one /artwork/ serves
        assert client.get(html.unescape(src)).status_code == 200, src
    with world.database.session() as session:
        show = session.query(Show).filter_by(slug="match-en").one()
        assert show.artwork_key and show.artwork_key.startswith("artwork/")
        assert "show.upload_artwork" in [e.action for e in audit.entries(session, object_type="show")]


def test_people_are_managed_in_the_browser(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    page = client.get("/admin/people/new")
    assert page.status_code == 200
    created = client.post("/admin/people/new", data={
        "csrf_token": csrf_from(page.text), "name": "Amina Diallo", "slug": "", "affiliation": "MATCH",
        "bio": "Researcher.", "image_url": "https://example.org/amina.jpg", "link": "https://example.org/",
        "roles": ["host", "guest"], "other_roles": "presenter", "link_kind": ["website", "other"],
        "link_url": ["https://amina.example.org/", ""], "link_label": ["Her site", ""],
    }, follow_redirects=False)  # fmt: skip
    assert created.status_code == 303, created.text
    assert created.headers["location"].startswith("/admin/people/amina-diallo")
    with world.database.session() as session:
        person = session.query(Person).filter_by(slug="amina-diallo").one()
        assert person.roles == ["host", "guest", "presenter"]
        assert person.links == [{"kind": "website", "url": "https://amina.example.org/", "label": "Her site"}]
    listing = client.get("/admin/people")
    assert "Amina Diallo" in listing.text
    form = client.get("/admin/people/amina-diallo")
    etag = html.unescape(ETAG_INPUT.search(form.text).group(1))  # type: ignore[union-attr]
    saved = client.post("/admin/people/amina-diallo", data={
        "csrf_token": csrf_from(form.text), "etag": etag, "name": PAYLOAD, "bio": PAYLOAD, "link_url": ["nope"],
        "link_kind": ["other"], "link_label": [""],
    })  # fmt: skip
    assert saved.status_code == 422 and 'id="error-links"' in saved.text
    saved = client.post("/admin/people/amina-diallo", data={
        "csrf_token": csrf_from(form.text), "etag": etag, "name": PAYLOAD, "bio": PAYLOAD,
    }, follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303, saved.text
    _assert_inert_html(client.get("/admin/people").text, "people list")
    _assert_inert_html(client.get("/admin/people/amina-diallo").text, "person page")


def test_projects_are_managed_and_list_their_shows_and_videos(client: TestClient, world: StaffWorld) -> None:
    login(client, "viewer")
    assert client.get("/admin/projects").status_code == 200
    assert 'id="record-form"' not in client.get("/admin/projects/match").text
    assert client.get("/admin/projects/new").status_code == 403
    client.cookies.clear()
    login(client, "editor")
    page = client.get("/admin/projects/match")
    assert 'id="members"' in page.text and "/admin/shows/match-en/settings" in page.text
    new = client.get("/admin/projects/new")
    created = client.post("/admin/projects/new", data={
        "csrf_token": csrf_from(new.text), "name": "Skills Bridge", "description": "A new project.",
        "website": "https://skills.example.org/", "contact_email": "hello@example.org",
        "link_kind": ["facebook"], "link_url": ["https://facebook.com/skills"], "link_label": [""],
    }, follow_redirects=False)  # fmt: skip
    assert created.status_code == 303, created.text
    with world.database.session() as session:
        project = session.query(Project).filter_by(slug="skills-bridge").one()
        assert project.links and project.links[0]["kind"] == "facebook"
        assert [e.action for e in audit.entries(session, object_type="project")][0] == "project.create"
