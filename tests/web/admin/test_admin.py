"""The staff workspace: sign-in (CSRF, session fixation, throttling, cookies), the episode pages and forms (errors
next to their field), uploads, publishing and scheduling in the show's time zone, the audit page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from media_catalogue.catalogue import access
from media_catalogue.web.auth import SESSION_COOKIE
from tests.staff_helpers import PASSWORD, StaffWorld, csrf_from, login

MP3 = Path(__file__).resolve().parents[2] / "media" / "files" / "cbr-id3v24.mp3"


def _new_episode(client: TestClient, **fields: str) -> int:
    page = client.get("/admin/shows/match-en/episodes/new")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.text), "title": "Skills for the future", "summary": "Draft", **fields}
    created = client.post("/admin/shows/match-en/episodes/new", data=data, follow_redirects=False)
    assert created.status_code == 303, created.text
    return int(re.search(r"/admin/episodes/(\d+)", created.headers["location"]).group(1))  # type: ignore[union-attr]


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/admin/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/admin/login?next=")


def test_sign_in_sets_a_safe_cookie_and_rotates_the_session(client: TestClient, world: StaffWorld) -> None:
    planted = "attacker-chosen-session-id"
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")
    response = login(client, "editor")
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" in cookie
    new_id = client.cookies.get(SESSION_COOKIE)
    assert new_id and new_id != planted
    assert client.get("/admin/").status_code == 200
    # Signing in again (e.g. as someone else) starts another session; the old id stops working.
    old = new_id
    login(client, "viewer")
    assert client.cookies.get(SESSION_COOKIE) != old
    with world.database.session() as session:
        assert access.resume_session(session, old) is None


def test_sign_in_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "editor", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    wrong = client.post(
        "/admin/login",
        data={"username": "editor", "password": PASSWORD, "csrf_token": "x" * 64},
        follow_redirects=False,
    )
    assert wrong.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_wrong_password_then_throttled(client: TestClient) -> None:
    for _ in range(access.MAX_FAILURES_PER_USER):
        response = login(client, "editor", "not the password")
        assert response.status_code == 401
        assert "username or password is wrong" in response.text
    blocked = login(client, "editor")
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.text


def test_forms_without_or_with_a_wrong_csrf_token_are_refused(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    data = {"title": "Forged", "summary": ""}
    assert client.post("/admin/shows/match-en/episodes/new", data=data).status_code == 403
    forged = client.post("/admin/shows/match-en/episodes/new", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 403
    # The JSON API with the cookie but without the header is refused as well.
    api = client.post("/api/staff/shows/match-en/episodes", json={"title": "Forged"})
    assert api.status_code == 403 and api.json()["error"]["code"] == "csrf_failed"
    assert "Forged" not in client.get("/admin/shows/match-en").text


def test_logout_ends_the_session(client: TestClient) -> None:
    login(client, "editor")
    page = client.get("/admin/")
    response = client.post("/admin/logout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_dashboard_lists_only_the_users_shows(client: TestClient) -> None:
    login(client, "other")
    page = client.get("/admin/").text
    assert "MATCH podcast (NL)" in page and "/admin/shows/match-en" not in page
    assert client.get("/admin/shows/match-en").status_code == 403
    assert client.get("/admin/shows/match-en/check").status_code == 403
    check = client.get("/admin/shows/match-nl/check")
    assert check.status_code == 200 and "Feed check" in check.text


def test_form_errors_are_shown_next_to_their_field(client: TestClient) -> None:
    login(client, "contributor")
    page = client.get("/admin/shows/match-en/episodes/new")
    data = {
        "csrf_token": csrf_from(page.text),
        "title": "",
        "chapter_start": ["soon"],
        "chapter_title": ["Intro"],
        "chapter_url": [""],
    }
    response = client.post("/admin/shows/match-en/episodes/new", data=data)
    assert response.status_code == 422
    assert 'id="error-chapters"' in response.text and "is not a time" in response.text
    data["chapter_start"] = ["0:00"]
    response = client.post("/admin/shows/match-en/episodes/new", data=data)
    assert response.status_code == 422
    assert 'id="error-title"' in response.text
    bad_link = {**data, "title": "Ok", "link_kind": ["other"], "link_url": ["javascript:alert(1)"], "link_label": [""]}
    response = client.post("/admin/shows/match-en/episodes/new", data=bad_link)
    assert response.status_code == 422 and 'id="error-links"' in response.text


def test_create_edit_upload_publish_in_the_workspace(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    episode_id = _new_episode(
        client,
        number="4",
        season="2",
        season_name="Skills mobility",
        person=["sammy-mahdi", ""],
        person_role=["guest", ""],
        chapter_start=["0:00", "1:30", ""],
        chapter_title=["Intro", "Talent", ""],
        chapter_url=["", "", ""],
        translations=["match-nl/wereldwijde-race"],
    )
    page = client.get(f"/admin/episodes/{episode_id}")
    assert page.status_code == 200
    assert "Upload the audio file first" in page.text
    assert 'value="1:30"' in page.text and "Skills mobility" in page.text
    token = csrf_from(page.text)
    refused = client.post(f"/admin/episodes/{episode_id}/publish", data={"csrf_token": token})
    assert refused.status_code == 422 and 'id="error-audio"' in refused.text
    uploaded = client.post(
        f"/admin/episodes/{episode_id}/audio",
        data={"csrf_token": token},
        files={"file": ("interview.mp3", MP3.read_bytes(), "audio/mpeg")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    page = client.get(f"/admin/episodes/{episode_id}")
    assert "Current file: audio/mpeg" in page.text
    etag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    saved = client.post(
        f"/admin/episodes/{episode_id}",
        data={"csrf_token": token, "etag": etag, "title": "Skills for the future, part 1", "summary": "Ready."},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    stale = client.post(f"/admin/episodes/{episode_id}", data={"csrf_token": token, "etag": etag, "title": "Late"})
    assert stale.status_code == 412 and "changed by someone else" in stale.text
    preview = client.get(f"/admin/episodes/{episode_id}/preview")
    assert "Skills for the future, part 1" in preview.text
    published = client.post(f"/admin/episodes/{episode_id}/publish", data={"csrf_token": token}, follow_redirects=False)
    assert published.status_code == 303
    slug = client.get("/api/staff/shows/match-en/episodes", headers=world.bearer("editor")).json()[0]["slug"]
    assert client.get(f"/api/shows/match-en/episodes/{slug}").status_code == 200
    audit_page = client.get("/admin/audit")
    assert audit_page.status_code == 403
    login(client, "admin")
    audit_page = client.get("/admin/audit")
    # Entries read as sentences, not internal names (issue 15, point 3).
    assert "editor published match-en/skills-for-the-future" in audit_page.text
    assert "editor uploaded the audio of match-en/skills-for-the-future" in audit_page.text
    assert "episode.publish" not in audit_page.text and "episode.upload_audio" not in audit_page.text


def test_scheduling_reads_the_show_time_zone(client: TestClient, world: StaffWorld) -> None:
    login(client, "editor")
    episode_id = _new_episode(client)
    token = csrf_from(client.get(f"/admin/episodes/{episode_id}").text)
    client.post(
        f"/admin/episodes/{episode_id}/audio",
        data={"csrf_token": token},
        files={"file": ("a.mp3", MP3.read_bytes(), "audio/mpeg")},
    )
    past = client.post(f"/admin/episodes/{episode_id}/schedule", data={"csrf_token": token, "at": "2020-07-01T09:00"})
    assert past.status_code == 422 and 'id="error-published_at"' in past.text
    response = client.post(
        f"/admin/episodes/{episode_id}/schedule",
        data={"csrf_token": token, "at": "2099-07-01T09:00"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    from media_catalogue.catalogue.models import Episode

    with world.database.session() as session:
        episode = session.get(Episode, episode_id)
        assert episode is not None and episode.status == "scheduled"
        # 09:00 in Brussels in July is 07:00 UTC (summer time).
        assert episode.published_at is not None and episode.published_at.hour == 7


def test_contributor_sees_no_publish_button_and_cannot_publish(client: TestClient) -> None:
    login(client, "contributor")
    episode_id = _new_episode(client)
    page = client.get(f"/admin/episodes/{episode_id}")
    assert 'id="publish-now"' not in page.text
    response = client.post(f"/admin/episodes/{episode_id}/publish", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 403


def test_tokens_page_shows_a_new_token_once(client: TestClient) -> None:
    login(client, "editor")
    page = client.get("/admin/tokens")
    created = client.post("/admin/tokens", data={"csrf_token": csrf_from(page.text), "name": "laptop"})
    value = re.search(r'<pre id="new-token">([^<]+)</pre>', created.text).group(1)  # type: ignore[union-attr]
    assert value.startswith("mct_")
    assert value not in client.get("/admin/tokens").text
    assert client.get("/api/staff/me", headers={"Authorization": f"Bearer {value}"}).status_code == 200
