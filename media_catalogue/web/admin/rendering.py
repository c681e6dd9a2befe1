"""Rendering of workspace pages: its own Jinja2 environment (autoescaped) over templates/admin/, the identity and
CSRF token in every page, and the redirect to the sign-in page for anonymous visitors."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from ...catalogue import access
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...text import render_markdown
from ..auth import MaybeStaff

# The banner shows only these messages (a redirect names one in ?notice=): any other text in the address, someone
# else's link included, shows nothing.
NOTICES = frozenset(
    {
        "Saved.",
        "Video saved.",
        "Draft saved. Now upload the audio.",
        "Audio uploaded.",
        "Audio uploaded, with notes about the file: see its checks.",
        "Artwork uploaded.",
        "Transcript uploaded.",
        "Published: it is in the feed and on the public page now.",
        "Scheduled: it goes live by itself at the time shown on this page.",
        "Unpublished: it left the feed and the public page; its GUID stays reserved.",
        "Deleted. It can be restored for 30 days.",
        "Restored as unpublished.",
        "You are signed out.",
        "The token was revoked.",
    }
)


@lru_cache(maxsize=4)
def _environment(templates_dir: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["local_time"] = local_time
    env.filters["megabytes"] = lambda n: f"{(n or 0) / 1048576:.1f} MB"
    return env


def local_time(value: datetime | None, zone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return value.astimezone(tz).strftime(fmt) + f" ({zone})"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    settings = request.app.state.settings
    env = _environment(str(Path(settings.templates_dir)))
    identity: Identity | None = request.scope.get("mc_identity") or None
    page = env.get_template(f"admin/{template}").render(
        request=request,
        me=identity.user if identity else None,
        csrf_token=identity.login.csrf_token if identity and identity.login else "",
        is_admin=bool(identity and access.is_admin(identity.user)),
        Role=Role,
        allowed=(lambda role, show=None: bool(identity and access.allowed(identity.user, role, show))),
        notice=notice if (notice := request.query_params.get("notice", "")) in NOTICES else "",
        **(context or {}),
    )
    response = HTMLResponse(page, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def redirect(url: str, notice: str = "") -> RedirectResponse:
    if notice:
        if notice not in NOTICES:
            raise ValueError(f"{notice!r} is not one of the workspace's notices (rendering.NOTICES)")
        url += ("&" if "?" in url else "?") + "notice=" + quote(notice)
    return RedirectResponse(url, status_code=303)


def page_identity(request: Request, identity: MaybeStaff) -> Identity:
    """The signed-in staff member of a page view; anonymous visitors are sent to the sign-in page."""
    if identity is None:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
        raise HTTPException(303, "Sign in first.", headers={"Location": f"/admin/login?next={target}"})
    return identity


Viewer = Annotated[Identity, Depends(page_identity)]


def form_errors(exc: Exception) -> dict[str, str]:
    """Field -> plain-language message, from a pydantic ValidationError or a CatalogueError."""
    from pydantic import ValidationError

    from ...errors import CatalogueError

    if isinstance(exc, ValidationError):
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ())]
            field = loc[0] if loc else "form"
            message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
            if len(loc) > 1:
                message = f"row {int(loc[1]) + 1 if loc[1].isdigit() else loc[1]}: {message}"
            errors.setdefault(field, message)
        return errors
    if isinstance(exc, CatalogueError):
        return {exc.field or "form": exc.message}
    raise exc
