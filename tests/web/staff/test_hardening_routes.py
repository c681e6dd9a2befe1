"""The hardening suite that stays (issue 14): every route of the application, enumerated from the router as the
access test does (so a route added later is covered without anyone remembering it), is sent an oversized body, NUL
and control characters in each parameter, a far-future and a malformed date, and a slow body; each answer is a 4xx
(never a 5xx), and nothing is stored. Sent with an admin token, so that the requests reach past the identity check.
Memory stays bounded: the bodies are generated as they are sent, and the server's RSS is measured in
test_request_memory.py."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select

from media_catalogue.catalogue.models import Base, CatalogueState
from media_catalogue.config import Settings
from media_catalogue.storage import create_storage
from tests.staff_helpers import StaffWorld
from tests.web.staff.test_staff_routes import _flat_routes

# A value for each path parameter that names something of the test catalogue, so the probes reach the route's work.
PATH_VALUES = {
    "show": "match-en",
    "episode": "first-steps",
    "episode_id": "1",
    "token_id": "999999",  # no such token: the probes must not revoke the admin's own
    "language": "en",
    "user_id": "1",
    "filename": "first-steps.mp3",
    "key": "artwork/none.jpg",
    "video": "rob-de-lobel-presenting-match",
    "person": "sammy-mahdi",
    "project": "match",
    "slug": "rob-de-lobel-presenting-match",
}
FAR_FUTURE = "9999-12-31T23:59:59-12:00"
MALFORMED = ["2026-13-45T25:61:00+01:00", "31/05/2024", "not a date"]
# Plausible values for the required fields of a body, so that a bad date is what a body is refused for.
PLAUSIBLE: dict[str, Any] = {"title": "Probe", "slug": "probe-slug", "kind": "testimony", "name": "Probe"}


def _routes(app) -> list[tuple[str, str, Any]]:  # type: ignore[no-untyped-def]
    found = []
    for path, methods, route in _flat_routes(app):
        if path is None or not methods:
            continue
        for method in sorted(set(methods) - {"HEAD"}):
            found.append((method, path, route))
    return found


def _fill(path: str, override: dict[str, str] | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return (override or {}).get(name, PATH_VALUES.get(name, "x"))

    return re.sub(r"{([^}]+)}", value, path)


def _query_names(route: Any) -> list[str]:
    if not isinstance(route, APIRoute):
        return []
    names: list[str] = []

    def walk(dependant: Any) -> None:
        names.extend(field.alias for field in dependant.query_params)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return sorted(set(names))


def _date_fields(route: Any) -> tuple[list[str], dict[str, Any]]:
    """The date and datetime fields of the route's JSON body model, and plausible values of its other required
    fields."""
    body = getattr(route, "body_field", None)
    model = getattr(getattr(body, "field_info", None), "annotation", None) or getattr(body, "type_", None)
    fields = getattr(model, "model_fields", None)
    if not fields:
        return [], {}
    dates = [name for name, info in fields.items() if info.annotation in (date, datetime, date | None, datetime | None)]
    required = {name: PLAUSIBLE.get(name, "probe") for name, info in fields.items() if info.is_required()}
    return dates, required


def _stored(world: StaffWorld, settings: Settings) -> dict[str, int]:
    """Rows in every table (but the sign-in throttle's own log and the scheduled work's marks) and files in storage and
    its temp folder."""
    counts: dict[str, int] = {}
    with world.database.session() as session:
        tables = set(inspect(session.get_bind()).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name in tables and table.name not in ("login_attempts", "alembic_version"):
                counts[table.name] = session.scalar(select(func.count()).select_from(table)) or 0
        # Background bookkeeping of the scheduled work (catalogue.leases: last run, run count) is not content.
        counts["catalogue_state"] -= session.scalar(select(func.count()).where(CatalogueState.key.like("job:%"))) or 0
    root = create_storage(settings)
    del root
    for folder in (settings.data_dir / "media", settings.temp_dir):
        counts[str(folder)] = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
    return counts


def _audit_actions(world: StaffWorld) -> list[str]:
    from media_catalogue.catalogue.accounts import AuditEntry

    with world.database.session() as session:
        return [f"{e.action} {e.object_type} {e.after}"[:300] for e in session.scalars(select(AuditEntry))]


def _generated(total: int, first: bytes = b"") -> Iterator[bytes]:
    yield first
    block = b"7" * 65536
    for _ in range(0, total, len(block)):
        yield block


@pytest.fixture
def small_limits(settings: Settings) -> Settings:
    settings.max_json_bytes = 4096
    settings.max_form_bytes = 4096
    settings.max_upload_bytes = 16384
    settings.import_max_feed_bytes = 16384
    return settings


def test_every_route_refuses_hostile_input_with_a_4xx_and_stores_nothing(
    small_limits: Settings, client: TestClient, app, world: StaffWorld
) -> None:  # type: ignore[no-untyped-def]
    admin = world.bearer("admin")
    before = _stored(world, small_limits)
    failures: list[str] = []

    def expect_4xx(label: str, method: str, url: str, **kwargs: Any) -> None:
        headers = {**admin, **kwargs.pop("headers", {})}
        answer = client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        if not 400 <= answer.status_code < 500:
            failures.append(f"{label}: {method} {url[:100]} -> {answer.status_code} {answer.text[:100]}")

    def never_5xx(label: str, method: str, url: str) -> None:
        answer = client.request(method, url, headers=admin, follow_redirects=False)
        if answer.status_code >= 500:
            failures.append(f"{label}: {method} {url[:100]} -> {answer.status_code} {answer.text[:100]}")

    routes = _routes(app)
    assert len(routes) > 90
    for method, path, route in routes:
        url = _fill(path)
        # An oversized body, chunked (no Content-Length), as JSON and as a multipart form.
        json_body = _generated(200_000, b'{"title": "')
        expect_4xx("oversized JSON", method, url, content=json_body, headers={"Content-Type": "application/json"})
        form = _generated(200_000, b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\n')
        multipart = {"Content-Type": "multipart/form-data; boundary=b"}
        expect_4xx("oversized multipart", method, url, content=form, headers=multipart)
        # NUL in each path and query parameter: refused at the door; other control characters: never a 5xx (and
        # a 4xx for every write, see the body checks below).
        for name in re.findall(r"{([^}:]+)", path):
            expect_4xx(f"NUL in {name}", method, _fill(path, {name: "a%00b"}))
            never_5xx(f"control character in {name}", method, _fill(path, {name: "a%01%1b%7fb"}))
        for name in _query_names(route):
            expect_4xx(f"NUL in ?{name}", method, f"{url}?{name}=a%00b")
            never_5xx(f"control character in ?{name}", method, f"{url}?{name}=a%01%1b%7f")
            if name in ("year", "published", "date", "at", "since", "until"):
                for bad in (FAR_FUTURE, *MALFORMED, "99999"):
                    expect_4xx(f"bad date in ?{name}", method, f"{url}?{name}={quote(bad)}")
        if method in ("POST", "PUT", "PATCH"):
            # Control characters in a JSON body and in a form body.
            expect_4xx("NUL in JSON", method, url, json={"title": "a\x00b", "name": "a\x00b", "slug": "a\x00b"})
            expect_4xx("control in form", method, url, data={"title": "a\x01b", "csrf_token": "a\x00b"})
            reads_a_form = path.startswith("/admin") and path != "/admin/logout"  # signing out reads nothing
            if reads_a_form or "upload" in str(getattr(route, "openapi_extra", None)):
                expect_4xx("not multipart", method, url, content=b'{"a": 1}', headers=multipart)
            # A far-future and a malformed date in each date field of the body.
            dates, required = _date_fields(route)
            for field in dates:
                for bad in (FAR_FUTURE, *MALFORMED):
                    expect_4xx(f"bad date in {field}", method, url, json={**required, field: bad})
    assert not failures, f"{len(failures)} answers were not 4xx:\n" + "\n".join(failures[:60])
    assert client.get("/api/staff/videos", headers=admin).status_code == 200  # the probes kept their identity
    after = _stored(world, small_limits)
    assert after == before, f"stored: {_audit_actions(world)}"


def test_every_route_answers_a_slow_body_with_408(
    small_limits: Settings, live_server: str, app, world: StaffWorld
) -> None:  # type: ignore[no-untyped-def]
    """One connection per route at once (with an admin token), each sending its headers and a hundredth of its
    body, then nothing: every one is answered 408 within the body timeout, none is held."""
    small_limits.body_timeout_seconds = 1
    address = urlsplit(live_server)
    sockets = []
    for method, path, route in _routes(app):
        sock = socket.create_connection((address.hostname, address.port), timeout=10)
        query = "?filename=probe.mp3" if "filename" in _query_names(route) else ""
        # the workspace's file forms (marked as uploads for web.limits) take multipart; everything else JSON
        form = path.startswith("/admin/") and "x-body-limit" in (getattr(route, "openapi_extra", None) or {})
        kind = "multipart/form-data; boundary=b" if form else "application/json"
        start = b'--b\r\nContent-Disposition: form-data; name="language"\r\n\r\nen' if form else b'{"title": "'
        sock.sendall(
            f"{method} {_fill(path)}{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
            f"Authorization: Bearer {world.tokens['admin']}\r\n"
            "Content-Length: 1000\r\n\r\n".encode()
            + start
        )
        sockets.append((method, path, sock))
    started = time.monotonic()
    failures = []
    for method, path, sock in sockets:
        sock.settimeout(10)
        try:
            head = sock.recv(200)
        except TimeoutError:
            head = b"(nothing)"
        sock.close()
        if not head.startswith(b"HTTP/1.1 408"):
            failures.append(f"{method} {path}: {head[:60]!r}")
    assert time.monotonic() - started < 15  # 1 s of timeout, and ~100 answers from a server sharing this process
    assert not failures, "routes that held a slow body or did not answer 408:\n" + "\n".join(failures)
