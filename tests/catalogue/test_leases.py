"""Leases and once-only scheduled work on real databases (SQLite file lock, PostgreSQL advisory locks): a held lease
is refused to every other holder, a periodic job runs once per period whoever asks, migrations started together on
one PostgreSQL schema do not race, and the changed-feed marks announce each change once."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from media_catalogue.catalogue import feed_changes, leases, versions
from media_catalogue.catalogue.models import Episode, Show, Status, utcnow
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.storage import create_storage
from media_catalogue.sync import sync_folder
from media_catalogue.urls import UrlPlan
from tests.catalogue_fixtures import make_catalogue

HOLDER = """
import sys
from media_catalogue.catalogue import leases
from media_catalogue.db import make_engine
with leases.lease(make_engine(sys.argv[1]), "purge") as held:
    print(held, flush=True)
    sys.stdin.readline()
"""


def test_a_lease_held_by_another_process_is_refused_until_released(database: Database, settings: Settings) -> None:
    command = [sys.executable, "-c", HOLDER, settings.resolved_database_url]
    holder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "True"
        with leases.lease(database.engine, "purge") as second:
            assert not second
        with leases.lease(database.engine, "another job") as unrelated:
            assert unrelated
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with leases.lease(database.engine, "purge") as after:
        assert after


def test_a_killed_holder_loses_its_lease(database: Database, settings: Settings) -> None:
    command = [sys.executable, "-c", HOLDER, settings.resolved_database_url]
    holder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # noqa: S603
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "True"
    holder.kill()
    holder.wait(timeout=30)
    deadline = time.monotonic() + 10  # PostgreSQL notices the closed connection at once, or nearly
    while True:
        with leases.lease(database.engine, "purge") as held:
            if held:
                break
        assert time.monotonic() < deadline, "the lease of a killed process was never released"
        time.sleep(0.1)


def test_a_periodic_job_runs_once_per_period_for_every_host(database: Database, settings: Settings) -> None:
    hosts = [database, Database(settings)]
    ran: list[int] = []
    now = [1000.0]
    try:
        for round_ in range(3):
            for number, host in enumerate(hosts):
                leases.run_due(host, "purge", 60, lambda n=number: ran.append(n), clock=lambda: now[0])
            now[0] += 61 if round_ != 0 else 10  # the second round is within the period: nobody runs
        assert len(ran) == 2
        with database.session() as session:
            assert leases.runs(session, "purge") == 2
    finally:
        hosts[1].dispose()


MIGRATE = "import sys; from media_catalogue.db import make_engine, migrate; migrate(make_engine(sys.argv[1]))"


def test_hosts_migrating_at_once_do_not_race(settings: Settings) -> None:
    """Three processes start on one empty database at once: each starts (one migrates, the others wait for it)."""
    command = [sys.executable, "-c", MIGRATE, settings.resolved_database_url]
    starting = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]  # noqa: S603
    outcomes = [(process.wait(timeout=120), process.stderr.read() if process.stderr else "") for process in starting]
    assert all(code == 0 for code, _ in outcomes), outcomes


def test_changed_feeds_announces_each_change_once(database: Database, settings: Settings, tmp_path: Path) -> None:
    sync_folder(database, settings, create_storage(settings), make_catalogue(tmp_path / "content"))
    urls = UrlPlan(settings)
    with database.session() as session:
        assert feed_changes.changed_feeds(session, urls, utcnow()) == []  # the first look only sets the marks
        assert feed_changes.changed_feeds(session, urls, utcnow()) == []
        show = session.query(Show).filter_by(slug="match-en").one()
        versions.touch(session, show)
    with database.session() as session:
        topics = feed_changes.changed_feeds(session, urls, utcnow())
        assert topics[0] == urls.feed("match-en") and topics[-1] == urls.all_feed()
        assert urls.feed("match-nl") not in topics
        assert feed_changes.changed_feeds(session, urls, utcnow()) == []
        episode = session.query(Episode).filter(Episode.show_id == show.id).first()
        assert episode is not None
        soon = utcnow() + timedelta(seconds=30)  # scheduled behind the catalogue's back: no version moves
        session.execute(
            update(Episode).where(Episode.id == episode.id).values(status=Status.scheduled, published_at=soon)
        )
    with database.session() as session:
        assert feed_changes.changed_feeds(session, urls, soon - timedelta(seconds=1)) == []
        assert urls.feed("match-en") in feed_changes.changed_feeds(session, urls, soon + timedelta(seconds=1))
        assert feed_changes.changed_feeds(session, urls, soon + timedelta(seconds=2)) == []


def test_changed_feeds_announces_people_projects_and_videos(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    """What is not a show has no content counter: a person's edit moves the shows crediting them; a project's own
    fields and the videos with their people are compared by digest."""
    root = make_catalogue(tmp_path / "content")
    storage = create_storage(settings)
    sync_folder(database, settings, storage, root)
    urls = UrlPlan(settings)
    with database.session() as session:
        assert feed_changes.changed_feeds(session, urls, utcnow()) == []  # the marks are set
        credited = {
            show.slug
            for show in session.query(Show)
            if any(c.person.slug == "sammy-mahdi" for e in show.episodes for c in e.credits)
        }
    assert credited, "the fixture credits sammy-mahdi on an episode"
    videos, match_videos = urls.videos_feed(), urls.project_videos_feed("match")

    def resync_with(name: str, text: str) -> list[str]:
        (root / name).write_text(text, encoding="utf-8")
        report = sync_folder(database, settings, storage, root)
        assert not report.errors, report.errors
        with database.session() as session:
            topics = feed_changes.changed_feeds(session, urls, utcnow())
            assert feed_changes.changed_feeds(session, urls, utcnow()) == []  # announced once
        return topics

    people = (root / "people.yaml").read_text(encoding="utf-8")
    topics = resync_with("people.yaml", people.replace("name: Sammy Mahdi", "name: Sammy Mahdi-Renamed"))
    assert {urls.feed(slug) for slug in credited} <= set(topics)
    assert {urls.project_feed("match"), urls.all_feed(), videos, match_videos} <= set(topics)

    projects = (root / "projects.yaml").read_text(encoding="utf-8")
    topics = resync_with("projects.yaml", projects.replace("Skills mobility", "Labour mobility"))
    assert sorted(topics) == sorted([urls.project_feed("match"), match_videos])  # no show's own feed changed

    video = root / "videos" / "rob-de-lobel-presenting-match.md"
    topics = resync_with(str(video.relative_to(root)), video.read_text(encoding="utf-8").replace("presenting", "on"))
    assert sorted(topics) == sorted([videos, match_videos])
