"""Scheduled work of the running app that must happen once for all hosts, not once per host or worker: today the
WebSub announcements of changed feeds (an edit on any host, or an episode going live by the clock with nobody
requesting its feed). One thread per app process asks a few times a second; catalogue.leases lets one process at a
time do it, and catalogue.feed_changes tells from the database what changed since the last announcement.
(The download-log housekeeping runs in web.downloads' writer thread through the same lease.)
"""

from __future__ import annotations

import logging
import threading

from ..catalogue import feed_changes, leases
from ..catalogue.models import utcnow
from ..config import Settings
from ..db import Database
from ..feeds.websub import HubNotifier
from ..urls import UrlPlan

log = logging.getLogger(__name__)
WEBSUB_SECONDS = 1.0  # an episode going live is announced at most about this long after its time


class ScheduledWork:
    def __init__(self, settings: Settings, database: Database, hub: HubNotifier | None = None) -> None:
        self.database = database
        self.urls = UrlPlan(settings)
        self.hub = hub or (HubNotifier(settings.websub_hub_url) if settings.websub_hub_url else None)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

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
        """Tell the hub about every feed changed since the last announcement (by any host); answers the topics."""
        with self.database.session() as session:
            topics = feed_changes.changed_feeds(session, self.urls, utcnow())
        for topic in topics:  # after the commit: a failed commit announces nothing, and is tried again
            assert self.hub is not None
            self.hub.publish(topic)
        return topics

    def _run(self) -> None:
        while not self.stopping.wait(WEBSUB_SECONDS / 4):
            try:
                leases.run_due(self.database, "websub", WEBSUB_SECONDS, self.announce)
            except Exception:
                log.exception("scheduled work: announcing changed feeds failed; it will run again")
