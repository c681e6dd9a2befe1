"""The feed checker: every violation of Apple's and the Podcasting 2.0 requirements, per show and episode, with the
rule broken, what is wrong, how to fix it and which field to edit. Directories reject a feed after the fact (artwork
size, explicit values, categories off Apple's list, a missing owner email, invalid XML); this says so before.

Errors are what a directory rejects, or what keeps an episode out of the feed; warnings are facts the catalogue
lacks (each names the missing fact). `check_catalogue` reads the database; `check_show` is pure given a storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..catalogue.identity import is_podcast_guid
from ..catalogue.models import Credit, Episode, Show, Status, utcnow
from ..catalogue.queries import show_translations
from ..config import Settings
from ..urls import UrlPlan
from .apple_categories import APPLE_CATEGORIES, is_category, is_subcategory, suggest_category
from .build import build_feed
from .descriptions import DESCRIPTION_LIMIT
from .episode_checks import LANGUAGE, check_artwork, check_episode, check_people
from .findings import Finding, Report, Severity, StorageProbe
from .podcast_ns import MEDIUMS

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_show_fields(report: Report, show: Show, storage: StorageProbe | None) -> None:
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
    if not show.language or not LANGUAGE.match(show.language):
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
    check_people(report, show.credits)
    check_artwork(report, show.artwork_key, storage)


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
    report = Report(show.slug)
    urls = UrlPlan(settings)
    check_show_fields(report, show, storage)
    public = [e for e in episodes if e.status in (Status.published, Status.scheduled) and e.deleted_at is None]
    for episode in sorted(public, key=lambda e: (e.published_at is None, e.published_at), reverse=True):
        check_episode(report, show, episode, urls, storage)
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
