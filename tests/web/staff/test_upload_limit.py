"""One size limit, one message: an upload over max_upload_bytes is refused with the same sentence (the media
layer's too_large) by the staff API's streamed body and by the workspace's upload form, whether the declared length
gives it away before reading or the bytes only pass the limit while they arrive."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from media_catalogue.media.validate import too_large
from tests.staff_helpers import StaffWorld, csrf_from, login

MP3 = Path(__file__).resolve().parents[2] / "media" / "files" / "cbr-id3v24.mp3"
EPISODES = "/api/staff/shows/match-en/episodes"


def _chunks(data: bytes) -> Iterator[bytes]:
    """A body without Content-Length: the limit can only be noticed while it streams."""
    for start in range(0, len(data), 4096):
        yield data[start : start + 4096]


def test_too_large_is_one_sentence_from_the_api_and_the_workspace(
    client: TestClient, world: StaffWorld, settings: Settings
) -> None:
    data = MP3.read_bytes()
    draft = client.post(EPISODES, json={"title": "Too big"}, headers=world.bearer("editor")).json()
    media_url = f"{EPISODES}/{draft['slug']}/media"

    def api_message(body: bytes | Iterator[bytes]) -> str:
        response = client.put(media_url, params={"filename": "big.mp3"}, content=body, headers=world.bearer("editor"))
        assert response.status_code == 413, response.text
        return str(response.json()["error"]["message"])

    def workspace_page(body: bytes) -> str:
        page = client.get(f"/admin/episodes/{draft['id']}")
        response = client.post(
            f"/admin/episodes/{draft['id']}/audio",
            data={"csrf_token": csrf_from(page.text)},
            files={"file": ("big.mp3", body, "audio/mpeg")},
            follow_redirects=False,
        )
        assert response.status_code == 413, response.text[:300]
        return html.unescape(response.text)

    login(client, "editor")
    settings.max_upload_bytes = len(data) // 2
    expected = too_large(settings.max_upload_bytes).message
    assert api_message(data) == expected  # refused on its Content-Length, before reading
    assert api_message(_chunks(data)) == expected  # refused while streaming
    assert expected in workspace_page(data)  # within the form's allowance: refused while spooling
    padded = data + b"\0" * 100_000
    assert expected in workspace_page(padded)  # the form's Content-Length is over limit and allowance
