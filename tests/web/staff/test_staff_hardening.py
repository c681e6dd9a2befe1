"""Hostile and careless input to the staff API: a 4xx naming the field, never a 500, nothing stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.staff_helpers import StaffWorld

DRAFT = "/api/staff/shows/match-en/episodes"


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-13-01T10:00:00+01:00", "2030-01-01T10:00:00"],
)
def test_a_schedule_out_of_range_or_malformed_is_refused_with_its_field(
    client: TestClient, world: StaffWorld, moment: str
) -> None:
    created = client.post(DRAFT, json={"title": "Far future"}, headers=world.bearer("editor"))
    assert created.status_code == 201, created.text
    url = f"{DRAFT}/{created.json()['slug']}"
    answer = client.post(f"{url}/schedule", json={"published_at": moment}, headers=world.bearer("editor"))
    assert answer.status_code == 422, answer.text
    assert "published_at" in answer.text
    after = client.get(url, headers=world.bearer("editor")).json()
    assert after["status"] == "draft" and after["published_at"] is None


def test_a_video_without_a_link_can_be_edited(client: TestClient, world: StaffWorld) -> None:
    """Most seeded videos are not online yet: editing one must not demand a link (it answered 422 on `url`)."""
    created = client.post(
        "/api/staff/videos",
        json={"slug": "not-online-yet", "title": "Testimony", "kind": "testimony"},
        headers=world.bearer("editor"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["url"] is None
    edited = client.patch(
        "/api/staff/videos/not-online-yet",
        json={"title": "Testimony, first part"},
        headers={**world.bearer("editor"), "If-Match": created.json()["etag"]},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Testimony, first part" and edited.json()["url"] is None
    linked = client.patch(
        "/api/staff/videos/not-online-yet",
        json={"url": "https://youtu.be/dQw4w9WgXcQ"},
        headers={**world.bearer("editor"), "If-Match": edited.json()["etag"]},
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["provider"] == "youtube"


def _account_without_role(world: StaffWorld, name: str = "norole") -> dict[str, str]:
    from media_catalogue.catalogue import access
    from tests.staff_helpers import PASSWORD

    with world.database.session() as session:
        user = access.create_user(session, name, PASSWORD)
        token = access.create_token(session, user, "tests")[1]
    return {"Authorization": f"Bearer {token}"}


def test_draft_and_unpublished_videos_are_not_read_by_an_account_without_a_role(
    client: TestClient, world: StaffWorld
) -> None:
    for slug, status in (("secret-draft", "draft"), ("withdrawn-video", "unpublished")):
        created = client.post(
            "/api/staff/videos",
            json={"slug": slug, "title": f"Hidden {status}", "kind": "testimony", "status": status},
            headers=world.bearer("editor"),
        )
        assert created.status_code == 201, created.text
    norole = _account_without_role(world)
    listed = client.get("/api/staff/videos", headers=norole)
    assert listed.status_code == 200
    slugs = {video["slug"] for video in listed.json()}
    assert slugs and "secret-draft" not in slugs and "withdrawn-video" not in slugs
    assert all(video["status"] == "published" for video in listed.json())
    for slug in ("secret-draft", "withdrawn-video"):
        assert client.get(f"/api/staff/videos/{slug}", headers=norole).status_code == 403
        page = client.get(f"/admin/videos/{slug}", headers=norole)
        assert page.status_code == 403 and "Hidden" not in page.text
    workspace_list = client.get("/admin/videos", headers=norole)
    assert workspace_list.status_code == 200 and "Hidden" not in workspace_list.text
    # Those holding a role read them, as before (a viewer of another show included).
    for who in ("viewer", "nobody", "editor"):
        slugs = {video["slug"] for video in client.get("/api/staff/videos", headers=world.bearer(who)).json()}
        assert {"secret-draft", "withdrawn-video"} <= slugs
        assert client.get("/api/staff/videos/secret-draft", headers=world.bearer(who)).status_code == 200
        assert "Hidden draft" in client.get("/admin/videos", headers=world.bearer(who)).text


def test_a_video_without_a_link_can_be_created_and_edited_in_the_workspace(
    client: TestClient, world: StaffWorld
) -> None:
    import html
    import re

    from tests.staff_helpers import csrf_from, login

    login(client, "editor")
    form = {"title": "Not online yet", "slug": "not-online-yet", "kind": "testimony", "url": "", "status": "draft"}
    page = client.get("/admin/videos/new")
    created = client.post(
        "/admin/videos/new", data={**form, "csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert created.status_code == 303, created.text
    page = client.get("/admin/videos/not-online-yet")
    assert 'name="url"' in page.text and "required" not in re.search(r'<input[^>]*name="url"[^>]*>', page.text)[0]
    etag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page.text)[1])
    edited = client.post(
        "/admin/videos/not-online-yet",
        data={**form, "title": "Not online yet, part one", "etag": etag, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert edited.status_code == 303, edited.text
    after = client.get("/api/staff/videos/not-online-yet", headers=world.bearer("editor")).json()
    assert after["title"] == "Not online yet, part one" and after["url"] is None


def test_the_openapi_document_names_the_412_and_428_answers(client: TestClient, world: StaffWorld) -> None:
    document = client.get("/api/openapi.json").json()
    assert "Error" in document["components"]["schemas"]
    operation = document["paths"]["/api/staff/videos/{slug}"]["patch"]
    assert {"412", "428"} <= set(operation["responses"])
    with_if_match = [
        (path, method)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if any(p.get("name", "").lower() == "if-match" for p in op.get("parameters", []))
    ]
    assert len(with_if_match) >= 10
    assert all({"412", "428"} <= set(document["paths"][p][m]["responses"]) for p, m in with_if_match)
    # And the answers given are the documented ones.
    blind = client.patch(
        "/api/staff/videos/rob-de-lobel-presenting-match", json={"title": "x"}, headers=world.bearer("editor")
    )
    assert blind.status_code == 428 and set(blind.json()["error"]) >= {"code", "message"}
    stale = client.patch(
        "/api/staff/videos/rob-de-lobel-presenting-match",
        json={"title": "x"},
        headers={**world.bearer("editor"), "If-Match": '"stale"'},
    )
    assert stale.status_code == 412 and stale.json()["ok"] is False


def test_the_workspace_banner_shows_only_its_own_notices(client: TestClient, world: StaffWorld) -> None:
    forged = "Your account is locked: call +32 000 00 00 and give your password"
    page = client.get("/admin/videos", params={"notice": forged}, headers=world.bearer("editor"))
    assert page.status_code == 200 and "call +32" not in page.text and 'class="notice"' not in page.text
    page = client.get("/admin/videos", params={"notice": "Video saved."}, headers=world.bearer("editor"))
    assert '<p class="notice" role="status">Video saved.</p>' in page.text


@pytest.mark.parametrize("username", ["eda\x00", "eda\x00\x01\x1b[2J", "\x00", "editor\x00"])
def test_sign_in_with_control_characters_is_a_4xx_never_a_500(
    client: TestClient, world: StaffWorld, username: str
) -> None:
    from tests.staff_helpers import csrf_from

    client.cookies.clear()
    page = client.get("/admin/login")
    answer = client.post(
        "/admin/login",
        data={"username": username, "password": "wrong", "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert "mc_session" not in answer.cookies
