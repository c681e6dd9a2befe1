"""The feed checker's rules for one episode, and for what shows and episodes share (artwork, people)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import UTC
from email.utils import format_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..catalogue.models import Credit, DatePrecision, Episode, Show, ShowType
from ..urls import UrlPlan
from .findings import Report, StorageProbe
from .items import enclosure_of, person_role

# Enclosure types Apple Podcasts accepts (Apple Podcasts Connect: "Podcast RSS feed requirements").
APPLE_MEDIA_TYPES = frozenset(
    {"audio/mpeg", "audio/x-m4a", "audio/mp4", "audio/aac", "video/mp4", "video/x-m4v", "video/quicktime"}
)
TRANSCRIPT_TYPES = frozenset({"text/vtt", "application/x-subrip", "application/srt", "text/html", "text/plain"})
TRANSCRIPT_TYPES |= {"application/json"}
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_artwork(report: Report, key: str | None, storage: StorageProbe | None, *, episode: str | None = None) -> None:
    where = "the episode" if episode else "the show"
    if not key:
        if episode is None:
            report.error(
                "artwork-missing",
                "The show has no artwork; Apple Podcasts and Spotify refuse a feed without it.",
                f"Add a square JPEG or PNG of {ARTWORK_MIN}-{ARTWORK_MAX} px as `artwork` in show.yaml.",
                field="artwork",
            )
        return
    if not key.lower().endswith((".jpg", ".jpeg", ".png")):
        report.error(
            "artwork-format",
            f"The artwork of {where} is not a .jpg or .png file ({key}).",
            "Convert the artwork to JPEG or PNG (RGB).",
            episode=episode,
            field="artwork",
        )
    if storage is None:
        return
    if not storage.exists(key):
        report.error(
            "artwork-unreachable",
            f"The artwork of {where} is not in storage ({key}).",
            "Upload the artwork again (or run `media-catalogue sync`).",
            episode=episode,
            field="artwork",
        )
        return
    try:
        from PIL import Image

        with storage.open(key) as stream, Image.open(io.BytesIO(stream.read())) as image:
            width, height, mode, fmt = image.width, image.height, image.mode, image.format
    except Exception as exc:
        report.error(
            "artwork-unreadable",
            f"The artwork of {where} cannot be read as an image ({exc}).",
            "Replace it with a JPEG or PNG.",
            episode=episode,
            field="artwork",
        )
        return
    if width != height or not ARTWORK_MIN <= width <= ARTWORK_MAX:
        report.error(
            "artwork-size",
            f"The artwork of {where} is {width}x{height} px; Apple requires a square of "
            f"{ARTWORK_MIN}-{ARTWORK_MAX} px.",
            f"Export the artwork as a square between {ARTWORK_MIN}x{ARTWORK_MIN} and {ARTWORK_MAX}x{ARTWORK_MAX} px.",
            episode=episode,
            field="artwork",
        )
    if fmt not in ("JPEG", "PNG") or mode not in ("RGB", "RGBA", "P", "L"):
        report.error(
            "artwork-colour",
            f"The artwork of {where} is {fmt} in {mode}; Apple wants JPEG or PNG in an RGB colour space.",
            "Export the artwork as an RGB JPEG or PNG (not CMYK).",
            episode=episode,
            field="artwork",
        )


def check_people(report: Report, credits: Iterable[Credit], episode: str | None = None) -> None:
    for credit in credits:
        if person_role(credit.role) is None:
            report.warning(
                "person-role-unknown",
                f"{credit.person.name}'s role {credit.role!r} is not in the podcast namespace's person taxonomy; "
                "apps may not show it.",
                "Use host, co-host, guest, interviewer, narrator, producer, researcher, translator...",
                episode=episode,
                field="people",
            )


def check_episode(report: Report, show: Show, episode: Episode, urls: UrlPlan, storage: StorageProbe | None) -> None:
    slug = episode.slug
    if not episode.title.strip():
        report.error("episode-title-missing", "The episode has no title.", "Set `title`.", episode=slug, field="title")
    if not episode.guid:
        report.error(
            "guid-missing",
            "The episode has no GUID, so it is left out of the feed.",
            "Publish it through `sync` or the staff pages, which assign its permanent GUID.",
            episode=slug,
            field="guid",
        )
    if episode.published_at is None:
        report.error(
            "date-missing",
            "The episode has no publication date, so it is left out of the feed.",
            "Set `published`.",
            episode=slug,
            field="published",
        )
    elif episode.date_precision != DatePrecision.day:
        known = "month" if episode.date_precision == DatePrecision.month else "year"
        local = episode.published_at.astimezone(zone_of(show.timezone))
        given = format_datetime(episode.published_at.astimezone(UTC))  # exactly as the feed's <pubDate> says it
        report.warning(
            "date-imprecise",
            f"Only the {known} of publication is known; the feed gives {given} "
            f"({local:%Y-%m-%d %H:%M} {show.timezone}) as the date.",
            "Set the exact day in `published` when the source gives it.",
            episode=slug,
            field="published",
        )
    if not (episode.summary or episode.show_notes).strip():
        report.warning(
            "episode-description-missing",
            "The episode has neither a summary nor show notes; apps show the title only.",
            "Add `summary` or show notes.",
            episode=slug,
            field="summary",
        )
    if show.show_type == ShowType.serial and episode.number is None:
        report.error(
            "episode-number-missing",
            "The show is serial, and Apple requires an episode number on every episode of a serial show.",
            "Set `number`.",
            episode=slug,
            field="number",
        )
    enclosure = enclosure_of(episode, urls)
    media = episode.primary_media
    if enclosure is None:
        report.error(
            "enclosure-missing",
            "The episode has no audio or video file, so it is left out of the feed.",
            "Add `audio:` (a file to ingest) or `enclosure_url` with `enclosure_length` and `enclosure_type`.",
            episode=slug,
            field="audio",
        )
    else:
        if enclosure.length <= 0:
            report.error(
                "enclosure-length-missing",
                "The enclosure has no byte length; Apple requires the exact file size.",
                "Set `enclosure_length` to the file's size in bytes.",
                episode=slug,
                field="enclosure_length",
            )
        if enclosure.type not in APPLE_MEDIA_TYPES:
            report.error(
                "enclosure-type",
                f"The enclosure type {enclosure.type!r} is not one Apple Podcasts accepts.",
                f"Use one of: {', '.join(sorted(APPLE_MEDIA_TYPES))}.",
                episode=slug,
                field="enclosure_type",
            )
        if media is None and not (episode.external_enclosure_url or "").startswith("https://"):
            report.warning(
                "enclosure-insecure",
                "The external enclosure URL is not https; some apps refuse plain http.",
                "Use an https:// enclosure URL.",
                episode=slug,
                field="enclosure_url",
            )
    if media is not None and storage is not None and not storage.exists(media.storage_key):
        report.error(
            "enclosure-unreachable",
            f"The enclosure file is not in storage ({media.storage_key}); listeners would get a 404.",
            "Ingest the audio again (or run `media-catalogue sync`).",
            episode=slug,
            field="audio",
        )
    if media is not None and not media.duration_ms:
        report.warning(
            "duration-missing",
            "The episode's duration is unknown (itunes:duration is left out).",
            "Re-ingest the audio so that its duration is probed.",
            episode=slug,
            field="audio",
        )
    elif media is None and enclosure is not None:
        report.warning(
            "duration-missing",
            "The duration of the externally hosted enclosure is unknown (itunes:duration is left out).",
            "Ingest the audio file itself instead of linking it, so that its duration is probed.",
            episode=slug,
            field="enclosure_url",
        )
    for alternate in episode.alternate_media:
        if storage is not None and not storage.exists(alternate.storage_key):
            report.error(
                "alternate-enclosure-unreachable",
                f"The {alternate.role} file is not in storage ({alternate.storage_key}).",
                "Ingest it again.",
                episode=slug,
                field="video",
            )
    for transcript in episode.transcripts:
        if not transcript.language or not LANGUAGE.match(transcript.language):
            report.error(
                "transcript-language-missing",
                f"A transcript has no valid language ({transcript.language!r}).",
                "Give every transcript a BCP 47 language code.",
                episode=slug,
                field="transcripts",
            )
        if transcript.mime_type and transcript.mime_type not in TRANSCRIPT_TYPES:
            report.warning(
                "transcript-type",
                f"The transcript type {transcript.mime_type!r} is not one the namespace lists.",
                "Provide WebVTT (text/vtt) or SubRip (application/x-subrip).",
                episode=slug,
                field="transcripts",
            )
        if storage is not None and not storage.exists(transcript.storage_key):
            report.error(
                "transcript-unreachable",
                f"The {transcript.language} transcript is not in storage ({transcript.storage_key}).",
                "Add the transcript again.",
                episode=slug,
                field="transcripts",
            )
    for index, chapter in enumerate(episode.chapters or []):
        if not isinstance(chapter, dict) or not isinstance(chapter.get("startTime"), int | float):
            report.error(
                "chapters-invalid",
                f"Chapter {index + 1} has no numeric startTime; apps ignore the chapters file.",
                "Give every chapter a start time in seconds.",
                episode=slug,
                field="chapters",
            )
            break
    season_name = show.season_name(episode.season) if episode.season is not None else None
    if season_name and len(season_name) > 128:
        report.warning(
            "season-name-too-long",
            "The season name is longer than the 128 characters podcast:season allows.",
            "Shorten the season name in show.yaml.",
            episode=slug,
            field="season",
        )
    check_people(report, episode.credits, slug)
    check_artwork(report, episode.artwork_key, storage, episode=slug)
