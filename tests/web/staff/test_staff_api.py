"""The staff JSON API: drafts, ETags and If-Match, roles per show, uploads with Idempotency-Key, publishing,
scheduling, soft delete, tokens and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from tests.staff_helpers import StaffWorld

MP3 = Path(__file__).resolve().parents[2] / "media" / "files" / "cbr-id3v24.mp3"
EPISODES = "/api/staff/shows/match-en/episodes"


def _draft(client: TestClient, world: StaffWorld, who: str = "contributor", **fields: object) -> dict:
    body = {"title": "Talent partnerships", "summary": "A draft.", **fields}
    response = client.post(EPISODES, json=body, headers=world.bearer(who))
    assert response.status_code == 201, response.text
    return response.json()


def _upload(client: TestClient, world: StaffWorld, slug: str, who: str = "contributor", **headers: str):  # type: ignore[no-untyped-def]
    return client.put(
        f"{EPISODES}/{slug}/media",
        params={"filename": "interview.mp3"},
        content=MP3.read_bytes(),
        headers={**world.bearer(who), "Content-Type": "application/octet-stream", **headers},
    )


def test_drafts_are_hidden_from_the_public(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(client, world)
    assert draft["status"] == "draft" and draft["guid"] is None and not draft["live"]
    assert client.get(f"/api/shows/match-en/episodes/{draft['slug']}").status_code == 404
    listed = client.get(EPISODES, headers=world.bearer("viewer")).json()
    assert draft["slug"] in [e["slug"] for e in listed]


def test_updates_need_the_current_etag(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    got = client.get(url, headers=world.bearer("editor"))
    etag = got.headers["ETag"]
    assert etag == draft["etag"]
    blind = client.patch(url, json={"title": "Blind"}, headers=world.bearer("editor"))
    assert blind.status_code == 428
    first = client.patch(url, json={"title": "First"}, headers={**world.bearer("editor"), "If-Match": etag})
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] != etag
    stale = client.patch(url, json={"title": "Second"}, headers={**world.bearer("contributor"), "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    assert client.get(url, headers=world.bearer("editor")).json()["title"] == "First"


def test_all_metadata_round_trips(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(
        client,
        world,
        number=3,
        season=2,
        season_name="Skills mobility",
        episode_type="bonus",
        show_notes="Notes with **bold**.",
        people=[{"person": "sammy-mahdi", "role": "guest"}, {"person": "hans-maertens", "role": "host"}],
        links=[{"kind": "spotify", "url": "https://open.spotify.com/episode/x", "label": "Spotify"}],
        chapters=[{"startTime": 0, "title": "Intro"}, {"startTime": 60, "title": "Talent"}],
        translations=["match-nl/wereldwijde-race"],
    )
    assert draft["season_name"] == "Skills mobility"
    assert [p["role"] for p in draft["people"]] == ["guest", "host"]
    assert draft["links"][0]["kind"] == "spotify"
    assert [c["title"] for c in draft["chapters"]] == ["Intro", "Talent"]
    assert draft["translation_group"]
    bad = client.post(
        EPISODES, json={"title": "x", "people": [{"person": "nobody-here"}]}, headers=world.bearer("editor")
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "people"
    bad_link = client.post(
        EPISODES, json={"title": "x", "links": [{"url": "javascript:alert(1)"}]}, headers=world.bearer("editor")
    )
    assert bad_link.status_code == 422


def test_contributor_cannot_publish_and_editor_of_another_show_cannot_touch(
    client: TestClient, world: StaffWorld
) -> None:
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    assert client.post(f"{url}/publish", headers=world.bearer("contributor")).status_code == 403
    assert client.post(f"{url}/publish", headers=world.bearer("other")).status_code == 403
    assert client.get(url, headers=world.bearer("other")).status_code == 403
    assert client.patch(url, json={"title": "x"}, headers={**world.bearer("other"), "If-Match": "*"}).status_code == 403
    assert client.post(EPISODES, json={"title": "x"}, headers=world.bearer("other")).status_code == 403
    assert client.post(EPISODES, json={"title": "x"}, headers=world.bearer("viewer")).status_code == 403


def test_upload_publish_and_find_it_in_public(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    refused = client.post(f"{url}/publish", headers=world.bearer("editor"))
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "audio"
    uploaded = _upload(client, world, draft["slug"])
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["media"][0]["mime_type"] == "audio/mpeg"
    published = client.post(f"{url}/publish", headers=world.bearer("editor"))
    assert published.status_code == 200, published.text
    guid = published.json()["guid"]
    assert guid and published.json()["live"]
    public = client.get(f"/api/shows/match-en/episodes/{draft['slug']}")
    assert public.status_code == 200 and public.json()["guid"] == guid
    # The GUID and the address are frozen from now on.
    etag = published.headers["ETag"]
    renamed = client.patch(url, json={"slug": "new-name"}, headers={**world.bearer("editor"), "If-Match": etag})
    assert renamed.status_code == 422 and renamed.json()["error"]["field"] == "slug"
    # A contributor may no longer edit it.
    edit = client.patch(url, json={"title": "x"}, headers={**world.bearer("contributor"), "If-Match": etag})
    assert edit.status_code == 403
    unpublished = client.post(f"{url}/unpublish", headers=world.bearer("editor"))
    assert unpublished.json()["status"] == "unpublished" and unpublished.json()["guid"] == guid
    assert client.get(f"/api/shows/match-en/episodes/{draft['slug']}").status_code == 410


def test_retried_upload_creates_one_episode(client: TestClient, world: StaffWorld) -> None:
    def send():  # type: ignore[no-untyped-def]
        return client.post(
            "/api/staff/shows/match-en/uploads",
            params={"filename": "ep.mp3", "title": "From the recorder"},
            content=MP3.read_bytes(),
            headers={**world.bearer("contributor"), "Idempotency-Key": "upload-42"},
        )

    first, second = send(), send()
    assert first.status_code == 201, first.text
    assert second.status_code == 201 and second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    titles = [e["title"] for e in client.get(EPISODES, headers=world.bearer("viewer")).json()]
    assert titles.count("From the recorder") == 1


def test_upload_limits_and_hostile_names(client: TestClient, world: StaffWorld, settings) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}/media"
    for name in ("../../../etc/passwd.mp3", "..\\evil.mp3", "a/b.mp3", "x\x01.mp3"):
        response = client.put(url, params={"filename": name}, content=MP3.read_bytes(), headers=world.bearer("editor"))
        assert response.status_code == 422, (name, response.text)
        assert response.json()["error"]["code"] == "bad_filename"
    # A NUL anywhere in the address is refused before any route runs (PostgreSQL could not even compare it).
    nul = client.put(url, params={"filename": "x\x00.mp3"}, content=MP3.read_bytes(), headers=world.bearer("editor"))
    assert nul.status_code == 400 and nul.json()["error"]["code"] == "invalid_request"
    root = Path(settings.resolved_storage_url)
    stored = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    assert all(root in p.parents for p in stored)
    assert not (settings.data_dir.parent / "etc").exists()
    settings.max_upload_bytes = 1000
    too_big = client.put(url, params={"filename": "a.mp3"}, content=MP3.read_bytes(), headers=world.bearer("editor"))
    assert too_big.status_code == 413


def test_schedule_goes_live_by_the_clock(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    _upload(client, world, draft["slug"])
    past = client.post(
        f"{url}/schedule", json={"published_at": "2020-01-01T10:00:00+01:00"}, headers=world.bearer("editor")
    )
    assert past.status_code == 422
    soon = datetime.now(UTC) + timedelta(hours=1)
    scheduled = client.post(f"{url}/schedule", json={"published_at": soon.isoformat()}, headers=world.bearer("editor"))
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "scheduled" and scheduled.json()["guid"] and not scheduled.json()["live"]
    from media_catalogue.catalogue import queries
    from media_catalogue.catalogue.models import Episode

    with world.database.session() as session:
        episode = session.get(Episode, draft["id"])
        assert episode is not None
        assert not episode.is_live()
        assert episode.is_live(soon + timedelta(seconds=1))
        assert queries.next_scheduled_time(session) == soon.replace(microsecond=soon.microsecond)


def test_soft_delete_keeps_guid_and_restore(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    _upload(client, world, draft["slug"])
    guid = client.post(f"{url}/publish", headers=world.bearer("editor")).json()["guid"]
    etag = client.get(url, headers=world.bearer("editor")).headers["ETag"]
    assert client.delete(url, headers=world.bearer("editor")).status_code == 428
    assert client.delete(url, headers={**world.bearer("contributor"), "If-Match": etag}).status_code == 403
    deleted = client.delete(url, headers={**world.bearer("editor"), "If-Match": etag})
    assert deleted.status_code == 200 and deleted.json()["deleted_at"] and deleted.json()["guid"] == guid
    assert client.get(f"/api/shows/match-en/episodes/{draft['slug']}").status_code == 410
    assert draft["slug"] not in [e["slug"] for e in client.get(EPISODES, headers=world.bearer("editor")).json()]
    restored = client.post(f"{url}/restore", headers=world.bearer("editor"))
    assert restored.json()["deleted_at"] is None and restored.json()["guid"] == guid


def test_token_revocation_is_immediate(client: TestClient, world: StaffWorld) -> None:
    created = client.post("/api/staff/tokens", json={"name": "script"}, headers=world.bearer("editor"))
    assert created.status_code == 201
    token = created.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/staff/me", headers=headers).json()["username"] == "editor"
    assert token not in client.get("/api/staff/tokens", headers=headers).text
    # Someone else's token cannot be revoked (it is not even found); the owner's revocation works at once.
    assert client.delete(f"/api/staff/tokens/{created.json()['id']}", headers=world.bearer("other")).status_code == 404
    assert client.delete(f"/api/staff/tokens/{created.json()['id']}", headers=headers).status_code == 200
    refused = client.get("/api/staff/me", headers=headers)
    assert refused.status_code == 401
    assert client.get("/api/staff/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_audit_trail_records_before_and_after(client: TestClient, world: StaffWorld) -> None:
    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    client.patch(url, json={"title": "Renamed"}, headers={**world.bearer("editor"), "If-Match": draft["etag"]})
    assert client.get("/api/staff/audit", headers=world.bearer("editor")).status_code == 403
    entries = client.get("/api/staff/audit", params={"object_type": "episode"}, headers=world.bearer("admin")).json()
    update = next(e for e in entries if e["action"] == "episode.update")
    assert update["actor"] == "editor" and update["via"] == "api"
    assert update["before"]["title"] == "Talent partnerships" and update["after"]["title"] == "Renamed"
    assert "title" in update["changed"]
    assert any(e["action"] == "episode.create" and e["actor"] == "contributor" for e in entries)


def test_shows_videos_people_projects(client: TestClient, world: StaffWorld) -> None:
    show = {"slug": "equalcity", "title": "Equalcity", "language": "en", "timezone": "Europe/Brussels"}
    assert client.post("/api/staff/shows", json=show, headers=world.bearer("editor")).status_code == 403
    created = client.post("/api/staff/shows", json=show, headers=world.bearer("admin"))
    assert created.status_code == 201, created.text
    reserved = client.post("/api/staff/shows", json={**show, "slug": "page"}, headers=world.bearer("admin"))
    assert reserved.status_code == 422 and reserved.json()["error"]["field"] == "slug"
    assert "/shows/page/2 is a page of the show list" in reserved.json()["error"]["message"]
    assert client.get("/api/staff/shows/page", headers=world.bearer("admin")).status_code == 404
    bad_zone = client.patch(
        "/api/staff/shows/equalcity",
        json={"timezone": "Mars/Base"},
        headers={**world.bearer("admin"), "If-Match": created.headers["ETag"]},
    )
    assert bad_zone.status_code == 422 and bad_zone.json()["error"]["field"] == "timezone"
    person = client.post("/api/staff/people", json={"slug": "rob", "name": "Rob"}, headers=world.bearer("editor"))
    assert person.status_code == 201
    assert (
        client.post("/api/staff/people", json={"slug": "x", "name": "X"}, headers=world.bearer("viewer")).status_code
        == 403
    )
    patched = client.patch(
        "/api/staff/people/rob",
        json={"bio": "Project lead"},
        headers={**world.bearer("other"), "If-Match": person.headers["ETag"]},
    )
    assert patched.status_code == 200 and patched.json()["bio"] == "Project lead"
    video = client.post(
        "/api/staff/videos",
        json={"slug": "match-webinar", "title": "Webinar", "kind": "webinar", "url": "https://youtu.be/5qvz8YyPNdg"},
        headers=world.bearer("editor"),
    )
    assert video.status_code == 201, video.text
    assert video.json()["provider"] == "youtube"
    project = client.post(
        "/api/staff/projects", json={"slug": "equalcity", "name": "Equalcity"}, headers=world.bearer("editor")
    )
    assert project.status_code == 201
    etag = client.get("/api/staff/shows/equalcity", headers=world.bearer("admin")).headers["ETag"]
    gone = client.delete("/api/staff/shows/equalcity", headers={**world.bearer("admin"), "If-Match": etag})
    assert gone.status_code == 200


def test_deleted_episode_files_are_purged_after_the_retention_period(
    client: TestClient, world: StaffWorld, settings
) -> None:  # type: ignore[no-untyped-def]
    from media_catalogue.catalogue.editing import episodes as episode_editing
    from media_catalogue.catalogue.models import Episode
    from media_catalogue.storage import create_storage

    draft = _draft(client, world)
    url = f"{EPISODES}/{draft['slug']}"
    _upload(client, world, draft["slug"])
    guid = client.post(f"{url}/publish", headers=world.bearer("editor")).json()["guid"]
    etag = client.get(url, headers=world.bearer("editor")).headers["ETag"]
    client.delete(url, headers={**world.bearer("editor"), "If-Match": etag})
    storage = create_storage(settings)
    with world.database.session() as session:
        key = session.get(Episode, draft["id"]).primary_media.storage_key  # type: ignore[union-attr]
        assert episode_editing.purge_deleted(session, storage) == []  # still within the retention period
    assert storage.exists(key)
    later = datetime.now(UTC) + episode_editing.DELETED_RETENTION + timedelta(days=1)
    with world.database.session() as session:
        assert episode_editing.purge_deleted(session, storage, now=later) == [f"match-en/{draft['slug']}"]
    assert not storage.exists(key)
    with world.database.session() as session:
        episode = session.get(Episode, draft["id"])
        assert episode is not None and episode.guid == guid and not episode.media_files
        assert episode_editing.purge_deleted(session, storage, now=later) == []
