"""The feed checker: every violation of Apple's and the Podcasting 2.0 requirements, per show and episode, with the
rule broken, what is wrong, how to fix it and which field to edit. Directories reject a feed after the fact (artwork
size, explicit values, categories off Apple's list, a missing owner email, invalid XML); this says so before.

Errors are what a directory rejects, or what keeps an episode out of the feed; warnings are facts the catalogue
lacks (each names the missing fact). `check_catalogue` reads the database; `check_show` is pure given a storage.
"""

from __future__ import annotations

import enum
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..catalogue.identity import is_podcast_guid
from ..catalogue.models import Credit, DatePrecision, Episode, Show, ShowType, Status, utcnow
from ..catalogue.queries import show_translations
from ..config import Settings
from ..urls import UrlPlan
from .apple_categories import APPLE_CATEGORIES, is_category, is_subcategory, suggest_category
from .build import DESCRIPTION_LIMIT, build_feed, enclosure_of, person_role
from .podcast_ns import MEDIUMS

# Enclosure types Apple Podcasts accepts (Apple Podcasts Connect: "Podcast RSS feed requirements").
APPLE_MEDIA_TYPES = frozenset(
    {"audio/mpeg", "audio/x-m4a", "audio/mp4", "audio/aac", "video/mp4", "video/x-m4v", "video/quicktime"}
)
TRANSCRIPT_TYPES = frozenset({"text/vtt", "application/x-subrip", "application/srt", "text/html", "text/plain"})
TRANSCRIPT_TYPES |= {"application/json"}
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Severity(enum.StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message: str
    fix: str
    show: str
    episode: str | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        return f"{self.show}/{self.episode}" if self.episode else self.show


class StorageProbe(Protocol):
    """What the checker needs of storage.Storage (which satisfies it)."""

    def exists(self, key: str) -> bool: ...
    def open(self, key: str) -> Any: ...


class _Report:
    def __init__(self, show: str) -> None:
        self.show = show
        self.findings: list[Finding] = []

    def error(self, rule: str, message: str, fix: str, *, episode: str | None = None, field: str | None = None) -> None:
        self.findings.append(Finding(Severity.error, rule, message, fix, self.show, episode, field))

    def warning(
        self, rule: str, message: str, fix: str, *, episode: str | None = None, field: str | None = None
    ) -> None:
        self.findings.append(Finding(Severity.warning, rule, message, fix, self.show, episode, field))


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _check_artwork(
    report: _Report, key: str | None, storage: StorageProbe | None, *, episode: str | None = None
) -> None:
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


def _check_show_fields(report: _Report, show: Show, storage: StorageProbe | None) -> None:
    if not show.title.strip():
        report.error("title-missing", "The show has no title.", "Set `title` in show.yaml.", field="title")
    if not show.description.strip():
        report.error(
            "description-missing",
            "The show has no description; Apple requires one.",
            "Set `description` in show.yaml.",
            field="description",
        )
    elif len(show.description) > DESCRIPTION_LIMIT:
        report.warning(
            "description-too-long",
            f"The show description has {len(show.description)} characters; Apple shows at most {DESCRIPTION_LIMIT}.",
            "Shorten `description` in show.yaml.",
            field="description",
        )
    if not show.language or not _LANGUAGE.match(show.language):
        report.error(
            "language-invalid",
            f"The show language {show.language!r} is not a language code.",
            "Set `language` to a BCP 47 code such as en, fr or nl.",
            field="language",
        )
    if not show.owner_email:
        report.error(
            "owner-email-missing",
            "The show has no owner email; Apple and Spotify send the ownership check there and reject feeds "
            "without it.",
            "Set `owner: {name, email}` in show.yaml.",
            field="owner.email",
        )
    elif not _EMAIL.match(show.owner_email):
        report.error(
            "owner-email-invalid",
            f"The owner email {show.owner_email!r} is not an email address.",
            "Fix `owner.email` in show.yaml.",
            field="owner.email",
        )
    if not show.owner_name:
        report.warning(
            "owner-name-missing",
            "The show has no owner name (itunes:owner/itunes:name); the show title is used instead.",
            "Set `owner.name` in show.yaml.",
            field="owner.name",
        )
    if not show.author:
        report.warning(
            "author-missing",
            "The show has no author (itunes:author); the show title is used instead.",
            "Set `author` in show.yaml.",
            field="author",
        )
    if not show.category:
        report.error(
            "category-missing",
            "The show has no category; Apple requires one from its list.",
            f"Set `category` in show.yaml to one of: {', '.join(APPLE_CATEGORIES)}.",
            field="category",
        )
    elif not is_category(show.category):
        suggestion = suggest_category(show.category)
        report.error(
            "category-unknown",
            f"The category {show.category!r} is not in Apple's category list.",
            f"Use {suggestion!r}." if suggestion else f"Use one of: {', '.join(APPLE_CATEGORIES)}.",
            field="category",
        )
    if show.subcategory and is_category(show.category) and not is_subcategory(show.category, show.subcategory):
        allowed = APPLE_CATEGORIES[show.category]
        report.error(
            "subcategory-unknown",
            f"{show.subcategory!r} is not a subcategory of {show.category!r} in Apple's list.",
            f"Use one of: {', '.join(allowed)}." if allowed else f"{show.category!r} has no subcategories: remove it.",
            field="subcategory",
        )
    if not is_podcast_guid(show.podcast_guid):
        report.error(
            "podcast-guid-invalid",
            f"The podcast:guid {show.podcast_guid!r} is not a UUIDv5.",
            "Remove `podcast_guid` from show.yaml to have it computed, or give the one the previous host used.",
            field="podcast_guid",
        )
    if show.medium not in MEDIUMS:
        report.error(
            "medium-invalid",
            f"podcast:medium {show.medium!r} is not a value the Podcasting 2.0 namespace allows.",
            "Use podcast (or video, music, audiobook...).",
            field="medium",
        )
    if show.funding_url and not show.funding_url.startswith("https://"):
        report.warning(
            "funding-url-insecure", "The funding URL is not https.", "Use an https:// URL.", field="funding_url"
        )
    _check_people(report, show.credits)
    _check_artwork(report, show.artwork_key, storage)


def _check_people(report: _Report, credits: Iterable[Credit], episode: str | None = None) -> None:
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


def _check_episode(report: _Report, show: Show, episode: Episode, urls: UrlPlan, storage: StorageProbe | None) -> None:
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
        local = episode.published_at.astimezone(_zone(show.timezone))
        report.warning(
            "date-imprecise",
            f"Only the {known} of publication is known; the feed gives {local:%Y-%m-%d} as the date.",
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
        if not transcript.language or not _LANGUAGE.match(transcript.language):
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
    _check_people(report, episode.credits, slug)
    _check_artwork(report, episode.artwork_key, storage, episode=slug)


def check_show(
    show: Show,
    episodes: Sequence[Episode],
    settings: Settings,
    *,
    translations: Sequence[Show] = (),
    storage: StorageProbe | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Findings for one show and its episodes (the ones that are or will be public: published or scheduled)."""
    now = now or utcnow()
    report = _Report(show.slug)
    urls = UrlPlan(settings)
    _check_show_fields(report, show, storage)
    public = [e for e in episodes if e.status in (Status.published, Status.scheduled) and e.deleted_at is None]
    for episode in sorted(public, key=lambda e: (e.published_at is None, e.published_at), reverse=True):
        _check_episode(report, show, episode, urls, storage)
    try:
        data = build_feed(show, public, settings, translations=translations, now=now)
        channel = etree.fromstring(data).find("channel")
        items = channel.findall("item") if channel is not None else []
    except Exception as exc:
        report.error(
            "feed-invalid", f"The feed cannot be built as valid XML ({exc}).", "Report this as a bug.", field=None
        )
        return report.findings
    if not items:
        report.warning(
            "no-episodes",
            "The feed lists no episode yet; Apple accepts a new show only with at least one published episode.",
            "Publish an episode with an audio file.",
        )
    return report.findings


def check_catalogue(
    session: Session,
    settings: Settings,
    *,
    show: str | None = None,
    storage: StorageProbe | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Findings for every show (or one, by slug), episodes loaded with everything the rules read."""
    statement = (
        select(Show)
        .options(
            selectinload(Show.seasons),
            selectinload(Show.credits).selectinload(Credit.person),
            selectinload(Show.episodes).options(
                selectinload(Episode.media_files),
                selectinload(Episode.transcripts),
                selectinload(Episode.credits).selectinload(Credit.person),
            ),
        )
        .order_by(Show.slug)
    )
    if show is not None:
        from ..catalogue.queries import get_show

        statement = statement.where(Show.id == get_show(session, show).id)
    findings: list[Finding] = []
    for row in session.scalars(statement):
        findings += check_show(
            row, row.episodes, settings, translations=show_translations(session, row), storage=storage, now=now
        )
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.severity == Severity.error for finding in findings)
