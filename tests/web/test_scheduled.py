"""The scheduled WebSub announcements (web.scheduled): a change is recorded as announced only once the hub took
every ping, so a hub that is away (or a host that dies between the look and the pings) loses nothing: the next
look announces it again, after a back-off."""

from __future__ import annotations

from sqlalchemy.orm import Session

from media_catalogue.catalogue import feed_changes, versions
from media_catalogue.catalogue.models import Show, utcnow
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.feeds.websub import HubNotifier
from media_catalogue.urls import UrlPlan
from media_catalogue.web.scheduled import ScheduledWork


class Hub:
    """A hub that answers with the next status of a script (then 204), and remembers every ping."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.pings: list[str] = []

    def post(self, url: str, data: bytes, timeout: float) -> int:
        self.pings.append(data.decode())
        return self.statuses.pop(0) if self.statuses else 204


def _edit(database: Database, slug: str) -> None:
    with database.session() as session:
        versions.touch(session, _show(session, slug))


def _show(session: Session, slug: str) -> Show:
    return session.query(Show).filter_by(slug=slug).one()


def test_a_change_is_announced_again_until_the_hub_takes_it(synced: Database, settings: Settings) -> None:
    hub = Hub(503)
    work = ScheduledWork(settings, synced, HubNotifier("https://hub.example.org/", post=hub.post))
    assert work.announce() == []  # the first look sets the marks
    _edit(synced, "match-en")
    assert work.announce() == []  # the hub refused a ping: nothing is recorded as announced
    refused = len(hub.pings)
    assert refused >= 1
    assert work.announce() == [] and len(hub.pings) == refused  # backing off: the hub is not asked at once
    work.retry_at = 0.0  # the back-off has passed
    topics = work.announce()
    feed = UrlPlan(settings).feed("match-en")
    assert feed in topics and len(hub.pings) == refused + len(topics)
    assert work.announce() == []  # recorded: announced once it was taken
    assert sum("match-en.xml" in ping for ping in hub.pings) == 2  # once refused, once taken


def test_a_host_that_dies_between_the_look_and_the_pings_leaves_the_change_to_the_next(
    synced: Database, settings: Settings
) -> None:
    urls = UrlPlan(settings)
    with synced.session() as session:
        feed_changes.changed_feeds(session, urls, utcnow())  # the marks are set
    _edit(synced, "match-nl")
    with synced.session() as session:
        topics, _marks = feed_changes.look(session, urls, utcnow())  # ...and the host dies before recording
    assert urls.feed("match-nl") in topics
    hub = Hub()
    other_host = ScheduledWork(settings, synced, HubNotifier("https://hub.example.org/", post=hub.post))
    assert other_host.announce() == topics
    assert other_host.announce() == []


def test_a_ping_the_hub_refuses_for_good_is_not_sent_again(synced: Database, settings: Settings) -> None:
    """A 4xx would be answered again: the change is settled, not retried every few minutes for ever."""
    hub = Hub(400)
    work = ScheduledWork(settings, synced, HubNotifier("https://hub.example.org/", post=hub.post))
    assert work.announce() == []
    _edit(synced, "match-en")
    topics = work.announce()
    assert UrlPlan(settings).feed("match-en") in topics and len(hub.pings) == len(topics)
    assert work.retry_at == 0.0 and work.announce() == []
