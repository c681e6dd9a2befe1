"""People and projects in the workspace: lists, new and edit forms. A person has a name, a biography, a photo, links
and the roles they usually have; a project a name, a description, links, and the shows and videos that belong to it
(chosen on each show's settings and each video's form). Editors of any show (and admins) write, every staff member
reads; edits carry the ETag they were made against, and every change is audited."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ...catalogue import access, audit, queries
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import records as record_editing
from ...catalogue.editing.common import slugify
from ...errors import CatalogueError
from ...urls import UrlPlan
from ..auth import require
from ..deps import SessionDep, UrlsDep
from ..templating import N_, ROLE_LABELS
from .rendering import Viewer, form_errors, gettext_for, redirect, render

router = APIRouter()

Editor = Annotated[Identity, Depends(require(Role.editor, anywhere=True))]
KINDS = {"people": "person", "projects": "project"}
FIELDS: dict[str, type[Any]] = {"person": record_editing.PersonFields, "project": record_editing.ProjectFields}
TEXT = {"person": ("name", "affiliation", "bio", "link", "image_url"),
        "project": ("name", "description", "website", "contact_email")}  # fmt: skip
_PLAIN = {
    "slug": N_("Use lowercase letters, digits and dashes only (at most 120), for example amina-diallo."),
    "link": N_("Write a web address starting with https://."),
    "image_url": N_("Write a web address starting with https://."),
    "website": N_("Write a web address starting with https://."),
    "contact_email": N_("Write an e-mail address such as podcast@example.org."),
    "links": N_("Every link needs a web address starting with https://."),
    "roles": N_("Write roles in lowercase letters, separated by commas, such as host, guest."),
}
_SPLIT = re.compile(r"\s*[,;]\s*")


def _can_edit(identity: Identity) -> bool:
    return access.allowed(identity.user, Role.editor, anywhere=True)


def form_data(kind: str, form: Any, *, creating: bool, current_slug: str = "") -> dict[str, Any]:
    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    data: dict[str, Any] = {name: text(name) for name in TEXT[kind]}
    for name in ("link", "image_url", "website", "contact_email"):
        if name in data:
            data[name] = data[name] or None
    links = zip(form.getlist("link_kind"), form.getlist("link_url"), form.getlist("link_label"), strict=False)
    data["links"] = [{"kind": k or "other", "url": u.strip(), "label": label.strip()} for k, u, label in links
                     if isinstance(u, str) and u.strip()]  # fmt: skip
    if kind == "person":
        chosen = [r for r in form.getlist("roles") if isinstance(r, str) and r]
        data["roles"] = chosen + [r.lower() for r in _SPLIT.split(text("other_roles")) if r]
    data["slug"] = (text("slug") or (slugify(data["name"]) if data["name"] else "")) if creating else current_slug
    return data


def _check(request: Request, kind: str, data: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    _ = gettext_for(request)
    try:
        return FIELDS[kind].model_validate(data), {}
    except ValidationError as exc:
        errors = {}
        for field, message in form_errors(exc, request).items():
            plain = _PLAIN.get(field)
            errors[field] = _(plain) if plain else message
        return None, errors


def _values_of(item: Any) -> dict[str, Any]:
    values = record_editing.snapshot(item)
    roles = values.get("roles") or []
    values["other_roles"] = ", ".join(r for r in roles if r not in ROLE_LABELS)
    return values


def _raw(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["roles"] = [r for r in form.getlist("roles") if isinstance(r, str)]
    links = zip(form.getlist("link_kind"), form.getlist("link_url"), form.getlist("link_label"), strict=False)
    values["links"] = [{"kind": k, "url": u, "label": label} for k, u, label in links if u]
    return values


def _page(
    request: Request, session: Session, identity: Identity, kind: str, item: Any, values: dict[str, Any],
    errors: dict[str, str], urls: UrlPlan, status: int = 200,
) -> Response:  # fmt: skip
    context = {"kind": kind, "section": "people" if kind == "person" else "projects", "item": item,
               "values": values, "errors": errors, "can_edit": _can_edit(identity), "role_choices": list(ROLE_LABELS),
               "urls": urls}  # fmt: skip
    if item is not None:
        context |= {"etag": record_editing.etag(item),
                    "history": audit.entries(session, object_type=kind, object_id=item.id, limit=10)}  # fmt: skip
    return render(request, "record_form.html", context, status=status)


# -- pages -------------------------------------------------------------------------------------------------------


def _routes(section: str, kind: str) -> None:
    def item_list(request: Request, identity: Viewer, session: SessionDep) -> Response:
        items = queries.list_people(session) if kind == "person" else queries.list_projects(session)
        return render(request, "record_list.html", {"kind": kind, "section": section, "items": items,
                                                    "can_edit": _can_edit(identity)})  # fmt: skip

    def new_item(request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
        access.require(identity.user, Role.editor, anywhere=True)
        return _page(request, session, identity, kind, None, {"roles": [], "links": []}, {}, urls)

    async def create_item(request: Request, identity: Editor, session: SessionDep, urls: UrlsDep) -> Response:
        form = await request.form()

        def work() -> Response:
            _ = gettext_for(request)
            fields, errors = _check(request, kind, form_data(kind, form, creating=True))
            status = 422
            if fields is not None:
                try:
                    item = record_editing.save_item(session, identity, kind, fields)
                    session.commit()
                except CatalogueError as exc:
                    session.rollback()
                    if exc.status == 403:
                        raise
                    status, errors = exc.status, form_errors(exc, request)
                else:
                    return redirect(f"/admin/{section}/{item.slug}", "Saved.")
            return _page(request, session, identity, kind, None, _raw(form), errors, urls, status)

        return await run_in_threadpool(work)

    def edit_item(slug: str, request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
        item = record_editing.get_item(session, kind, slug)
        return _page(request, session, identity, kind, item, _values_of(item), {}, urls)

    async def save_item(slug: str, request: Request, identity: Editor, session: SessionDep, urls: UrlsDep) -> Response:
        item = record_editing.get_item(session, kind, slug)
        form = await request.form()

        def work() -> Response:
            _ = gettext_for(request)
            fields, errors = _check(request, kind, form_data(kind, form, creating=False, current_slug=item.slug))
            status = 422
            if fields is not None:
                etag = form.get("etag")
                try:
                    sent = set(FIELDS[kind].model_fields)
                    if_match = etag if isinstance(etag, str) else None
                    record_editing.save_item(session, identity, kind, fields, item=item, sent=sent, if_match=if_match)
                    session.commit()
                except CatalogueError as exc:
                    session.rollback()
                    if exc.status == 403:
                        raise
                    status, errors = exc.status, form_errors(exc, request)
                else:
                    return redirect(f"/admin/{section}/{item.slug}", "Saved.")
            fresh = record_editing.get_item(session, kind, slug)
            return _page(request, session, identity, kind, fresh, _raw(form), errors, urls, status)

        return await run_in_threadpool(work)

    router.get(f"/{section}", response_class=HTMLResponse, name=f"{kind}_list")(item_list)
    router.get(f"/{section}/new", response_class=HTMLResponse, name=f"new_{kind}")(new_item)
    router.post(f"/{section}/new", response_class=HTMLResponse, name=f"create_{kind}")(create_item)
    router.get(f"/{section}/{{slug}}", response_class=HTMLResponse, name=f"edit_{kind}")(edit_item)
    router.post(f"/{section}/{{slug}}", response_class=HTMLResponse, name=f"save_{kind}")(save_item)


for _section, _kind in KINDS.items():
    _routes(_section, _kind)
