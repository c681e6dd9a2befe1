"""Workspace overviews: the dashboard of the shows a staff member may touch, a show's episode list, the feed
checker's report for a show, and the audit trail (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...catalogue import access, audit
from ...catalogue.accounts import Role
from ...catalogue.editing import episodes as episode_editing
from ...catalogue.editing.records import get_show
from ...catalogue.queries import workspace
from ...errors import Forbidden
from ..deps import SessionDep, SettingsDep, StorageDep, UrlsDep
from .rendering import Viewer, render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
    shows = access.visible_shows(session, identity.user)
    counts = workspace.episode_counts_by_status(session, shows)
    return render(request, "dashboard.html", {"shows": shows, "counts": counts, "urls": urls})


@router.get("/shows/{show}", response_class=HTMLResponse)
def show_page(
    show: str,
    request: Request,
    identity: Viewer,
    session: SessionDep,
    urls: UrlsDep,
    deleted: Annotated[bool, Query()] = False,
) -> Response:
    found = get_show(session, show)
    episodes = episode_editing.list_episodes(session, identity, found, include_deleted=deleted)
    return render(request, "show.html", {"show": found, "episodes": episodes, "urls": urls, "deleted": deleted})


@router.get("/shows/{show}/check", response_class=HTMLResponse)
def feed_check(
    show: str, request: Request, identity: Viewer, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> Response:
    """The feed checker's report, each finding linked to the field to fix."""
    found = get_show(session, show)
    access.require(identity.user, Role.viewer, found)
    try:
        from ...feeds import checker
    except ImportError:  # pragma: no cover - the checker ships with the feeds
        findings = []
    else:
        findings = checker.check_catalogue(session, settings, show=found.slug, storage=storage)
    ids = workspace.episode_ids_by_slug(session, found)
    return render(request, "check.html", {"show": found, "findings": findings, "episode_ids": ids})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    identity: Viewer,
    session: SessionDep,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    object_type: Annotated[str | None, Query(max_length=30)] = None,
    object_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    if not access.is_admin(identity.user):
        raise Forbidden("The audit trail is for admins.")
    per_page = 50
    rows = audit.entries(session, actor=actor or None, object_type=object_type or None, object_id=object_id,
                         limit=per_page + 1, offset=(page - 1) * per_page)  # fmt: skip
    entries = [(entry, audit.changed_fields(entry.before, entry.after)) for entry in rows[:per_page]]
    return render(request, "audit.html", {"entries": entries, "page": page, "more": len(rows) > per_page,
                                          "actor": actor or "", "object_type": object_type or ""})  # fmt: skip
