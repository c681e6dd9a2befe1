"""One export run: render every public URL through the app in this process, write what changed, remove what
disappeared, and write the manifest last.

Incremental by content: the manifest (.export-manifest.json, in the output) records each file's SHA-256, size,
Content-Type and Cache-Control; a file is written only when one of them differs from the previous run's record, or
the file is missing. A run that changes nothing writes nothing, the manifest included. Killed at any point
(kill -9), the output holds whole files only (old or new), and the next run finishes the job: what a killed run
wrote but the manifest does not know is compared again, what nobody needs any more (a temp file, a removed
episode's pages) is deleted because it is not in the new run's set.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import Invalid, StorageError
from ..web.inprocess import in_process_client
from ..web.language_paths import split_language
from ..web.templating import LANGUAGES
from .crawl import NOT_FOUND_PAGE, START, absolute_pattern, exportable, file_name, links, safe_name
from .targets import MANIFEST, TEMP_PREFIX, Target, open_target

log = logging.getLogger(__name__)
MANIFEST_FORMAT = 1
CONCURRENCY = 4
_FOLLOWED = ("html", "xml", "json", "text/plain", "opml")
_MISSING_PAGE = "/404.html"  # unknown to the app: the 404 page, whose language links lead to /fr/404.html...


@dataclass
class Report:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, int]] = field(default_factory=list)  # (path, status): a link that answered no 200

    @property
    def files(self) -> int:
        return self.written + self.unchanged

    def summary(self) -> str:
        return f"{self.files} files: {self.written} written, {self.unchanged} unchanged, {self.removed} removed" + (
            f", {len(self.skipped)} links skipped" if self.skipped else ""
        )


def manifest_bytes(files: dict[str, dict[str, Any]]) -> bytes:
    """Deterministic (sorted, no timestamp), so an unchanged export leaves the manifest unchanged too."""
    document = {"format": MANIFEST_FORMAT, "files": dict(sorted(files.items()))}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def read_manifest(target: Target, existing: set[str]) -> dict[str, dict[str, Any]]:
    """The previous run's records. A destination with files but no manifest is not ours: refused, not overwritten."""
    raw = target.read(MANIFEST)
    if raw is None:
        strangers = sorted(n for n in existing if not n.rsplit("/", 1)[-1].startswith(TEMP_PREFIX))
        if strangers:
            raise Invalid(
                f"{target.describe()} holds files ({strangers[0]}...) but no {MANIFEST}, so it is not an export: "
                "choose an empty folder or prefix, or the one a previous export wrote.",
                code="bad_destination",
            )
        # Claim the destination first, so a run killed before its end can be resumed on the same destination.
        target.write(MANIFEST, manifest_bytes({}), content_type="application/json", cache_control="no-store")
        return {}
    try:
        document = json.loads(raw)
        files = document["files"]
        if document.get("format") != MANIFEST_FORMAT or not isinstance(files, dict):
            raise ValueError("unknown format")
    except (ValueError, KeyError, TypeError) as exc:
        raise Invalid(f"{target.describe()}/{MANIFEST} is not a manifest this version reads ({exc}).") from None
    return files


class Exporter:
    def __init__(self, settings: Settings, target: Target, progress: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.target = target
        self.progress = progress or (lambda name: None)
        self.absolute = absolute_pattern(settings.base_url)
        self.report = Report()
        self.files: dict[str, dict[str, Any]] = {}
        self.seen: set[str] = set()
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    async def run(self) -> Report:
        existing = await asyncio.to_thread(self.target.names)
        self.old = await asyncio.to_thread(read_manifest, self.target, existing)
        existing.discard(MANIFEST)
        self.existing = existing
        async with in_process_client(self.settings) as client:
            for path in START:
                self._enqueue(path)
            workers = [asyncio.create_task(self._work(client)) for _ in range(CONCURRENCY)]
            await self.queue.join()
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            for language in (None, *LANGUAGES):
                prefix = f"/{language}" if language else ""
                response = await client.get(prefix + _MISSING_PAGE)
                await self._store(f"{language}/{NOT_FOUND_PAGE}" if language else NOT_FOUND_PAGE, response)
        failed = [path for path, status in self.report.skipped if status >= 500]
        if failed:  # an answer missing by accident must not delete its file: keep the old site, say what failed
            raise StorageError(
                f"{len(failed)} URL(s) failed ({', '.join(failed[:3])}): {self.report.written} files written, "
                "nothing removed, manifest kept; run the export again once the app answers them"
            )
        manifest = manifest_bytes(self.files)
        if manifest != await asyncio.to_thread(self.target.read, MANIFEST):
            await asyncio.to_thread(
                self.target.write, MANIFEST, manifest, content_type="application/json", cache_control="no-store"
            )
        for name in sorted(self.existing - set(self.files)):
            await asyncio.to_thread(self.target.delete, name)
            self.report.removed += 1
        return self.report

    def _enqueue(self, link: str) -> None:
        path = exportable(link)
        if path is not None and path not in self.seen:
            self.seen.add(path)
            self.queue.put_nowait(path)

    async def _work(self, client: Any) -> None:
        while True:
            path = await self.queue.get()
            try:
                await self._visit(client, path)
            except Exception:  # one broken answer must not leave the queue waiting forever
                log.exception("export: %s failed", path)
                self.report.skipped.append((path, 500))
            finally:
                self.queue.task_done()

    async def _visit(self, client: Any, path: str) -> None:
        response = await client.get(path)
        if response.status_code != 200:
            self.report.skipped.append((path, response.status_code))
            return
        content_type = response.headers.get("content-type", "application/octet-stream")
        name = file_name(path, content_type)
        if not safe_name(name) or name == MANIFEST or name.rsplit("/", 1)[-1].startswith(TEMP_PREFIX):
            self.report.skipped.append((path, 0))
            return
        if name in self.files:  # /fr and /fr/ are one page
            return
        await self._store(name, response)
        if any(kind in content_type for kind in _FOLLOWED):
            for link in links(response.text, self.absolute):
                self._enqueue(link)
            if content_type.startswith("text/html") and split_language(path)[0] is None:
                for language in LANGUAGES:  # every unprefixed page exists in each language's tree too
                    self._enqueue(f"/{language}{path}")

    async def _store(self, name: str, response: Any) -> None:
        body = response.content
        record = {
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
            "content_type": response.headers.get("content-type", "application/octet-stream"),
            "cache_control": response.headers.get("cache-control"),
        }
        self.files[name] = record
        if self.old.get(name) == record and name in self.existing:
            self.report.unchanged += 1
            return
        await asyncio.to_thread(
            self.target.write, name, body, content_type=record["content_type"], cache_control=record["cache_control"]
        )
        self.report.written += 1
        self.progress(name)


def export(settings: Settings, destination: str, progress: Callable[[str], None] | None = None) -> Report:
    """Export the public site to a folder or s3://bucket/prefix; see the module docstring."""
    target = open_target(settings, destination)

    def run() -> Report:
        return asyncio.run(Exporter(settings, target, progress).run())

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # called from inside an event loop (a notebook, Playwright): its own thread
        return pool.submit(run).result()
