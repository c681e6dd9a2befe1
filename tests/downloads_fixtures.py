"""Counted downloads seeded through the domain (catalogue.downloads.store), for the report, CLI, API and dashboard
tests: show match-en gets, per episode, a known number of downloads on known days by known apps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from media_catalogue.catalogue.downloads import store
from media_catalogue.catalogue.models import Episode, Show
from media_catalogue.db import Database

AGENTS = {"Apple Podcasts": "Podcasts/1650.20 CFNetwork/1410.1 Darwin/22.6.0", "Spotify": "Spotify/8.9.18 Android/34",
          "Overcast": "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)"}  # fmt: skip


def hit(show_id: int, episode_id: int, day: date, key: str, agent: str, excluded: str | None = None) -> store.Hit:
    at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return store.Hit(at=at, show_id=show_id, episode_id=episode_id, day=day, client_key=key, user_agent=agent,
                     method="GET", status=200, range_header=None, first_byte=0, byte_count=1000, needed=1000,
                     redirect=False, excluded=excluded)  # fmt: skip


def seed(database: Database) -> dict[str, object]:
    """Two episodes of match-en: the newest gets 3 downloads on its publication day, 2 on day 3 and 1 on day 10
    (first 7 days: 5, first 30: 6); the other 4 on its publication day. Apps: Apple Podcasts 5, Spotify 3,
    Overcast 2. Plus one excluded bot request that must never show."""
    with database.session() as session:
        show = session.scalars(select(Show).where(Show.slug == "match-en")).one()
        episodes = session.scalars(
            select(Episode).where(Episode.show_id == show.id, Episode.published_at.is_not(None))
            .order_by(Episode.published_at.desc())
        ).all()[:2]  # fmt: skip
        info = [(e.id, e.slug, e.published_at.date()) for e in episodes if e.published_at]
        show_id = show.id
    (new_id, new_slug, new_day), (old_id, old_slug, old_day) = info
    apps = ["Apple Podcasts", "Apple Podcasts", "Spotify", "Overcast", "Apple Podcasts", "Spotify"]
    plan = [(new_id, new_day, 0)] * 3 + [(new_id, new_day, 3)] * 2 + [(new_id, new_day, 10)]
    hits = [hit(show_id, eid, first + timedelta(days=offset), f"new{i}", AGENTS[apps[i]])
            for i, (eid, first, offset) in enumerate(plan)]  # fmt: skip
    old_apps = ["Apple Podcasts", "Apple Podcasts", "Spotify", "Overcast"]
    hits += [hit(show_id, old_id, old_day, f"old{i}", AGENTS[a]) for i, a in enumerate(old_apps)]
    hits.append(hit(show_id, new_id, new_day, "bot", "curl/8", excluded="bot"))
    store.record(database, hits)
    return {"new": new_slug, "old": old_slug, "new_day": new_day, "old_day": old_day, "show_id": show_id}
