"""Signing in and out, and the staff member's own API tokens.

Signing in always starts a brand-new server-side session (the id a browser carried before is discarded), so an id
planted in a victim's browser before sign-in never becomes authenticated (session fixation)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from ...catalogue import access, audit
from ...catalogue.access import Throttled
from ...errors import CatalogueError
from ..auth import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    Staff,
    check_login_csrf,
    clear_cookie,
    client_address,
    login_csrf_token,
    set_cookie,
)
from ..deps import DatabaseDep, SessionDep, SettingsDep
from .rendering import Viewer, redirect, render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only paths inside the workspace: never an absolute URL or //host (open redirect)."""
    if target and target.startswith("/admin") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin/"


def _login_page(request: Request, settings, *, error: str = "", username: str = "", status: int = 200) -> Response:  # type: ignore[no-untyped-def]
    prelogin = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {
            "login_csrf": login_csrf_token(settings, prelogin),
            "error": error,
            "username": username,
            "next": _safe_next(request.query_params.get("next")),
        },
        status=status,
    )
    set_cookie(request, response, PRELOGIN_COOKIE, prelogin, max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: SettingsDep) -> Response:
    return _login_page(request, settings)


@router.post("/login")
def login(
    request: Request,
    settings: SettingsDep,
    database: DatabaseDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/admin/",  # noqa: A002
) -> Response:
    check_login_csrf(settings, request.cookies.get(PRELOGIN_COOKIE), csrf_token)
    # Its own transaction: a failed attempt must be recorded (throttling) even though the sign-in fails.
    try:
        with database.session() as session:
            try:
                user = access.authenticate(session, username, password, address=client_address(request))
            except Throttled:
                raise
            except CatalogueError as exc:
                session.commit()
                raise exc
            session_id = access.start_session(
                session, user, user_agent=request.headers.get("user-agent", ""),
                replaces=request.cookies.get(SESSION_COOKIE),
            )  # fmt: skip
            audit.record(session, audit.Actor(user.id, user.username, "web"), "user.login", "user", user.id,
                         user.username)  # fmt: skip
    except CatalogueError as exc:
        return _login_page(request, settings, error=exc.message, username=username[:80], status=exc.status)
    response = redirect(_safe_next(next))
    set_cookie(request, response, SESSION_COOKIE, session_id)
    clear_cookie(request, response, PRELOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, identity: Staff, session: SessionDep) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        access.end_session(session, cookie)
    session.commit()
    response = redirect("/admin/login", "You are signed out.")
    clear_cookie(request, response, SESSION_COOKIE)
    return response


@router.get("/tokens", response_class=HTMLResponse)
def tokens(request: Request, identity: Viewer, session: SessionDep) -> Response:
    return render(request, "tokens.html", {"tokens": access.list_tokens(session, identity.user), "created": None})


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, identity: Staff, session: SessionDep, name: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    token, value = access.create_token(session, identity.user, name)
    audit.record(session, identity.actor(), "token.create", "user", identity.user.id, identity.username,
                 after={"token": token.id, "name": token.name})  # fmt: skip
    session.commit()
    listing = access.list_tokens(session, identity.user)
    return render(request, "tokens.html", {"tokens": listing, "created": value})


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: int, identity: Staff, session: SessionDep) -> Response:
    token = access.revoke_token(session, identity.user, token_id)
    audit.record(session, identity.actor(), "token.revoke", "user", token.user_id, token.user.username,
                 after={"token": token.id})  # fmt: skip
    session.commit()
    return redirect("/admin/tokens", "The token was revoked.")
