"""Who is calling: the staff identity of a request, from the session cookie or an `Authorization: Bearer` token,
and the CSRF rule for cookie-authenticated writes.

Cookies are HttpOnly, SameSite=Lax and Secure when the site is served over HTTPS. A browser write (any method but
GET/HEAD/OPTIONS) carrying the session cookie must also carry the session's CSRF token, in the `csrf_token` form
field or the `X-CSRF-Token` header (on an upload form, a field before the file: the file is not read before the
check); bearer-token requests need none (browsers never add that header by themselves).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session

from ..catalogue import access
from ..catalogue.access import Identity
from ..catalogue.accounts import Role
from ..catalogue.models import Show
from ..config import Settings
from ..errors import Forbidden, NotFound, Unauthorized
from .deps import SessionDep, get_session
from .limits import UPLOAD_SCOPE_KEY
from .multipart import upload_form

SESSION_COOKIE = "mc_session"
PRELOGIN_COOKIE = "mc_prelogin"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Only for the OpenAPI document (the security scheme); the real parsing is in `identify`.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token made with `media-catalogue users token`.")


def secret_key(settings: Settings) -> bytes:
    """The configured secret, or one generated once into the data directory (mode 0600) and reused after."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker wrote it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def is_https(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.base_url.startswith("https://")


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=is_https(request))


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=is_https(request))


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


# -- identity ----------------------------------------------------------------------------------------------------


def identify(request: Request, session: Session) -> Identity | None:
    """The request's staff identity, or None. A bearer header that is present but not valid is an error, never a
    silent fall-back to the cookie."""
    cached = request.scope.get("mc_identity", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    identity: Identity | None = None
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        identity = access.token_identity(session, value.strip()) if scheme.lower() == "bearer" else None
        if identity is None:
            raise Unauthorized("The API token is not valid, expired or revoked.")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            login = access.resume_session(session, cookie)
            if login is not None:
                identity = Identity(user=login.user, via="session", login=login)
    request.scope["mc_identity"] = identity
    return identity


async def check_csrf(request: Request, identity: Identity) -> None:
    if request.method in SAFE_METHODS or identity.via != "session" or identity.login is None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        value: object = None
        if content_type.startswith("multipart/form-data") and UPLOAD_SCOPE_KEY in request.scope:
            # An upload form: the token is read from the fields before the file, and the file is not touched.
            value = (await upload_form(request).fields_before_file()).get(CSRF_FIELD)
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)  # at most max_form_bytes (web.limits)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), identity.login.csrf_token.encode()):
        raise Forbidden(
            "The form is out of date or did not come from this site: reload the page and try again.", code="csrf_failed"
        )


def _optional_identity(request: Request, session: SessionDep) -> Identity | None:
    return identify(request, session)


async def staff_identity(
    request: Request,
    identity: Annotated[Identity | None, Depends(_optional_identity)],
    _bearer: Annotated[Any, Depends(bearer_scheme)] = None,
) -> Identity:
    """A signed-in staff member (401 otherwise); cookie-authenticated writes must carry the CSRF token (403)."""
    if identity is None:
        raise Unauthorized("Sign in (or send an API token) first.")
    await check_csrf(request, identity)
    return identity


Staff = Annotated[Identity, Depends(staff_identity)]
MaybeStaff = Annotated[Identity | None, Depends(_optional_identity)]


def require(role: Role, *, show: bool = False, anywhere: bool = False) -> Callable[..., Any]:
    """Dependency: the staff identity, holding `role` on the path's {show} (show=True), on any show (anywhere=True)
    or catalogue-wide. Checked before the request body is looked at, so a refusal never depends on the body."""
    if show:

        def on_show(show: str, identity: Staff, session: SessionDep) -> Show:
            from ..catalogue.editing.records import get_show

            found = get_show(session, show)
            access.require(identity.user, role, found)
            return found

        on_show.required_role = role  # type: ignore[attr-defined]
        return on_show

    def catalogue_wide(identity: Staff) -> Identity:
        access.require(identity.user, role, anywhere=anywhere)
        return identity

    catalogue_wide.required_role = role  # type: ignore[attr-defined]
    return catalogue_wide


def login_csrf_token(settings: Settings, prelogin: str) -> str:
    return hmac.new(secret_key(settings), f"login:{prelogin}".encode(), hashlib.sha256).hexdigest()


def check_login_csrf(settings: Settings, prelogin: str | None, sent: str | None) -> None:
    if not prelogin or not sent or not hmac.compare_digest(login_csrf_token(settings, prelogin), sent):
        raise Forbidden("The sign-in form expired: reload the page and try again.", code="csrf_failed")


__all__ = ["Staff", "MaybeStaff", "require", "identify", "secret_key", "NotFound", "get_session"]
