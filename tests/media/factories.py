"""Helpers for the media and ingest tests: fixture paths, catalogue rows, artwork images, stored-object listings."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from media_catalogue.catalogue.models import Episode, Show, Status
from media_catalogue.config import Settings
from media_catalogue.media.mpeg import read_layout
from media_catalogue.storage import Storage

FIXTURES = Path(__file__).resolve().parent / "files"


def fixture(name: str) -> Path:
    return FIXTURES / name


def mp3_audio_frames(data: bytes) -> bytes:
    """The MPEG audio frames of an MP3 (everything but its tags)."""
    layout = read_layout(io.BytesIO(data), len(data))
    return data[layout.audio_start : layout.audio_end]


def artwork_bytes(side: int = 1400, *, height: int | None = None, mode: str = "RGB", fmt: str = "JPEG") -> bytes:
    image = Image.new(mode, (side, height or side), color=_colour(mode))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 30} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def _colour(mode: str) -> Any:
    return {"RGB": (200, 30, 60), "RGBA": (200, 30, 60, 128), "L": 120, "CMYK": (0, 50, 50, 0)}.get(mode, 1)


def add_episode(
    session: Session,
    *,
    show: Show | None = None,
    slug: str = "first-steps",
    title: str = "First steps",
    **fields: Any,
) -> Episode:
    if show is None:
        show = Show(
            slug="match-podcast",
            title="MATCH podcast",
            author="IOM Belgium and Luxembourg",
            language="en",
            podcast_guid="00000000-0000-5000-8000-000000000001",
        )
        session.add(show)
    values: dict[str, Any] = {
        "number": 2,
        "status": Status.published,
        "published_at": datetime(2022, 1, 15, 9, 0, tzinfo=UTC),
        "guid": f"guid-{slug}",
        "summary": "Labour migration and talent partnerships.",
    }
    values.update(fields)
    episode = Episode(show=show, slug=slug, title=title, **values)
    session.add(episode)
    session.flush()
    return episode


def stored_keys(storage: Storage) -> list[str]:
    return list(storage.iter_keys())


def temp_leftovers(settings: Settings) -> list[str]:
    if not settings.temp_dir.is_dir():
        return []
    return sorted(os.listdir(settings.temp_dir))
