"""WebSub publishing: tell the configured hub that a feed changed, so subscribed apps fetch it now, not at their
next poll. `publish` queues a ping for a background thread with retries (exponential back-off) and never blocks the
caller; `notify` sends one ping and answers whether the hub took it (web.scheduled, which records a change as
announced only once the hub has it).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable

log = logging.getLogger(__name__)

Poster = Callable[[str, bytes, float], int]


def _post(url: str, data: bytes, timeout: float) -> int:
    request = urllib.request.Request(  # noqa: S310 - the hub URL is operator configuration (http or https)
        url, data=data, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return int(response.status)


class HubNotifier:
    def __init__(
        self,
        hub_url: str,
        *,
        attempts: int = 5,
        first_delay: float = 2.0,
        timeout: float = 10.0,
        post: Poster | None = None,
    ) -> None:
        self.hub_url = hub_url
        self.attempts = attempts
        self.first_delay = first_delay
        self.timeout = timeout
        self.post = post or _post
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.delivered: list[str] = []

    def publish(self, topic_url: str) -> None:
        """Queue a publish ping for this feed URL and return at once."""
        if not topic_url:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="websub-publisher", daemon=True)
                self._thread.start()
        self._queue.put(topic_url)

    def join(self, timeout: float = 5.0) -> None:
        """Wait until queued pings are sent or given up (for tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _run(self) -> None:
        while True:
            topic = self._queue.get()
            try:
                self._deliver(topic)
            finally:
                self._queue.task_done()

    def notify(self, topic: str, attempt: int = 0) -> bool:
        """One publish ping, now: True when it is settled, taken by the hub (2xx) or refused for good (4xx: the
        same ping would be refused again); False when it is worth trying again (5xx, no answer)."""
        data = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
        try:
            status = self.post(self.hub_url, data, self.timeout)
            if 200 <= status < 300:
                self.delivered.append(topic)
                return True
            log.warning("WebSub hub answered %s for %s (attempt %d)", status, topic, attempt + 1)
            return 400 <= status < 500
        except Exception as exc:
            log.warning("WebSub hub unreachable for %s (attempt %d): %s", topic, attempt + 1, exc)
        return False

    def _deliver(self, topic: str) -> None:
        for attempt in range(self.attempts):
            if self.notify(topic, attempt):
                return
            time.sleep(self.first_delay * (4**attempt))
        log.error("WebSub: gave up notifying %s about %s", self.hub_url, topic)
