"""Writing the request log and counting: salts of the day, batches of logged requests, downloads decided from each
client's received ranges (its progress row), and retention (roll-up into daily aggregates, raw rows, old salts and
finished windows' progress deleted).

Safe with several workers and hosts: a batch's requests and its progress updates are one transaction, and counting
takes one lock (every host's batches merge into a client's progress one after the other, none lost); a download's
unique key (episode, day, client) makes a second count a no-op; roll-up deletes rows with RETURNING, so two workers
can never aggregate the same row twice.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...db import Database, lock_key
from . import agents, rules
from .models import Download, DownloadDaily, DownloadProgress, DownloadRequest, DownloadSalt

_CHUNK = 400
MAX_INTERVALS = 1_000  # distinct ranges kept per client, episode and day (rules.merge keeps the longest)
Group = tuple[int, date, str]  # (episode_id, day, client_key): one client's window on one episode


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
    """Write a batch of logged requests and count the clients they completed, in one transaction (a failed batch
    leaves nothing behind and is retried whole). Answers new downloads."""
    if not hits:
        return 0
    rows = [{**asdict(hit), "user_agent": hit.user_agent.replace("\x00", "")[:500]} for hit in hits]
    with database.session() as session:
        session.execute(_insert(session)(DownloadRequest), rows)
        spans: dict[Group, list[tuple[int, int]]] = defaultdict(list)
        for hit in hits:
            if hit.excluded is None:
                spans[(hit.episode_id, hit.day, hit.client_key)].append((hit.first_byte, hit.byte_count))
        return count(session, spans) if spans else 0


def _one_counter_at_a_time(session: Session) -> None:
    """Counting reads and rewrites progress rows: one writer at a time across workers and hosts. PostgreSQL: an
    advisory lock held until the transaction ends (a few milliseconds a batch). SQLite: the caller has already
    written in this transaction, so it holds the database's only write lock until it commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("downloads-count")})


def count(session: Session, batch: Mapping[Group, Sequence[tuple[int, int]]]) -> int:
    """Merge a batch's countable (first_byte, byte_count) spans into each group's progress and count the groups
    that reach their threshold. The batch's requests must already be written in this session's transaction.

    Work per batch follows the batch, not the day: a group's earlier requests are read from the log only when the
    group has no progress row yet (its first batch, or requests logged before progress was kept)."""
    _one_counter_at_a_time(session)
    wanted = sorted(batch)
    progress: dict[Group, DownloadProgress] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        key = tuple_(DownloadProgress.episode_id, DownloadProgress.day, DownloadProgress.client_key)
        for row in session.scalars(select(DownloadProgress).where(key.in_(chunk))):
            progress[(row.episode_id, row.day, row.client_key)] = row
    fresh = [group for group in wanted if group not in progress]
    new: list[dict[str, Any]] = []
    for group, row in progress.items():
        if not row.counted:
            _advance(row, batch[group], new)
    for row in _from_log(session, fresh):
        session.add(row)
        _advance(row, batch[(row.episode_id, row.day, row.client_key)], new)
    if new:
        session.execute(_insert(session)(Download).on_conflict_do_nothing(), new)
    return len(new)


def _advance(row: DownloadProgress, spans: Sequence[tuple[int, int]], new: list[dict[str, Any]]) -> None:
    merged = rules.merge(_decode(row.spans), spans, MAX_INTERVALS)
    row.spans = _encode(merged)
    row.covered = sum(last - first + 1 for first, last in merged)
    if not row.counted and row.covered >= row.needed:
        row.counted = True
        new.append({
            "show_id": row.show_id, "episode_id": row.episode_id, "day": row.day, "client_key": row.client_key,
            "app": agents.app_of(row.user_agent), "platform": agents.platform_of(row.user_agent),
            "counted_at": datetime.now(UTC),
        })  # fmt: skip


def _from_log(session: Session, groups: Sequence[Group]) -> list[DownloadProgress]:
    """Progress rows for groups that have none, from their countable requests in the log (this batch's included);
    a group counted before progress was kept is marked counted, so it is never counted twice."""
    first: dict[Group, tuple[int, int, str]] = {}
    spans: dict[Group, list[tuple[int, int]]] = defaultdict(list)
    counted: set[Group] = set()
    for start in range(0, len(groups), _CHUNK):
        chunk = groups[start : start + _CHUNK]
        done = session.execute(
            select(Download.episode_id, Download.day, Download.client_key).where(
                tuple_(Download.episode_id, Download.day, Download.client_key).in_(chunk)
            )
        )
        counted |= {(episode_id, day, key) for episode_id, day, key in done}
        group_of_row = tuple_(DownloadRequest.episode_id, DownloadRequest.day, DownloadRequest.client_key)
        found = session.execute(
            select(
                DownloadRequest.episode_id, DownloadRequest.day, DownloadRequest.client_key,
                DownloadRequest.first_byte, DownloadRequest.byte_count, DownloadRequest.needed,
                DownloadRequest.show_id, DownloadRequest.user_agent,
            )
            .where(group_of_row.in_(chunk), DownloadRequest.excluded.is_(None))
            .order_by(DownloadRequest.at, DownloadRequest.id)
        )  # fmt: skip
        for episode_id, day, key, first_byte, byte_count, needed, show_id, agent in found:
            group = (episode_id, day, key)
            spans[group].append((first_byte, byte_count))
            first.setdefault(group, (needed, show_id, agent))
    return [
        DownloadProgress(
            episode_id=group[0],
            day=group[1],
            client_key=group[2],
            needed=needed,
            show_id=show_id,
            user_agent=agent,
            spans=_encode(rules.merge((), spans[group], MAX_INTERVALS)),
            covered=0,
            counted=group in counted,
        )
        for group, (needed, show_id, agent) in first.items()
    ]


def _encode(intervals: Iterable[tuple[int, int]]) -> str:
    return " ".join(f"{first}-{last}" for first, last in intervals)


def _decode(spans: str) -> list[tuple[int, int]]:
    return [(int(first), int(last)) for first, _, last in (part.partition("-") for part in spans.split())]


def housekeeping(database: Database, now: datetime, retention_days: int, zones: Iterable[str]) -> None:
    """Destroy the salts of days that are over; roll counted downloads past retention into daily aggregates and
    delete them with the raw requests of the same age. Safe to run from every worker at once."""
    zones = set(zones) | {"UTC"}
    cutoff = now - timedelta(days=max(retention_days, 1))
    with database.session() as session:
        for zone in zones:
            today = rules.window_day(now, zone)
            session.execute(delete(DownloadSalt).where(DownloadSalt.zone == zone, DownloadSalt.day < today))
        # A zone no show uses any more: its salts are destroyed too once no zone on earth is still in that day; the
        # same holds for the progress of clients in windows that are over everywhere.
        over = (now - timedelta(days=1)).date()
        session.execute(delete(DownloadSalt).where(DownloadSalt.day < over))
        session.execute(delete(DownloadProgress).where(DownloadProgress.day < over))
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
