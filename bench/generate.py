"""A generated catalogue of any size, written straight into the database with bulk inserts through the models'
tables (one executemany per table and batch: 100,000 episodes in well under a minute on PostgreSQL).

Every show has a host, seasons, and live episodes with a primary media file, a guest credit, and every fifth one a
transcript; shows pair up as English/French translations; projects own shows and videos. The text is varied
enough for search to have both rare and common words. Used by bench/scale.py and by the SQL-count test.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from media_catalogue.catalogue import versions
from media_catalogue.catalogue.models import (
    Credit,
    Episode,
    MediaFile,
    Person,
    Project,
    Season,
    Show,
    Transcript,
    Video,
)

START = datetime(2015, 1, 1, tzinfo=UTC)
_TEXT = (
    "migration labour talent partnership diaspora return integration remittance mobility skills training employment "
    "youth climate border community health education entrepreneur family refugee asylum policy research dialogue "
    "europe africa belgium luxembourg senegal morocco rwanda tunisia nigeria iom project"
)
WORDS = _TEXT.split()
BATCH = 5000


@dataclass(frozen=True)
class Size:
    shows: int
    episodes_per_show: int
    big_show_episodes: int = 0  # one more show with this many episodes (0: none)
    people: int = 200
    projects: int = 10
    videos: int = 200

    @property
    def episodes(self) -> int:
        return self.shows * self.episodes_per_show + self.big_show_episodes


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(session: Session, model: Any, rows: Iterator[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        session.execute(insert(model.__table__), batch)


def _next_id(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def generate(session: Session, size: Size, *, seed: int = 17, prefix: str = "gen") -> None:
    """Adds the catalogue of `size` in the session's transaction (the caller commits) and bumps the content
    version, as any write does."""
    rng = random.Random(seed)  # noqa: S311 - made-up text, not secrets
    now = datetime.now(UTC)
    base = {"projects": _next_id(session, Project), "people": _next_id(session, Person),
            "shows": _next_id(session, Show), "episodes": _next_id(session, Episode)}  # fmt: skip
    _insert(session, Project, ({"id": base["projects"] + i, "slug": f"{prefix}-project-{i}",
            "name": f"Project {i} {_text(rng, 2)}", "description": _text(rng, 30)}
            for i in range(size.projects)))  # fmt: skip
    _insert(session, Person, ({"id": base["people"] + i, "slug": f"{prefix}-person-{i}",
            "name": f"Person {i} {rng.choice(WORDS).title()}", "affiliation": "IOM", "bio": _text(rng, 20)}
            for i in range(size.people)))  # fmt: skip
    counts = [size.episodes_per_show] * size.shows + ([size.big_show_episodes] if size.big_show_episodes else [])
    _insert(session, Show, ({
        "id": base["shows"] + i, "slug": f"{prefix}-show-{i}", "title": f"Show {i} {_text(rng, 3)}",
        "subtitle": _text(rng, 6), "description": _text(rng, 60), "author": "IOM", "owner_name": "IOM",
        "owner_email": "podcasts@example.org", "language": "fr" if i % 2 else "en", "category": "Society & Culture",
        "podcast_guid": f"{prefix}-{seed}-{i}-guid", "translation_group": f"{prefix}-group-{i // 2}",
        "project_id": base["projects"] + i % size.projects if size.projects else None,
        "created_at": now, "updated_at": now,
    } for i in range(len(counts))))  # fmt: skip
    _insert(session, Season, ({"show_id": base["shows"] + i, "number": 1, "name": f"Season one of {i}"}
            for i in range(len(counts))))  # fmt: skip
    _insert(session, Credit, ({"person_id": base["people"] + i % size.people, "role": "host", "position": 0,
            "show_id": base["shows"] + i} for i in range(len(counts))))  # fmt: skip
    _insert(session, Episode, _episodes(rng, base, counts, prefix, now))
    total = sum(counts)
    _insert(session, MediaFile, ({
        "episode_id": base["episodes"] + n, "role": "primary", "position": 0,
        "storage_key": f"media/{prefix}/{n}.mp3", "extension": "mp3", "mime_type": "audio/mpeg",
        "byte_length": 1_000_000 + n, "sha256": f"{n:064x}", "duration_ms": 600_000 + n, "bitrate": 128_000,
        "created_at": now,
    } for n in range(total)))  # fmt: skip
    _insert(session, Credit, ({"person_id": base["people"] + (n * 7) % size.people, "role": "guest", "position": 0,
            "episode_id": base["episodes"] + n} for n in range(total)))  # fmt: skip
    _insert(session, Transcript, ({
        "episode_id": base["episodes"] + n, "language": "en", "format": "vtt", "mime_type": "text/vtt",
        "storage_key": f"transcripts/{prefix}/{n}.vtt", "byte_length": 100, "text": _text(rng, 80),
    } for n in range(0, total, 5)))  # fmt: skip
    _insert(session, Video, ({
        "slug": f"{prefix}-video-{i}", "guid": f"{prefix}-{seed}-video-{i}"[:36], "title": f"Video {i} {_text(rng, 3)}",
        "provider": "youtube", "provider_id": f"vid{i:08d}", "url": f"https://www.youtube.com/watch?v=vid{i:08d}",
        "published_on": date(2020, 1, 1) + timedelta(days=i), "language": "en", "description": _text(rng, 25),
        "subtitle_languages": [], "series": f"Series {i % 5}" if i % 3 == 0 else None,
        "project_id": base["projects"] + i % size.projects if size.projects else None, "created_at": now,
        "updated_at": now,
    } for i in range(size.videos)))  # fmt: skip
    video_base = int(session.scalar(select(func.min(Video.id)).where(Video.slug.like(f"{prefix}-video-%"))) or 0)
    _insert(session, Credit, ({"person_id": base["people"] + i % size.people, "role": "guest", "position": 0,
            "video_id": video_base + i} for i in range(size.videos)))  # fmt: skip
    _advance_sequences(session)
    versions.bump_catalogue(session)


def _advance_sequences(session: Session) -> None:
    """Rows were given their ids: move PostgreSQL's sequences past them, so later inserts get fresh ones."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("projects", "people", "shows", "episodes"):
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        )


def _episodes(
    rng: random.Random, base: dict[str, int], counts: list[int], prefix: str, now: datetime
) -> Iterator[dict[str, Any]]:
    n = 0
    for show_index, count in enumerate(counts):
        for number in range(1, count + 1):
            published = START + timedelta(hours=number * 7 + show_index)
            yield {
                "id": base["episodes"] + n, "show_id": base["shows"] + show_index, "slug": f"episode-{number}",
                "title": f"Episode {number}: {_text(rng, 5)}", "number": number, "season": 1,
                "episode_type": "full", "summary": _text(rng, 25), "show_notes": _text(rng, 120),
                "status": "published", "published_at": published, "date_precision": "day",
                "guid": f"{prefix}-{show_index}-{number}-{rng.random():.12f}",
                "translation_group": f"{prefix}-ep-{show_index // 2}-{number}", "created_at": now,
                "updated_at": now,
            }  # fmt: skip
            n += 1
