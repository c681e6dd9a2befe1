"""/admin/digest (issue 18): the newsletter's media section for a period, previewed (the email HTML in a sandboxed
frame), copied (HTML, text, Markdown) or downloaded; and "mark as sent", which "since the last digest" starts from.

Reading is for every staff account (the digest shows only what is public); marking needs an editor of any show.
The digest's language is `language`, not `lang`: `?lang=` is the workspace's own interface language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...catalogue import queries
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import digests as digest_editing
from ...catalogue.queries.digest import DIGEST_LANGUAGES, build_digest, last_mark
from ...digest import EXTENSIONS, MEDIA_TYPES, render, render_all
from ...digest.periods import PRESETS, period
from ...errors import CatalogueError, Invalid
from ..auth import require
from ..deps import SessionDep, UrlsDep
from ..templating import N_
from .rendering import Viewer, form_errors, redirect
from .rendering import render as render_page

router = APIRouter()
Editor = Annotated[Identity, Depends(require(Role.editor, anywhere=True))]
PRESET_LABELS = {
    "last-month": N_("Last month"), "last-quarter": N_("Last quarter"), "last-half-year": N_("Last half-year"),
    "since-last": N_("Since the last digest"), "custom": N_("These dates"),
}  # fmt: skip
FORMAT_LABELS = {"html": N_("HTML for the email"), "text": N_("Plain text"), "markdown": N_("Markdown for the website")}
Day = Annotated[str, Query(alias="from", max_length=10)]


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"'{value}' is not a date (YYYY-MM-DD).", field=field) from None


def _choice(session: Any, preset: str, start: str, end: str) -> tuple[str, date, date]:
    today = datetime.now(UTC).date()
    if preset in PRESETS:
        mark = last_mark(session)
        first, last = period(preset, today, mark.period_end if mark else None)  # type: ignore[arg-type]
        return preset, first, last
    if start or end:
        return "custom", _day(start, "from"), _day(end or today.isoformat(), "to")
    return ("since-last", *period("since-last", today, mark.period_end)) if (mark := last_mark(session)) else (
        "last-half-year", *period("last-half-year", today))  # fmt: skip


@router.get("/digest", response_class=HTMLResponse)
def digest_page(
    request: Request,
    identity: Viewer,
    session: SessionDep,
    urls: UrlsDep,
    preset: Annotated[str, Query(max_length=20)] = "",
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    language: Annotated[str, Query(max_length=10)] = "en",
    project: Annotated[list[str] | None, Query(max_length=120)] = None,
) -> Response:
    chosen = [p for p in (project or []) if p][:50]
    context: dict[str, Any] = {
        "presets": PRESET_LABELS, "languages": DIGEST_LANGUAGES, "language": language, "chosen": chosen,
        "projects": queries.list_projects(session), "mark": last_mark(session), "preset": preset or "",
        "start": start, "end": end, "outputs": None, "errors": {}, "count": 0, "formats": FORMAT_LABELS,
        "can_mark": identity.user and _may_mark(identity),
    }  # fmt: skip
    try:
        context["preset"], first, last = _choice(session, preset, start, end)
        context["start"], context["end"] = first.isoformat(), last.isoformat()
        found = build_digest(session, first, last, language=language, projects=chosen)
    except CatalogueError as exc:
        context["errors"] = form_errors(exc, request)
        return render_page(request, "digest.html", context, status=exc.status)
    context["outputs"] = render_all(found, urls)
    context["count"] = len(found.parts)
    context["download_query"] = urlencode(
        [("from", first.isoformat()), ("to", last.isoformat()), ("language", language)]
        + [("project", p) for p in chosen]
    )
    return render_page(request, "digest.html", context)


def _may_mark(identity: Identity) -> bool:
    from ...catalogue import access

    return access.allowed(identity.user, Role.editor, anywhere=True)


@router.get("/digest/download")
def digest_download(
    identity: Viewer,
    session: SessionDep,
    urls: UrlsDep,
    start: Day,
    end: Annotated[str, Query(alias="to", max_length=10)],
    language: Annotated[str, Query(max_length=10)] = "en",
    project: Annotated[list[str] | None, Query(max_length=120)] = None,
    fmt: Annotated[str, Query(alias="format", pattern="^(html|text|markdown)$")] = "html",
) -> Response:
    first, last = _day(start, "from"), _day(end, "to")
    found = build_digest(session, first, last, language=language, projects=[p for p in project or [] if p])
    body = render(found, urls, fmt)  # type: ignore[arg-type]
    name = f"digest-{first}-{last}-{language}.{EXTENSIONS[fmt]}"
    return Response(body, media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.post("/digest/sent", openapi_extra={"x-required-role": "editor of any show"})
def digest_sent(
    identity: Editor,
    session: SessionDep,
    start: Annotated[str, Form(alias="from", max_length=10)],
    end: Annotated[str, Form(alias="to", max_length=10)],
    language: Annotated[str, Form(max_length=10)] = "en",
    project: Annotated[list[str] | None, Form(max_length=120)] = None,
) -> Response:
    first, last = _day(start, "from"), _day(end, "to")
    digest_editing.mark_sent(
        session, identity, first, last, language=language, projects=[p for p in project or [] if p]
    )
    session.commit()
    return redirect(f"/admin/digest?preset=since-last&language={language}", "Marked as sent.")
