"""Rendering of workspace pages: its own Jinja2 environment (autoescaped) over templates/admin/, the identity and
CSRF token in every page, and the redirect to the sign-in page for anonymous visitors."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from ...catalogue import access
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...text import render_markdown
from ..auth import MaybeStaff
from ..templating import LANG_COOKIE, LANGUAGES, N_, load_translations, request_language, switch_urls
from . import messages, words

# The banner shows only these messages, translated when shown (a redirect names one, in English, in ?notice=): any
# other text in the address, someone else's link included, shows nothing.
NOTICES = frozenset(
    {
        N_("Saved."),
        N_("Video saved."),
        N_("Draft saved. Now upload the audio."),
        N_("Audio uploaded."),
        N_("Audio uploaded, with notes about the file: see its checks."),
        N_("Artwork uploaded."),
        N_("Transcript uploaded."),
        N_("Published: it is in the feed and on the public page now."),
        N_("Scheduled: it goes live by itself at the time shown on this page."),
        N_("Unpublished: it left the feed and the public page; its identifier stays reserved."),
        N_("Deleted. It can be restored for 30 days."),
        N_("Restored as unpublished."),
        N_("You are signed out."),
        N_("The token was revoked."),
        N_("Show created. Upload its artwork below."),
        N_("Settings saved. The feed check below is up to date."),
        N_("The import started."),
        N_("Marked as sent."),
    }
)


@lru_cache(maxsize=4)
def _translations(language: str) -> NullTranslations:
    return load_translations(language)


@lru_cache(maxsize=16)
def _environment(templates_dir: str, language: str = "en") -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translations = _translations(language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["markdown"] = render_markdown
    env.filters["local_time"] = local_time
    env.filters["megabytes"] = lambda n: f"{(n or 0) / 1048576:.1f} MB"
    env.globals.update(words.template_globals(translations.gettext, language))
    return env


def gettext_for(request: Request) -> Any:
    """The gettext of the request's interface language, for messages written in Python (notices, errors)."""
    return _translations(request_language(request)).gettext


def local_time(value: datetime | None, zone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return value.astimezone(tz).strftime(fmt) + f" ({zone})"


def _notice(request: Request, language: str) -> str:
    notice = request.query_params.get("notice", "")
    return _translations(language).gettext(notice) if notice in NOTICES else ""


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    settings = request.app.state.settings
    language = request_language(request)
    env = _environment(str(Path(settings.templates_dir)), language)
    identity: Identity | None = request.scope.get("mc_identity") or None
    page = env.get_template(f"admin/{template}").render(
        request=request,
        me=identity.user if identity else None,
        csrf_token=identity.login.csrf_token if identity and identity.login else "",
        is_admin=bool(identity and access.is_admin(identity.user)),
        Role=Role,
        allowed=(lambda role, show=None: bool(identity and access.allowed(identity.user, role, show))),
        notice=_translations(language).gettext(notice)
        if (notice := request.query_params.get("notice", "")) in NOTICES
        else "",
        ui_lang=language,
        switch_urls=switch_urls(request),
        **(context or {}),
    )
    response = HTMLResponse(page, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Language"] = language
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", path="/")
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


def form_errors(exc: Exception, request: Request | None = None) -> dict[str, str]:
    """Field -> plain-language message in the request's language, from a pydantic ValidationError or a
    CatalogueError."""
    from pydantic import ValidationError

    from ...errors import CatalogueError

    language = request_language(request) if request is not None else "en"
    gettext = _translations(language).gettext
    if isinstance(exc, ValidationError):
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ())]
            field = loc[0] if loc else "form"
            message = messages.validation(dict(error), gettext, language)
            if len(loc) > 1:
                row = str(int(loc[1]) + 1) if loc[1].isdigit() else loc[1]
                message = gettext("row %(row)s: %(message)s") % {"row": row, "message": message}
            errors.setdefault(field, message)
        return errors
    if isinstance(exc, CatalogueError):
        return {exc.field or "form": messages.refusal(exc, gettext, language)}
    raise exc
