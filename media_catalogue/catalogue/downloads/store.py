"""Writing the request log and counting: salts of the day, batches of logged requests, downloads decided from every
committed request of a client, and retention (roll-up into daily aggregates, raw rows and old salts deleted).

Safe with several workers and hosts: a batch's requests are committed before its clients are counted, so whichever
worker counts last sees every range of a client; a download's unique key (episode, day, client) makes a second count
a no-op; roll-up deletes rows with RETURNING, so two workers can never aggregate the same row twice.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...db import Database
from . import agents, rules
from .models import Download, DownloadDaily, DownloadRequest, DownloadSalt

_CHUNK = 400


@dataclass(frozen=True)
class Hit:
    """One answered enclosure request, as the web layer hands it over (already hashed: no address in it)."""

    at: datetime
    show_id: int
    episode_id: int
    day: date
    client_key: str
    user_agent: str
    method: str
    status: int
    range_header: str | None
    first_byte: int
    byte_count: int
    needed: int
    redirect: bool
    excluded: str | None


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it the same way)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def salt_for(session: Session, zone: str, day: date) -> bytes:
    """The secret of one day in one zone, shared by every worker and host through the database. Runs in the
    caller's session (the request's own connection: a second one per request could starve the pool)."""
    found = session.scalar(select(DownloadSalt.salt).where(DownloadSalt.zone == zone, DownloadSalt.day == day))
    if found is not None:
        return found
    statement = _insert(session)(DownloadSalt).values(zone=zone, day=day, salt=secrets.token_bytes(32))
    session.execute(statement.on_conflict_do_nothing())
    salt = session.scalar(select(DownloadSalt.salt).where(DownloadSalt.zone == zone, DownloadSalt.day == day))
    assert salt is not None
    return salt


def record(database: Database, hits: Sequence[Hit]) -> int:
    """Write a batch of logged requests, then count the clients they may have completed. Answers new downloads."""
    if not hits:
        return 0
    rows = [{**asdict(hit), "user_agent": hit.user_agent.replace("\x00", "")[:500]} for hit in hits]
    with database.session() as session:
        session.execute(_insert(session)(DownloadRequest), rows)
    groups = {(hit.episode_id, hit.day, hit.client_key) for hit in hits if hit.excluded is None}
    if not groups:
        return 0
    with database.session() as session:
        return count(session, groups)


def count(session: Session, groups: Iterable[tuple[int, date, str]]) -> int:
    """Decide the downloads of (episode, day, client) groups from all their committed, countable requests.

    Reads are by the exact groups (row-value IN on the composite indexes of both tables), never by client key
    alone: one busy client key (a carrier NAT, a podcast app's server-side fetcher) would otherwise make every
    batch re-read all of that client's requests of the day, and the writer fall behind under load."""
    wanted = set(groups)
    ordered = sorted(wanted)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        done = session.execute(
            select(Download.episode_id, Download.day, Download.client_key).where(
                tuple_(Download.episode_id, Download.day, Download.client_key).in_(chunk)
            )
        )
        wanted -= {tuple(row) for row in done}
    spans: dict[tuple[int, date, str], list[tuple[int, int]]] = defaultdict(list)
    first: dict[tuple[int, date, str], tuple[int, int, str]] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), _CHUNK):
        group_of_row = tuple_(DownloadRequest.episode_id, DownloadRequest.day, DownloadRequest.client_key)
        found = session.execute(
            select(
                DownloadRequest.episode_id, DownloadRequest.day, DownloadRequest.client_key,
                DownloadRequest.first_byte, DownloadRequest.byte_count, DownloadRequest.needed,
                DownloadRequest.show_id, DownloadRequest.user_agent,
            )
            .where(group_of_row.in_(ordered[start : start + _CHUNK]), DownloadRequest.excluded.is_(None))
            .order_by(DownloadRequest.at, DownloadRequest.id)
        )  # fmt: skip
        for episode_id, day, key, first_byte, byte_count, needed, show_id, agent in found:
            group = (episode_id, day, key)
            spans[group].append((first_byte, byte_count))
            first.setdefault(group, (needed, show_id, agent))
    new = []
    for group, delivered in spans.items():
        needed, show_id, agent = first[group]
        if rules.covered(delivered) >= needed:
            episode_id, day, key = group
            new.append({
                "show_id": show_id, "episode_id": episode_id, "day": day, "client_key": key,
                "app": agents.app_of(agent), "platform": agents.platform_of(agent), "counted_at": datetime.now(UTC),
            })  # fmt: skip
    if new:
        session.execute(_insert(session)(Download).on_conflict_do_nothing(), new)
    return len(new)


def housekeeping(database: Database, now: datetime, retention_days: int, zones: Iterable[str]) -> None:
    """Destroy the salts of days that are over; roll counted downloads past retention into daily aggregates and
    delete them with the raw requests of the same age. Safe to run from every worker at once."""
    zones = set(zones) | {"UTC"}
    cutoff = now - timedelta(days=max(retention_days, 1))
    with database.session() as session:
        for zone in zones:
            today = rules.window_day(now, zone)
            session.execute(delete(DownloadSalt).where(DownloadSalt.zone == zone, DownloadSalt.day < today))
        # A zone no show uses any more: its salts are destroyed too once no zone on earth is still in that day.
        session.execute(delete(DownloadSalt).where(DownloadSalt.day < (now - timedelta(days=1)).date()))
    with database.session() as session:
        gone = session.execute(
            delete(Download)
            .where(Download.day < cutoff.date())
            .returning(Download.show_id, Download.episode_id, Download.day, Download.app, Download.platform)
        ).all()
        totals: dict[tuple[int, int, date, str, str], int] = defaultdict(int)
        for row in gone:
            totals[tuple(row)] += 1  # type: ignore[index]
        for (show_id, episode_id, day, app, platform), number in totals.items():
            statement = _insert(session)(DownloadDaily).values(
                show_id=show_id, episode_id=episode_id, day=day, app=app, platform=platform, count=number
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["episode_id", "day", "app", "platform"],
                    set_={"count": DownloadDaily.count + statement.excluded.count},
                )
            )
        session.execute(delete(DownloadRequest).where(DownloadRequest.at < cutoff))
