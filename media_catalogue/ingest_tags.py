"""What ingest writes into a stored file's tags, taken from the catalogue (episode, show, artwork, chapters), and the
chapters embedded in a source file, adopted as the episode's when none were given."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from .catalogue.models import DatePrecision, Episode
from .config import Settings
from .errors import Invalid, NotFound
from .media import artwork as artwork_rules
from .media.chapters import parse_chapters
from .media.tags import TagData
from .storage import Storage
from .urls import UrlPlan

PLACEHOLDER_SUFFIX = " (placeholder audio)"


def written_title(title: str, placeholder: bool) -> str:
    if placeholder and "placeholder" not in title.lower():
        return title + PLACEHOLDER_SUFFIX
    return title


def _date(episode: Episode) -> str | None:
    if episode.published_at is None:
        return None
    local = episode.published_at.astimezone(ZoneInfo(episode.show.timezone or "UTC"))
    if episode.date_precision == DatePrecision.year:
        return f"{local:%Y}"
    if episode.date_precision == DatePrecision.month:
        return f"{local:%Y-%m}"
    return f"{local:%Y-%m-%d}"


def _artwork(storage: Storage, episode: Episode, warnings: list[str]) -> tuple[bytes, str] | None:
    key = episode.artwork_key or episode.show.artwork_key
    if not key:
        return None
    try:
        with storage.open(key) as handle:
            data = handle.read(artwork_rules.MAX_BYTES + 1)
    except NotFound:
        warnings.append(f"The artwork {key} is missing from storage; the file was tagged without cover art.")
        return None
    return data, "image/png" if key.endswith(".png") else "image/jpeg"


def _chapters(episode: Episode, duration_ms: int, warnings: list[str]) -> list[dict[str, Any]]:
    chapters = list(episode.chapters or [])
    inside = [c for c in chapters if c["startTime"] * 1000 < duration_ms]
    if len(inside) < len(chapters):
        warnings.append(
            f"{len(chapters) - len(inside)} chapter(s) start after the end of the audio "
            f"({duration_ms / 1000:.1f} s) and were left out of the embedded chapters."
        )
    return inside


def tag_data(
    storage: Storage, settings: Settings, episode: Episode, *, duration_ms: int, placeholder: bool
) -> tuple[TagData, list[str]]:
    show = episode.show
    urls = UrlPlan(settings)
    warnings: list[str] = []
    data = TagData(
        title=written_title(episode.title, placeholder),
        artist=show.author or show.title,
        album=show.title,
        track=episode.number,
        date=_date(episode),
        language=show.language,
        description=episode.summary or episode.show_notes,
        episode_url=urls.episode(show.slug, episode.slug),
        feed_url=urls.feed(show.slug),
        guid=episode.guid,
        artwork=_artwork(storage, episode, warnings),
        chapters=_chapters(episode, duration_ms, warnings),
        duration_ms=duration_ms,
    )
    return data, warnings


def adopt_embedded(episode: Episode, embedded: list[dict[str, Any]], warnings: list[str]) -> None:
    """Make the chapters embedded in the source the episode's when it has none: they are what the producer meant
    listeners to see, and the stored file's tags, the JSON chapters file and the page are then written from them."""
    if episode.chapters or not embedded:
        return
    cleaned: list[dict[str, Any]] = []
    for index, chapter in enumerate(embedded, start=1):
        if cleaned and chapter["startTime"] <= cleaned[-1]["startTime"]:
            continue  # two chapters at one time: keep the first
        entry = dict(chapter)
        entry["title"] = entry.get("title", "").strip() or f"Chapter {index}"
        cleaned.append(entry)
    for chapter, following in zip(cleaned, cleaned[1:], strict=False):
        if chapter.get("endTime") == following["startTime"]:
            del chapter["endTime"]  # implied by the next chapter's start
    try:
        episode.chapters = parse_chapters(cleaned)
    except Invalid as error:
        warnings.append(f"The chapters embedded in the file could not be used: {error.message}")
        return
    warnings.append(f"The {len(cleaned)} chapters embedded in the file became the episode's chapters.")
