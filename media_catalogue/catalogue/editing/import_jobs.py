"""Feed imports started from the workspace (admins only): a job holds the document that was previewed, so that
the import confirmed is exactly what was shown; confirming queues it once. The run itself (intake) writes the
job's progress; the import writes its own audit entry."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...errors import Conflict, NotFound
from .. import access, audit
from ..access import Identity
from ..accounts import Role
from ..models import ImportJob, utcnow
from ..queries import imports as reads

STATES = ("preview", "queued", "running", "done", "failed")


def create_job(
    session: Session,
    identity: Identity,
    show_slug: str,
    document: bytes,
    *,
    source_url: str | None,
    download: bool,
    owner_confirmed: bool,
) -> ImportJob:
    """A job in the preview state, holding the feed document as it was read."""
    access.require(identity.user, Role.admin)
    job = ImportJob(
        show_slug=show_slug, user_id=identity.user.id, username=identity.username, state="preview",
        source_url=source_url, document=document, download=download, owner_confirmed=owner_confirmed,
        files=[], warnings=[], summary="", error="",
    )  # fmt: skip
    session.add(job)
    session.flush()
    return job


def job_for(session: Session, identity: Identity, job_id: int) -> ImportJob:
    access.require(identity.user, Role.admin)
    job = reads.import_job(session, job_id)
    if job is None:
        raise NotFound(f"No import {job_id} exists.")
    return job


def confirm(session: Session, identity: Identity, job: ImportJob) -> None:
    """Queue a previewed import (once: a second confirmation is refused, so a double click imports once)."""
    access.require(identity.user, Role.admin)
    if job.state != "preview":
        raise Conflict("This import was already confirmed.", code="import_confirmed")
    job.state, job.updated_at = "queued", utcnow()
    audit.record(session, identity.actor("web"), "import.confirm", "import", job.id, job.show_slug,
                 after={"source": job.source_url or "uploaded file", "download": job.download,
                        "owner_confirmed": job.owner_confirmed})  # fmt: skip
