"""Video pages of the workspace: the list of every video, and the create and edit forms (provider link recognised,
people with roles, subtitle languages, status). Same services and rules as the staff API: editors of any show (and
admins) write, staff with a role read (drafts too); edits carry the ETag they were made against, and every change is
audited.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...catalogue import access, audit, providers, queries
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import records as record_editing
from ...catalogue.editing.common import slugify
from ...catalogue.models import Video
from ...catalogue.queries import workspace
from ...errors import CatalogueError
from ...urls import UrlPlan
from ..auth import require
from ..deps import SessionDep, UrlsDep
from ..templating import N_
from .rendering import Viewer, form_errors, gettext_for, redirect, render

router = APIRouter()

Editor = Annotated[Identity, Depends(require(Role.editor, anywhere=True))]

# Labels and messages are marked for the catalogues (N_) and translated when shown.
KINDS = [
    ("vlog", N_("Vlog")),
    ("video_podcast", N_("Video podcast")),
    ("testimony", N_("Testimony")),
    ("webinar", N_("Webinar")),
    ("short_video", N_("Short video")),
]
STATUSES = [
    ("published", N_("Published: on /videos, in search and in the video feed")),
    ("draft", N_("Draft: only staff see it")),
    ("unpublished", N_("Unpublished: its page answers “gone”")),
]
# Plain-language messages for fields whose validation messages are technical.
_PLAIN = {
    "slug": N_("Use lowercase letters, digits and dashes only (at most 120), for example match-webinar-2024."),
    "published_on": N_("Write the date as 2024-05-31, or leave it empty."),
    "language": N_("Write a language code such as en, fr, nl or rw, or leave it empty."),
    "subtitle_languages": N_("Write language codes separated by commas, such as en, fr, nl."),
    "kind": N_("Choose one of the types in the list."),
    "status": N_("Choose one of the statuses in the list."),
    "project": N_("Choose a project from the list."),
}
_SPLIT = re.compile(r"[\s,;]+")


def _can_edit(identity: Identity) -> bool:
    return access.allowed(identity.user, Role.editor, anywhere=True)


# -- forms -------------------------------------------------------------------------------------------------------


def video_form_data(form: Any) -> dict[str, Any]:
    """The form's fields as VideoFields input (empty people rows skipped, empty optional fields as None)."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    people = []
    for person, role in zip(form.getlist("person"), form.getlist("person_role"), strict=False):
        if isinstance(person, str) and person.strip():
            role = role.strip().lower() if isinstance(role, str) else ""
            people.append({"person": person.strip(), "role": role or "guest"})
    description = form.get("description", "")
    data: dict[str, Any] = {
        "title": text("title"),
        "slug": text("slug") or _slug_from(text("title")),
        "kind": text("kind") or "short_video",
        "url": text("url") or None,  # most videos are not online yet: no link is a valid answer
        "published_on": text("published_on") or None,
        "language": text("language") or None,
        "project": text("project") or None,
        "series": text("series") or None,
        "description": description if isinstance(description, str) else "",
        "subtitle_languages": [code for code in _SPLIT.split(text("subtitle_languages")) if code],
        "people": people,
        "status": text("status") or "draft",
    }
    return data


def _slug_from(title: str) -> str:
    """The address made from the title when none is typed ("" without a title: the title's error is shown)."""
    if not title:
        return ""
    made = slugify(title)
    return "video" if made == "episode" and "episode" not in title.lower() else made


def _check(data: dict[str, Any], request: Request) -> tuple[record_editing.VideoFields | None, dict[str, str]]:
    """The validated fields, or the errors of every field at once (the address too, with the providers named)."""
    errors: dict[str, str] = {}
    if data["url"]:
        try:
            providers.recognise(data["url"])
        except CatalogueError as exc:
            errors["url"] = exc.message  # names the providers and forms accepted (catalogue.providers)
    _ = gettext_for(request)
    if not data["title"]:
        errors["title"] = _("A title is needed.")
    fields = None
    try:
        fields = record_editing.VideoFields.model_validate(data)
    except ValidationError as exc:
        for field, message in form_errors(exc, request).items():
            if field == "title" and "title" in errors:
                continue
            if field == "people":
                message = _("Each person needs a role written in lowercase letters, such as speaker or host.")
            errors.setdefault(field, _(_PLAIN[field]) if field in _PLAIN else message)
    return (None if errors else fields), errors


def _form_context(session: Session, video: Video | None, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "video": video,
        "values": values,
        "people": queries.list_people(session),
        "projects": queries.list_projects(session),
        "kinds": KINDS,
        "kind_labels": dict(KINDS),
        "statuses": STATUSES,
        "supported": providers.SUPPORTED,
    }


def _values_of(video: Video) -> dict[str, Any]:
    values = record_editing.snapshot(video)
    values["subtitle_languages"] = ", ".join(video.subtitle_languages or [])
    values["published_on"] = video.published_on.isoformat() if video.published_on else ""
    return values


def _raw_values(form: Any) -> dict[str, Any]:
    """What the user typed, to show the form again with their input next to the errors."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["people"] = [
        {"person": p, "role": r} for p, r in zip(form.getlist("person"), form.getlist("person_role"), strict=False) if p
    ]
    return values


def _edit_page(
    request: Request,
    session: Session,
    identity: Identity,
    video: Video,
    urls: UrlPlan,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = _form_context(session, video, values) | {
        "errors": errors,
        "etag": record_editing.etag(video),
        "can_edit": _can_edit(identity),
        "history": audit.entries(session, object_type="video", object_id=video.id, limit=10),
        "changed_fields": audit.changed_fields,
        "public_url": urls.video(video.slug),
    }
    return render(request, "video_edit.html", context, status=status)


# -- pages -------------------------------------------------------------------------------------------------------


@router.get("/videos", response_class=HTMLResponse)
def video_list(request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
    videos = workspace.all_videos(session, identity.user)
    context = {"videos": videos, "urls": urls, "can_edit": _can_edit(identity), "kind_labels": dict(KINDS)}
    return render(request, "video_list.html", context)


@router.get("/videos/new", response_class=HTMLResponse)
def new_video(request: Request, identity: Viewer, session: SessionDep) -> Response:
    access.require(identity.user, Role.editor, anywhere=True)
    values = {"kind": "short_video", "status": "draft", "people": []}
    return render(request, "video_form.html", _form_context(session, None, values) | {"errors": {}})


@router.post("/videos/new", response_class=HTMLResponse)
async def create_video(request: Request, identity: Editor, session: SessionDep) -> Response:
    form = await request.form()

    def work() -> Response:
        fields, errors = _check(video_form_data(form), request)
        status = 422
        if fields is not None:
            try:
                video = record_editing.save_item(session, identity, "video", fields)
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                if exc.status == 403:
                    raise
                status, errors = exc.status, form_errors(exc, request)
            else:
                return redirect(f"/admin/videos/{video.slug}", "Video saved.")
        context = _form_context(session, None, _raw_values(form)) | {"errors": errors}
        return render(request, "video_form.html", context, status=status)

    return await run_in_threadpool(work)


@router.get("/videos/{slug}", response_class=HTMLResponse)
def edit_video(slug: str, request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
    video = workspace.video_for_editing(session, identity.user, slug)
    return _edit_page(request, session, identity, video, urls, _values_of(video), {})


@router.post("/videos/{slug}", response_class=HTMLResponse)
async def save_video(slug: str, request: Request, identity: Editor, session: SessionDep, urls: UrlsDep) -> Response:
    video = workspace.video_for_editing(session, identity.user, slug)
    form = await request.form()

    def work() -> Response:
        fields, errors = _check(video_form_data(form), request)
        status = 422
        if fields is not None:
            etag = form.get("etag")
            try:
                record_editing.save_item(
                    session,
                    identity,
                    "video",
                    fields,
                    item=video,
                    sent=set(record_editing.VideoFields.model_fields),
                    if_match=etag if isinstance(etag, str) else None,
                )
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                if exc.status == 403:
                    raise
                status = exc.status
                errors = form_errors(exc, request)
            else:
                return redirect(f"/admin/videos/{video.slug}", "Saved.")
        fresh = workspace.video_for_editing(session, identity.user, slug)
        return _edit_page(request, session, identity, fresh, urls, _raw_values(form), errors, status=status)

    return await run_in_threadpool(work)
