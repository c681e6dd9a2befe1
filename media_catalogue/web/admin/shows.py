"""Show pages of the workspace: a new show (admins) and a show's settings (admins and the show's editors; everyone
else with a role on it reads them): every field a podcast directory asks for, the artwork checked on upload and shown
at directory sizes, the language versions, and the feed checker's verdict after saving."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import ingest
from ...catalogue import access, audit, queries
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import records as record_editing
from ...catalogue.editing import show_settings
from ...catalogue.models import Show
from ...config import Settings
from ...errors import CatalogueError
from ...storage import Storage
from ...urls import UrlPlan
from ..auth import Staff, require
from ..deps import SessionDep, SettingsDep, StorageDep
from ..limits import UPLOAD
from ..metadata import artwork_url
from ..staff.uploads import spooled_form_file
from . import show_forms
from .rendering import Viewer, form_errors, gettext_for, redirect, render

router = APIRouter()

Admin = Annotated[Identity, Depends(require(Role.admin))]
ShowEditor = Annotated[Show, Depends(require(Role.editor, show=True))]
# The square as apps show it (show page, lists, small thumbnails), each from the nearest thumbnail /artwork/ serves.
DIRECTORY_SIZES = ((300, 400), (160, 192), (55, 96))


def _context(
    request: Request, session: Session, show: Show | None, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    identity: Identity = request.scope["mc_identity"]
    others = [(s, access.allowed(identity.user, Role.editor, s)) for s in queries.list_shows(session)
              if show is None or s.id != show.id]  # fmt: skip
    return {"show": show, "values": values, "errors": errors, "projects": queries.list_projects(session),
            "categories": show_forms.category_choices(), "time_zones": show_forms.time_zones(),
            "other_shows": others}  # fmt: skip


def _findings(session: Session, settings: Settings, storage: Storage, show: Show) -> list[Any]:
    from ...feeds import checker

    return checker.check_catalogue(session, settings, show=show.slug, storage=storage)


def _settings_page(
    request: Request, session: Session, settings: Settings, storage: Storage, identity: Identity, show: Show,
    values: dict[str, Any], errors: dict[str, str], status: int = 200,
) -> Response:  # fmt: skip
    urls = UrlPlan(settings)
    findings = _findings(session, settings, storage, show)
    context = _context(request, session, show, values, errors) | {
        "etag": record_editing.etag(show),
        "can_edit": access.allowed(identity.user, Role.editor, show),
        "findings": findings,
        "errors_found": sum(1 for f in findings if f.severity.value == "error"),
        "artwork": [(size, artwork_url(urls, show.artwork_key, width)) for size, width in DIRECTORY_SIZES]
        if show.artwork_key
        else [],
        "history": audit.entries(session, object_type="show", object_id=show.id, limit=10),
        "versions": [s.slug for s in queries.show_translations(session, show)],
    }
    return render(request, "show_settings.html", context, status=status)


def _chosen_shows(session: Session, identity: Identity, form: Any, show: Show | None) -> list[Show]:
    """The language versions ticked; a show the caller may not edit keeps whatever link it has (its box is
    disabled, so a browser never sends it)."""
    ticked = {v for v in form.getlist("translations") if isinstance(v, str)}
    current = {s.slug for s in queries.show_translations(session, show)} if show is not None else set()
    chosen = []
    for other in queries.list_shows(session):
        if show is not None and other.id == show.id:
            continue
        editable = access.allowed(identity.user, Role.editor, other)
        if (other.slug in ticked) if editable else (other.slug in current):
            chosen.append(other)
    return chosen


def _raw(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["explicit"] = values.get("explicit") == "yes"
    values["complete"] = values.get("complete") == "yes"
    values["translations"] = [v for v in form.getlist("translations") if isinstance(v, str)]
    return values


def _redirect(url: str, notice: str, fragment: str) -> Response:
    """The redirect with its notice, to a place on the page (the fragment goes after the query)."""
    response = redirect(url, notice)
    response.headers["location"] += f"#{fragment}"
    return response


# -- pages -------------------------------------------------------------------------------------------------------


@router.get("/shows/new", response_class=HTMLResponse)
def new_show(request: Request, identity: Viewer, session: SessionDep) -> Response:
    access.require(identity.user, Role.admin)
    values = {"language": "en", "timezone": "Europe/Brussels", "show_type": "episodic", "explicit": False}
    return render(request, "show_new.html", _context(request, session, None, values, {}))


@router.post("/shows/new", response_class=HTMLResponse)
async def create_show(request: Request, identity: Admin, session: SessionDep, settings: SettingsDep) -> Response:
    form = await request.form()

    def work() -> Response:
        fields, errors = show_forms.check(request, show_forms.show_form_data(form, creating=True), None)
        status = 422
        if fields is not None:
            try:
                show = record_editing.create_show(session, identity, settings, fields)
                versions = _chosen_shows(session, identity, form, None)
                show_settings.link_language_versions(session, identity, show, versions)
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                if exc.status == 403:
                    raise
                status, errors = exc.status, form_errors(exc, request)
            else:
                _ = gettext_for(request)
                notice = "Show created. Upload its artwork below."
                return redirect(f"/admin/shows/{show.slug}/settings", notice)
        return render(request, "show_new.html", _context(request, session, None, _raw(form), errors), status=status)

    return await run_in_threadpool(work)


@router.get("/shows/{show}/settings", response_class=HTMLResponse)
def settings_page(
    show: str, request: Request, identity: Viewer, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> Response:
    found = record_editing.get_show(session, show)
    access.require(identity.user, Role.viewer, found)
    values = show_forms.values_of(found) | {"translations": [s.slug for s in queries.show_translations(session, found)]}
    return _settings_page(request, session, settings, storage, identity, found, values, {})


@router.post("/shows/{show}/settings", response_class=HTMLResponse)
async def save_settings(
    request: Request, found: ShowEditor, identity: Staff, session: SessionDep, settings: SettingsDep,
    storage: StorageDep,
) -> Response:  # fmt: skip
    form = await request.form()

    def work() -> Response:
        fields, errors = show_forms.check(request, show_forms.show_form_data(form, creating=False), found)
        status = 422
        if fields is not None:
            etag = form.get("etag")
            try:
                record_editing.update_show(session, identity, found, fields, set(show_forms.SETTINGS),
                                           etag if isinstance(etag, str) else None)  # fmt: skip
                versions = _chosen_shows(session, identity, form, found)
                show_settings.link_language_versions(session, identity, found, versions)
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                if exc.status == 403:
                    raise
                status, errors = exc.status, form_errors(exc, request)
            else:
                _ = gettext_for(request)
                notice = "Settings saved. The feed check below is up to date."
                return _redirect(f"/admin/shows/{found.slug}/settings", notice, "feed-check")
        fresh = record_editing.get_show(session, found.slug)
        return _settings_page(request, session, settings, storage, identity, fresh, _raw(form), errors, status)

    return await run_in_threadpool(work)


@router.post("/shows/{show}/artwork", response_class=HTMLResponse, openapi_extra=UPLOAD)  # an image file (web.limits)
async def upload_artwork(
    request: Request, found: ShowEditor, identity: Staff, session: SessionDep, settings: SettingsDep,
    storage: StorageDep,
) -> Response:  # fmt: skip
    def page_with(error: CatalogueError) -> Response:
        values = show_forms.values_of(found) | {
            "translations": [s.slug for s in queries.show_translations(session, found)]
        }
        return _settings_page(request, session, settings, storage, identity, found, values,
                              {"artwork": form_errors(error, request).popitem()[1]}, error.status)  # fmt: skip

    def work(path: Any, filename: str, etag: Any) -> Response:
        try:
            key = ingest.store_artwork(storage, settings, path, filename=filename)
            show_settings.set_artwork(session, identity, found, key, etag if isinstance(etag, str) else None)
            session.commit()
        except CatalogueError as exc:
            session.rollback()
            if exc.status == 403:
                raise
            return page_with(exc)
        _ = gettext_for(request)
        return _redirect(f"/admin/shows/{found.slug}/settings", "Artwork uploaded.", "field-artwork")

    try:
        async with spooled_form_file(request, storage, settings.max_upload_bytes) as upload:
            return await run_in_threadpool(work, upload.path, upload.filename, upload.form.get("etag"))
    except CatalogueError as exc:  # no file chosen, or too large
        return await run_in_threadpool(page_with, exc)
