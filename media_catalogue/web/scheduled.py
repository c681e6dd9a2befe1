"""Scheduled work of the running app that must happen once for all hosts, not once per host or worker: today the
WebSub announcements of changed feeds (an edit on any host, or an episode going live by the clock with nobody
requesting its feed). One thread per app process asks a few times a second; catalogue.leases lets one process at a
time do it, and catalogue.feed_changes tells from the database what changed since the last announcement.
(The download-log housekeeping runs in web.downloads' writer thread through the same lease.)
"""

from __future__ import annotations

import logging
import threading
import time

from ..catalogue import feed_changes, leases
from ..catalogue.models import utcnow
from ..config import Settings
from ..db import Database
from ..feeds.websub import HubNotifier
from ..urls import UrlPlan

log = logging.getLogger(__name__)
WEBSUB_SECONDS = 1.0  # an episode going live is announced at most about this long after its time
MAX_RETRY_SECONDS = 300.0  # a hub that is away is asked again after 1, 2, 4... s, then every 5 minutes


class ScheduledWork:
    def __init__(self, settings: Settings, database: Database, hub: HubNotifier | None = None) -> None:
        self.database = database
        self.urls = UrlPlan(settings)
        self.hub = hub or (HubNotifier(settings.websub_hub_url) if settings.websub_hub_url else None)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.retry_at = self.retry_in = 0.0

    def start(self) -> None:
        if self.hub is not None and self.thread is None:
            self.thread = threading.Thread(target=self._run, name="scheduled-work", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None
        if self.hub is not None:
            self.hub.join(timeout=5)

    def announce(self) -> list[str]:
        """Tell the hub about every feed changed since the last announcement (by any host); answers the topics.
        The changes are recorded as announced only once the hub took every ping: a host that dies, or a hub that
        is away, leaves them to the next look (this host's or another's), which pings them again. Pings are sent
        outside any transaction (no database lock is held while the hub answers)."""
        assert self.hub is not None
        if time.monotonic() < self.retry_at:
            return []
        with self.database.session() as session:
            topics, marks = feed_changes.look(session, self.urls, utcnow())
        if not all([self.hub.notify(topic) for topic in topics]):
            self.retry_in = min(self.retry_in * 2, MAX_RETRY_SECONDS) if self.retry_in else WEBSUB_SECONDS
            self.retry_at = time.monotonic() + self.retry_in
            log.warning("WebSub: the hub did not take every ping; all of them go again in %.0f s", self.retry_in)
            return []
        self.retry_in = 0.0
        with self.database.session() as session:
            feed_changes.record(session, marks)
        return topics

    def _run(self) -> None:
        while not self.stopping.wait(WEBSUB_SECONDS / 4):
            try:
                leases.run_due(self.database, "websub", WEBSUB_SECONDS, self.announce)
            except Exception:
                log.exception("scheduled work: announcing changed feeds failed; it will run again")
