"""The request-logging hook of the enclosure route: each answer is turned into a hashed log entry (no address kept,
not even in memory past the request), buffered, and written in batches by one thread per worker through
catalogue.downloads.store; the buffer is flushed at a clean shutdown. Runs no SQL of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import UTC, date, datetime

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from ..catalogue import leases
from ..catalogue.downloads import rules, store
from ..catalogue.models import Episode, MediaFile, Show
from ..config import Settings
from ..db import Database
from .media import parse_range

log = logging.getLogger(__name__)
Chunk = str | bytes | memoryview
HOUSEKEEPING = "downloads-housekeeping"  # its lease name (catalogue.leases)
MAX_PENDING = 200_000  # the database is away for long: keep this many, then drop the oldest (and say so)


class DownloadLog:
    """One per app (per worker process)."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self.database = database
        self.enabled = settings.downloads_enabled
        self.flush_seconds = max(settings.downloads_flush_seconds, 0.05)
        self.retention_days = settings.downloads_retention_days
        self.trusted = rules.networks(settings.trusted_proxies)
        self.exclusions = rules.Exclusions.load()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.pending: list[store.Hit] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopping = False
        self.salts: dict[tuple[str, date], bytes] = {}
        self.zones: set[str] = set()
        self.thread: threading.Thread | None = None
        self.housekeeping_seconds = settings.housekeeping_seconds
        self.last_housekeeping = 0.0

    # -- the hook ------------------------------------------------------------------------------------------------

    def track(
        self, request: Request, response: Response, session: Session, show: Show, episode: Episode,
        media: MediaFile | None,
    ) -> Response:  # fmt: skip
        """Log the answer to one enclosure request; a streamed body is logged when it ends, with the bytes sent."""
        if not self.enabled:
            return response
        at = self.clock()
        day = rules.window_day(at, show.timezone)
        user_agent = request.headers.get("user-agent", "")
        peer = request.client.host if request.client else None
        address = rules.client_address(peer, request.headers.get("x-forwarded-for"), self.trusted)
        key = rules.client_key(self._salt(session, show.timezone, day), address, user_agent)
        range_header = request.headers.get("range")
        size = media.byte_length if media else episode.external_enclosure_length
        needed = rules.needed_bytes(size, media.duration_ms if media else None, media.bitrate if media else None)
        status = response.status_code
        excluded = self.exclusions.reason(
            method=request.method, status=status, range_header=range_header, user_agent=user_agent,
            address=address, headers=request.headers,
        )  # fmt: skip
        del address, peer

        def hit(first_byte: int, byte_count: int, redirect: bool = False) -> store.Hit:
            return store.Hit(
                at=at, show_id=show.id, episode_id=episode.id, day=day, client_key=key, user_agent=user_agent,
                method=request.method, status=status, range_header=(range_header or None) and range_header[:100],
                first_byte=first_byte, byte_count=byte_count, needed=needed, redirect=redirect, excluded=excluded,
            )  # fmt: skip

        if isinstance(response, StreamingResponse):
            start = _first_byte(response)
            response.body_iterator = self._counted(response.body_iterator, lambda sent: self.add(hit(start, sent)))
        elif 300 <= status < 400 and status != 304:
            # Redirected to storage or a CDN: the bytes are sent elsewhere; count what the request asked for.
            wanted = parse_range(range_header, size) if size else None
            first, count = (wanted[0], wanted[1] - wanted[0] + 1) if isinstance(wanted, tuple) else (0, size or 1)
            self.add(hit(first, count, redirect=True))
        else:
            self.add(hit(0, 0))
        return response

    async def _counted(self, body: AsyncIterable[Chunk], done: Callable[[int], None]) -> AsyncIterator[Chunk]:
        sent = 0
        try:
            async for chunk in body:
                yield chunk
                sent += len(chunk)
        finally:
            done(sent)

    def _salt(self, session: Session, zone: str, day: date) -> bytes:
        salt = self.salts.get((zone, day))
        if salt is None:
            salt = store.salt_for(session, zone, day)
            with self.lock:
                self.salts = {k: v for k, v in self.salts.items() if k[1] >= day} | {(zone, day): salt}
                self.zones.add(zone)
        return salt

    def add(self, hit: store.Hit) -> None:
        with self.lock:
            self.pending.append(hit)
            if len(self.pending) > MAX_PENDING:
                del self.pending[: len(self.pending) - MAX_PENDING]
                log.error("download log: the database has been away too long; the oldest entries were dropped")

    # -- the writer ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self.enabled and self.thread is None:
            self.thread = threading.Thread(target=self._run, name="download-log", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        """Clean shutdown: stop the writer and write what is left."""
        self.stopping = True
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
            self.thread = None
        self.flush()

    def flush(self) -> int:
        with self.lock:
            batch, self.pending = self.pending, []
        if not batch:
            return 0
        try:
            return store.record(self.database, batch)
        except Exception:
            log.exception("download log: writing %d entries failed; they will be tried again", len(batch))
            with self.lock:
                self.pending[:0] = batch
            return 0

    def _run(self) -> None:
        while not self.stopping:
            self.wake.wait(self.flush_seconds)
            self.wake.clear()
            self.flush()
            # Every host asks at a tenth of the period; the lease (catalogue.leases) lets one of them run it once.
            if time.monotonic() - self.last_housekeeping > self.housekeeping_seconds / 10:
                self.last_housekeeping = time.monotonic()
                try:
                    leases.run_due(
                        self.database, "downloads-housekeeping", self.housekeeping_seconds, self.housekeeping
                    )
                except Exception:
                    log.exception("download log: housekeeping failed; it will run again")

    def housekeeping(self) -> None:
        store.housekeeping(self.database, self.clock(), self.retention_days, set(self.zones))


def _first_byte(response: Response) -> int:
    content_range = response.headers.get("content-range", "")
    if content_range.startswith("bytes ") and "-" in content_range:
        return int(content_range[6:].split("-", 1)[0])
    return 0
