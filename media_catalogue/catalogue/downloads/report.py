"""What staff read: downloads per episode, day or app over a period, a daily series for charts, and the first 7 and
30 days of each episode. Counted downloads still within retention and the daily aggregates past it are read as one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Episode, Show
from . import rules
from .models import Download, DownloadDaily

By = Literal["episode", "day", "app"]
WINDOW = "calendar day in the show's time zone"
METHOD = (
    "Counted by the IAB Tech Lab Podcast Measurement Technical Guidelines v2.2: one download per listener (address, "
    "IPv6 cut to /64, and app) per episode per calendar day in the show's time zone, once the header and one minute "
    "of audio (or the whole file) were delivered; HEAD, 304, two-byte probes, prefetch, bots, data-centre traffic "
    "and Apple Watch duplicates excluded."
)


@dataclass(frozen=True)
class Row:
    key: str  # the episode's slug, the ISO day, or the app
    label: str  # the episode's title, the ISO day, or the app
    downloads: int
    show: str = ""


def _counts(
    session: Session, show_ids: Sequence[int], start: date, end: date, columns: Sequence[str]
) -> dict[tuple[Any, ...], int]:
    """Downloads between start and end (inclusive) grouped by columns of both sources (episode_id, day, app...)."""
    totals: dict[tuple[Any, ...], int] = defaultdict(int)
    for model, amount in ((Download, func.count()), (DownloadDaily, func.sum(DownloadDaily.count))):
        fields = [getattr(model, name) for name in columns]
        query = (
            select(*fields, amount)
            .where(model.show_id.in_(show_ids), model.day >= start, model.day <= end)
            .group_by(*fields)
        )
        for *group, number in session.execute(query):
            totals[tuple(group)] += int(number or 0)
    return totals


def table(session: Session, shows: Sequence[Show], start: date, end: date, by: By = "episode") -> list[Row]:
    """Downloads of the shows in the period, one row per episode (most first), per day (every day, zeros included)
    or per app (most first)."""
    ids = [show.id for show in shows]
    if by == "day":
        counts = _counts(session, ids, start, end, ["day"])
        days = (start + timedelta(days=n) for n in range((end - start).days + 1))
        return [Row(d.isoformat(), d.isoformat(), counts.get((d,), 0)) for d in days]
    if by == "app":
        counts = _counts(session, ids, start, end, ["app"])
        return sorted((Row(a, a, n) for (a,), n in counts.items()), key=lambda r: (-r.downloads, r.key))
    counts = _counts(session, ids, start, end, ["episode_id"])
    episodes = session.scalars(select(Episode).where(Episode.show_id.in_(ids), Episode.deleted_at.is_(None))).all()
    slugs = {show.id: show.slug for show in shows}
    rows = [Row(e.slug, e.title, counts.get((e.id,), 0), slugs[e.show_id]) for e in episodes]
    return sorted(rows, key=lambda r: (-r.downloads, r.show, r.key))


def series(session: Session, show: Show, start: date, end: date, episode: Episode | None = None) -> list[int]:
    """Downloads per day from start to end (inclusive), for a show or one of its episodes."""
    counts = _counts(session, [show.id], start, end, ["day", "episode_id"])
    per_day: dict[date, int] = defaultdict(int)
    for (day, episode_id), number in counts.items():
        if episode is None or episode_id == episode.id:
            per_day[day] += number
    return [per_day.get(start + timedelta(days=n), 0) for n in range((end - start).days + 1)]


@dataclass(frozen=True)
class Launch:
    """An episode's first 7 and first 30 days (from its publication day in the show's time zone)."""

    slug: str
    title: str
    published: date
    first_7: int
    first_30: int
    complete_30: bool  # False while the 30 days are not over yet


def launches(session: Session, show: Show, today: date, limit: int = 20) -> list[Launch]:
    episodes = session.scalars(
        select(Episode)
        .where(Episode.show_id == show.id, Episode.published_at.is_not(None), Episode.deleted_at.is_(None))
        .order_by(Episode.published_at.desc())
        .limit(limit)
    ).all()
    if not episodes:
        return []
    published = {e.id: rules.window_day(e.published_at, show.timezone) for e in episodes if e.published_at}
    counts = _counts(session, [show.id], min(published.values()), today, ["episode_id", "day"])
    result = []
    for e in episodes:
        first = published[e.id]
        days = {d: n for (eid, d), n in counts.items() if eid == e.id}
        seven = sum(n for d, n in days.items() if first <= d < first + timedelta(days=7))
        thirty = sum(n for d, n in days.items() if first <= d < first + timedelta(days=30))
        result.append(Launch(e.slug, e.title, first, seven, thirty, today >= first + timedelta(days=30)))
    return result


def period(start: date | None, end: date | None, today: date, days: int = 30) -> tuple[date, date]:
    """The asked period, defaulting to the last `days` days up to today; ValueError when it runs backwards."""
    end = end or today
    start = start or end - timedelta(days=days - 1)
    if start > end:
        raise ValueError("the period starts after it ends")
    return start, end


def visible(session: Session, slug: str | None, allowed: Sequence[Show] | None = None) -> list[Show]:
    """The shows a report covers: one by slug, or every show (of `allowed`, when given)."""
    shows = list(allowed) if allowed is not None else list(session.scalars(select(Show).order_by(Show.slug)))
    if slug is None:
        return shows
    from ...errors import NotFound

    found = [show for show in shows if show.slug == slug]
    if not found:
        raise NotFound(f"No show '{slug}' that you may see.")
    return found


def as_records(rows: Sequence[Row], by: By) -> list[dict[str, Any]]:
    column = {"episode": "episode", "day": "day", "app": "app"}[by]
    records = []
    for row in rows:
        record: dict[str, Any] = {column: row.key, "downloads": row.downloads}
        if by == "episode":
            record = {"show": row.show, "episode": row.key, "title": row.label, "downloads": row.downloads}
        records.append(record)
    return records


def as_csv(rows: Sequence[Row], by: By) -> str:
    import csv
    import io

    records = as_records(rows, by)
    out = io.StringIO()
    fields = list(records[0]) if records else [by, "downloads"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
