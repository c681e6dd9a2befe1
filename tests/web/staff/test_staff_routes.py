"""Every route of the application that can change state refuses anonymous callers (401) and callers whose role
does not allow it (403). The routes are enumerated from the app itself, so a route added later is covered (and
fails here if it was left open) without anyone remembering to add a test."""

from __future__ import annotations

import re

import fastapi.routing
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from tests.staff_helpers import StaffWorld

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that must work without credentials, and why.
OPEN = {("POST", "/admin/login"): "signing in is how credentials are obtained"}
# Routes any signed-in staff account may use on its own behalf (so no role can be refused them).
SELF_SERVICE = {
    ("POST", "/api/staff/tokens"): "create a token for yourself",
    ("DELETE", "/api/staff/tokens/{token_id}"): "revoke one of your own tokens (others' are not found)",
    ("POST", "/admin/logout"): "sign out",
    ("POST", "/admin/tokens"): "create a token for yourself",
    ("POST", "/admin/tokens/{token_id}/revoke"): "revoke one of your own tokens (others' are not found)",
}
PATH_VALUES = {
    "show": "match-en",
    "episode": "first-steps",
    "episode_id": "1",
    "token_id": "1",
    "language": "en",
    "user_id": "1",
    "job_id": "1",
}
SLUGS = {"videos": "rob-de-lobel-presenting-match", "people": "sammy-mahdi", "projects": "match"}


def _fill(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        if name == "slug":
            kind = next(k for k in SLUGS if f"/{k}/" in path)
            return SLUGS[kind]
        return PATH_VALUES[name]

    return re.sub(r"{([^}]+)}", value, path)


def _flat_routes(app) -> list[tuple[str | None, set[str] | None, object]]:  # type: ignore[no-untyped-def]
    """(full path, methods, original route) of every route, through included routers at any depth."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    if iterate is None:  # FastAPI versions that flatten included routers into app.routes
        return [(getattr(r, "path", None), getattr(r, "methods", None), r) for r in app.routes]
    return [(ctx.path, ctx.methods, ctx.original_route) for ctx in iterate(app.routes)]


def state_changing_routes(app) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    found = []
    for path, methods, route in _flat_routes(app):
        if path is None or not isinstance(route, Route):
            continue
        required = None
        if isinstance(route, APIRoute) and route.openapi_extra:
            required = route.openapi_extra.get("x-required-role")
        for method in sorted((methods or set()) & UNSAFE):
            found.append((method, path, required))
    return found


def _send(client: TestClient, method: str, path: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.request(method, _fill(path), json={}, headers=headers)


def test_there_are_state_changing_routes_to_check(app) -> None:  # type: ignore[no-untyped-def]
    routes = state_changing_routes(app)
    assert len(routes) >= 20
    assert ("POST", "/api/staff/shows/{show}/episodes/{episode}/publish", "editor of the show") in routes


def test_every_state_changing_route_needs_credentials(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    failures = []
    for method, path, _ in state_changing_routes(app):
        if (method, path) in OPEN:
            continue
        response = _send(client, method, path, {})
        if response.status_code != 401:
            failures.append(f"{method} {path}: {response.status_code}")
    assert not failures, "routes open to anonymous callers:\n" + "\n".join(failures)


def test_every_state_changing_route_refuses_a_role_without_rights(client: TestClient, app, world: StaffWorld) -> None:  # type: ignore[no-untyped-def]
    # "nobody" is a viewer of another show: staff, but allowed to change nothing here.
    failures = []
    for method, path, _ in state_changing_routes(app):
        if (method, path) in OPEN or (method, path) in SELF_SERVICE:
            continue
        response = _send(client, method, path, world.bearer("nobody"))
        if response.status_code != 403:
            failures.append(f"{method} {path}: {response.status_code} {response.text[:120]}")
    assert not failures, "routes that let a viewer of another show change things:\n" + "\n".join(failures)


@pytest.mark.parametrize(("needed", "who"), [("editor", "contributor"), ("editor", "viewer"), ("admin", "editor")])
def test_routes_declaring_a_role_refuse_the_role_below(
    client: TestClient, app, world: StaffWorld, needed: str, who: str
) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    failures = []
    for method, path, required in state_changing_routes(app):
        if not required or not required.startswith(needed):
            continue
        checked += 1
        response = _send(client, method, path, world.bearer(who))
        if response.status_code != 403:
            failures.append(f"{method} {path}: {response.status_code} {response.text[:120]}")
    assert checked
    assert not failures, f"routes needing {needed} that let a {who} through:\n" + "\n".join(failures)


def test_self_service_routes_exist(app) -> None:  # type: ignore[no-untyped-def]
    routes = {(m, p) for m, p, _ in state_changing_routes(app)}
    assert set(OPEN) <= routes | set(OPEN)
    unknown = [r for r in SELF_SERVICE if r not in routes and not r[1].startswith("/admin")]
    assert not unknown
