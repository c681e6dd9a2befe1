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
