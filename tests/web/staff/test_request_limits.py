"""Bodies bounded before parsing and before identity, multipart never spooled past its limit or before the CSRF
check, temp files gone on every path, and slow headers or bodies cut off (issue 14, points 1, 2 and 10)."""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from tests.staff_helpers import PASSWORD, StaffWorld, csrf_from, login

MIB = 1024 * 1024


def _generated(total: int, first: bytes = b"", piece: int = 65536) -> Iterator[bytes]:
    """`total` bytes, made as they are sent (never held whole), without a Content-Length."""
    yield first
    sent = len(first)
    block = b"x" * piece
    while sent < total:
        yield block[: min(piece, total - sent)]
        sent += piece


def _temp_fds(settings: Settings) -> list[str]:
    """Open files of this process in the temp folders (the storage's and the system's), deleted ones included."""
    folders = (str(settings.temp_dir.resolve()), tempfile.gettempdir())
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folders) and not target.endswith((".sqlite3", "-journal", "-wal", "-shm")):
            found.append(target)
    return found


def _leftovers(settings: Settings) -> list[Path]:
    return list(settings.temp_dir.glob("*")) if settings.temp_dir.exists() else []


def test_an_anonymous_json_body_over_the_limit_is_refused_before_it_is_parsed(
    client: TestClient, settings: Settings
) -> None:
    client.cookies.clear()
    json = {"Content-Type": "application/json"}
    chunked = client.post("/api/staff/people", content=_generated(3 * MIB, b'{"name": "'), headers=json)
    assert chunked.status_code == 413, chunked.text  # not 401: the body never reached the identity check
    assert "1 MiB" in chunked.json()["error"]["message"]
    declared = client.post("/api/staff/people", content=b"[" * (2 * MIB), headers=json)
    assert declared.status_code == 413
    # Under the limit, the route answers as before.
    assert client.post("/api/staff/people", json={"name": "x"}).status_code == 401
    settings.max_json_bytes = 100
    assert client.post("/api/staff/people", content=b'{"name": "' + b"y" * 200 + b'"}', headers=json).status_code == 413


def test_a_multipart_body_to_sign_in_is_cut_off_at_the_form_limit(client: TestClient, settings: Settings) -> None:
    before = _temp_fds(settings)
    boundary = b"xyz"
    head = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'
    answer = client.post(
        "/admin/login",
        content=_generated(8 * MIB, head),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"},
    )
    assert answer.status_code == 413, answer.status_code
    assert _temp_fds(settings) == before and not _leftovers(settings)


def test_a_signed_in_upload_over_the_limit_leaves_no_temp_file_open_or_on_disk(
    client: TestClient, world: StaffWorld, settings: Settings
) -> None:
    draft = client.post("/api/staff/shows/match-en/episodes", json={"title": "Big"}, headers=world.bearer("editor"))
    episode_id = draft.json()["id"]
    login(client, "editor")
    token = csrf_from(client.get(f"/admin/episodes/{episode_id}").text)
    settings.max_upload_bytes = MIB
    before = _temp_fds(settings)
    answer = client.post(
        f"/admin/episodes/{episode_id}/audio",
        data={"csrf_token": token},
        files={"file": ("big.mp3", b"\xff\xfb" * (MIB + 10), "audio/mpeg")},
    )
    assert answer.status_code == 413
    assert _temp_fds(settings) == before, "a temp file is still open after the 413"
    assert not _leftovers(settings)


# -- against a real server (uvicorn on 127.0.0.1) ---------------------------------------------------------------


@pytest.fixture
def quick_timeouts(settings: Settings) -> Settings:
    settings.header_timeout_seconds = 1
    settings.body_timeout_seconds = 1
    return settings


def _connect(live_server: str) -> socket.socket:
    address = urlsplit(live_server)
    sock = socket.create_connection((address.hostname, address.port), timeout=10)
    return sock


def _answer(sock: socket.socket, within: float) -> bytes:
    """What the server sent before closing or within `within` seconds."""
    sock.settimeout(within)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received and b"connection: close" not in received.lower():
                break
    except TimeoutError:
        pass
    return received


def test_the_csrf_token_of_an_upload_form_is_checked_before_the_file_is_read(
    live_server: str, world: StaffWorld
) -> None:
    with httpx.Client(base_url=live_server) as http:
        draft = http.post("/api/staff/shows/match-en/episodes", json={"title": "x"}, headers=world.bearer("editor"))
        episode_id = draft.json()["id"]
        page = http.get("/admin/login")
        http.post(
            "/admin/login",
            data={"username": "editor", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
        )
        cookie = http.cookies["mc_session"]
    sock = _connect(live_server)
    first = (
        b'--b0\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nforged\r\n'
        b'--b0\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\n' + b"\xff" * 1000
    )
    sock.sendall(
        f"POST /admin/episodes/{episode_id}/audio HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: mc_session={cookie}\r\n"
        "Content-Type: multipart/form-data; boundary=b0\r\nContent-Length: 500000000\r\n\r\n".encode()
        + first
    )
    # The rest of the half-gigabyte file is never sent: the refusal must come without it.
    answer = _answer(sock, within=5)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]


def test_a_slow_body_is_answered_408_and_the_connection_closed(quick_timeouts: Settings, live_server: str) -> None:
    sock = _connect(live_server)
    started = time.monotonic()
    sock.sendall(
        b"POST /api/staff/people HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"name": '
    )
    answer = _answer(sock, within=10)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started < 5
    sock.settimeout(5)
    assert sock.recv(100) == b""  # closed
    sock.close()


def test_slow_headers_get_the_connection_closed(quick_timeouts: Settings, live_server: str) -> None:
    sock = _connect(live_server)
    started = time.monotonic()
    sock.sendall(b"GET /api/shows HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    sock.settimeout(10)
    try:
        while sock.recv(100):
            pass
    except (TimeoutError, ConnectionResetError):
        pass
    assert time.monotonic() - started < 5, "the connection was held open"
    sock.close()
