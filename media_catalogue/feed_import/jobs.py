"""Running a workspace import job (catalogue/editing/import_jobs.py queues it): the media files are downloaded
first, each in its own step whose progress is written to the job in short transactions of their own, then the
import runs in one transaction with those files (nothing else is downloaded for them). The progress lives in the
database, so any worker can answer the page that polls it, whichever worker runs the job; and no write transaction
is open while it is written (SQLite allows one writer at a time).

A job whose worker stopped (restart, crash) stays "running" with an old `updated_at`; `stalled` says so."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import timedelta
from typing import Any

from ..catalogue.audit import Actor
from ..catalogue.models import ImportJob, utcnow
from ..catalogue.queries import imports as reads
from ..config import Settings
from ..db import Database
from ..errors import CatalogueError
from ..storage import Storage
from .apply import ImportOptions, check, import_feed, needs_download
from .document import parse_document
from .fetch import fetch_file
from .files import Prefetched
from .parse import ParsedFeed, parse_feed

log = logging.getLogger(__name__)
WRITE_EVERY = 0.25  # seconds between two progress writes of one file


def parsed(job: ImportJob) -> ParsedFeed:
    return parse_feed(parse_document(job.document, base_url=job.source_url), feed_url=job.source_url)


def options_of(job: ImportJob) -> ImportOptions:
    return ImportOptions(
        actor=Actor(job.user_id, job.username, "web"), download=job.download,
        owner_confirmed=job.owner_confirmed, feed_url=job.source_url,
    )  # fmt: skip


def stalled(job: ImportJob, settings: Settings) -> bool:
    """Running, but nothing written for longer than one download may take: its worker is gone."""
    limit = timedelta(seconds=settings.import_timeout_seconds + 60)
    return job.state in ("queued", "running") and utcnow() - job.updated_at > limit


def progress_of(job: ImportJob, settings: Settings) -> dict[str, Any]:
    """What the progress page shows (the JSON its script polls)."""
    files = [dict(f) for f in job.files or []]
    for f in files:
        total = f.get("total")
        f["percent"] = 100 if f.get("state") == "done" else (int(100 * f["done"] / total) if total else 0)
    finished = job.state in ("done", "failed")
    overall = 100 if finished else (sum(f["percent"] for f in files) // len(files) if files else 0)
    return {"state": "stalled" if stalled(job, settings) else job.state, "percent": overall, "files": files,
            "summary": job.summary, "warnings": list(job.warnings or []), "error": job.error}  # fmt: skip


class _Recorder:
    """Writes the job's state and per-file progress, each write its own short transaction."""

    def __init__(self, database: Database, job_id: int) -> None:
        self.database, self.job_id = database, job_id
        self.files: list[dict[str, Any]] = []
        self.last = 0.0

    def write(self, **changes: Any) -> None:
        with self.database.session() as session:
            job = reads.import_job(session, self.job_id)
            if job is None:
                return
            for name, value in changes.items():
                setattr(job, name, value)
            job.files = [dict(f) for f in self.files]
            job.updated_at = utcnow()

    def file(self, index: int, *, force: bool = False, **changes: Any) -> None:
        self.files[index].update(changes)
        now = time.monotonic()
        if force or now - self.last >= WRITE_EVERY:
            self.last = now
            self.write()


def run_job(database: Database, storage: Storage, settings: Settings, job_id: int) -> None:
    """Run a queued job to its end (done or failed); never raises."""
    recorder = _Recorder(database, job_id)
    try:
        with database.session() as session:
            job = reads.import_job(session, job_id)
            if job is None or job.state != "queued":
                return
            job.state, job.updated_at = "running", utcnow()
            feed, options, slug = parsed(job), options_of(job), job.show_slug
        with database.session() as session:
            check(session, settings, slug, feed, options)
            show = reads.show_by_slug(session, slug)
            existing = {e.guid: e for e in reads.all_episodes(session, show)} if show else {}
            wanted = [i for i in feed.items if options.download and needs_download(existing.get(i.guid), i)]
        recorder.files = [{"url": i.enclosure.url, "title": i.title, "done": 0, "total": i.enclosure.length or None,
                           "state": "waiting"} for i in wanted]  # fmt: skip
        recorder.write()
        with contextlib.ExitStack() as stack:
            for index, item in enumerate(wanted):
                options.prefetched[item.enclosure.url] = _download(
                    stack, storage, settings, recorder, index, item.enclosure.url
                )
            with database.session() as session:
                report = import_feed(session, storage, settings, slug, feed, options)
        recorder.write(state="done", summary=report.summary(), warnings=report.warnings)
    except CatalogueError as exc:
        recorder.write(state="failed", error=exc.message)
    except Exception:  # a job must end, whatever happened; the log has the details
        log.exception("import job %s failed", job_id)
        recorder.write(state="failed", error="The import stopped on an unexpected error; nothing was imported.")


def _download(stack: contextlib.ExitStack, storage: Storage, settings: Settings, recorder: _Recorder, index: int,
              url: str) -> Prefetched:  # fmt: skip
    path = stack.enter_context(storage.temp_file())
    recorder.file(index, force=True, state="downloading")

    def report(done: int, total: int | None) -> None:
        recorder.file(index, done=done, total=total or recorder.files[index]["total"])

    try:
        fetched = fetch_file(url, path, settings, limit=settings.max_upload_bytes, progress=report)
    except CatalogueError as exc:
        recorder.file(index, force=True, state="failed", error=exc.message)
        return Prefetched(None, None, exc.message)
    recorder.file(index, force=True, state="done", done=fetched.size, total=fetched.size)
    return Prefetched(path, fetched)


def start(database: Database, storage: Storage, settings: Settings, job_id: int) -> threading.Thread:
    """Run the job in a thread of this worker (the page polls its progress from the database)."""
    thread = threading.Thread(target=run_job, args=(database, storage, settings, job_id),
                              name=f"import-job-{job_id}", daemon=True)  # fmt: skip
    thread.start()
    return thread
