"""Feed import in the workspace (admins only): paste a feed's address or upload its XML file, read the preview of
what will be imported with every warning, confirm, and watch a progress bar per media file.

The previewed document is kept with the job (catalogue/editing/import_jobs.py), so the import confirmed is exactly
what was shown. The job runs in a thread of the worker that took the confirmation (feed_import/jobs.py) and writes
its progress to the database, so the page's polling can be answered by any worker."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...catalogue import access
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import import_jobs
from ...catalogue.editing.common import SLUG_PATTERN
from ...catalogue.queries import imports as import_reads
from ...errors import CatalogueError, Invalid
from ...feed_import import jobs
from ...feed_import.apply import check
from ...feed_import.document import parse_document
from ...feed_import.fetch import read_source
from ...feed_import.parse import parse_feed
from ...storage import Storage
from ..auth import require
from ..deps import DatabaseDep, SessionDep, SettingsDep, StorageDep
from ..limits import FEED
from ..multipart import upload_form
from .rendering import Viewer, gettext_for, redirect, render

router = APIRouter()
Admin = Annotated[Identity, Depends(require(Role.admin))]
ADMIN_ONLY = {"x-required-role": "admin"}


def _form_page(request: Request, session: SessionDep, values: dict[str, str], error: str = "",
               status: int = 200) -> Response:  # fmt: skip
    recent = import_reads.recent_import_jobs(session)
    return render(request, "imports.html", {"values": values, "error": error, "recent": recent}, status=status)


@router.get("/imports", response_class=HTMLResponse)
def import_form(request: Request, identity: Viewer, session: SessionDep) -> Response:
    access.require(identity.user, Role.admin)
    show = request.query_params.get("show", "")[:120]
    return _form_page(request, session, {"show": show, "url": "", "download": "on"})


FIELDS = ("show", "url", "download", "owner_confirmed")


async def _read_form(request: Request, storage: Storage, limit: int) -> tuple[dict[str, str], bytes | None]:
    """The form's fields and, when one was chosen, the feed file's bytes (bounded by `limit` while they arrive)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        return {name: str(form.get(name) or "").strip() for name in FIELDS}, None
    reader = upload_form(request)
    await reader.fields_before_file()
    data = None
    if reader.file_field is not None:  # the fields after the file come with it
        with storage.temp_file() as path:
            await reader.spool_file(path, limit)
            data = path.read_bytes() if reader.filename else None
    fields = {name: value for name, value in reader.fields if isinstance(value, str)}
    return {name: fields.get(name, "").strip() for name in FIELDS}, data


@router.post("/imports", response_class=HTMLResponse, openapi_extra={**ADMIN_ONLY, **FEED})  # a feed file (web.limits)
async def preview_import(
    request: Request, identity: Admin, session: SessionDep, settings: SettingsDep, storage: StorageDep
) -> Response:
    """Read the feed (address or file), refuse what cannot be imported, and keep it as a job to preview."""
    _ = gettext_for(request)
    values = dict.fromkeys(FIELDS, "")
    try:
        values, uploaded = await _read_form(request, storage, settings.import_max_feed_bytes)
        if not re.match(SLUG_PATTERN, values["show"]) or len(values["show"]) > 120:
            raise Invalid(_("Write the show's address with small letters, digits and dashes, such as my-podcast."))
        if values["url"]:
            if not values["url"].startswith(("http://", "https://")):
                raise Invalid(_("The feed's address must start with http:// or https://."))
            data, feed_url = await run_in_threadpool(read_source, values["url"], settings)
        elif uploaded is not None:
            data, feed_url = uploaded, None
        else:
            raise Invalid(_("Paste the feed's address or choose its XML file."))
        parse_feed(parse_document(data, base_url=feed_url), feed_url=feed_url)  # refusals before anything is kept
        job = import_jobs.create_job(
            session, identity, values["show"], data, source_url=feed_url, download=values["download"] == "on",
            owner_confirmed=values["owner_confirmed"] == "on",
        )  # fmt: skip
        session.commit()
    except CatalogueError as exc:
        session.rollback()
        return _form_page(request, session, values, exc.message, status=exc.status)
    return redirect(f"/admin/imports/{job.id}")


@router.get("/imports/{job_id}", response_class=HTMLResponse)
def import_page(
    job_id: int, request: Request, identity: Viewer, session: SessionDep, settings: SettingsDep
) -> Response:
    """The preview (before confirmation) or the progress of the import."""
    job = import_jobs.job_for(session, identity, job_id)
    feed = jobs.parsed(job)
    refusal = ""
    if job.state == "preview":
        try:
            check(session, settings, job.show_slug, feed, jobs.options_of(job))
        except CatalogueError as exc:
            refusal = exc.message
        session.rollback()
    context = {"job": job, "feed": feed, "refusal": refusal, "progress": jobs.progress_of(job, settings)}
    return render(request, "import_job.html", context)


@router.post("/imports/{job_id}/start", openapi_extra=ADMIN_ONLY)
def start_import(
    job_id: int, request: Request, identity: Admin, session: SessionDep, settings: SettingsDep,
    storage: StorageDep, database: DatabaseDep,
) -> Response:  # fmt: skip
    _ = gettext_for(request)
    job = import_jobs.job_for(session, identity, job_id)
    import_jobs.confirm(session, identity, job)
    session.commit()
    jobs.start(database, storage, settings, job.id)
    return redirect(f"/admin/imports/{job.id}", "The import started.")


@router.get("/imports/{job_id}/progress")
def import_progress(job_id: int, identity: Viewer, session: SessionDep, settings: SettingsDep) -> Response:
    """The job's state and progress per file (polled by the progress page's script)."""
    job = import_jobs.job_for(session, identity, job_id)
    return JSONResponse(jobs.progress_of(job, settings), headers={"Cache-Control": "no-store"})
