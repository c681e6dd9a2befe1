"""Write a parsed feed into the catalogue: check first (locked feed, same show, GUIDs owned elsewhere) so that a
refusal writes nothing, then create or update the show and upsert its episodes by GUID, bringing their files through
ingest. Idempotent: a second import of the same feed adds what is new, updates what changed and duplicates nothing.
The caller owns the transaction (and commits)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ..catalogue import audit, versions
from ..catalogue.audit import Actor
from ..catalogue.editing.common import EMAIL_PATTERN, LANGUAGE_PATTERN, show_slug_problem, slugify
from ..catalogue.identity import feed_url_seed, podcast_guid_for
from ..catalogue.models import Episode, EpisodeType, Season, Show, ShowType, Status, utcnow
from ..catalogue.queries import imports as reads
from ..config import Settings
from ..storage import Storage
from ..text import plain_text
from ..urls import UrlPlan
from . import files
from .document import refuse
from .notes import html_to_markdown
from .parse import ItemData, ParsedFeed
from .people import replace_credits, replace_link

_LANGUAGE = re.compile(LANGUAGE_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)


@dataclass
class ImportOptions:
    actor: Actor
    download: bool = True
    owner_confirmed: bool = False
    feed_url: str | None = None  # the feed's public URL at its current host (SRC when it is a URL)
    prefetched: dict[str, files.Prefetched] = field(default_factory=dict)  # enclosure URL -> file already fetched


@dataclass
class ImportReport:
    show: str
    show_created: bool = False
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        state = "created" if self.show_created else "updated"
        return (
            f"imported {self.show} (show {state}): {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed download(s) left as drafts, "
            f"{len(self.warnings)} warning(s)"
        )


def original_url(feed: ParsedFeed, options: ImportOptions) -> str | None:
    return options.feed_url or feed.show.self_url


def _podcast_guid(feed: ParsedFeed, options: ImportOptions, settings: Settings, slug: str) -> str:
    if feed.show.podcast_guid:
        return feed.show.podcast_guid
    return podcast_guid_for(original_url(feed, options) or UrlPlan(settings).feed(slug))


def check_locked(feed: ParsedFeed, *, owner_confirmed: bool) -> None:
    """A feed its owner locked (podcast:locked yes) moves only with the owner's confirmation."""
    if feed.show.locked and not owner_confirmed:
        raise refuse(
            f"a feed locked by its owner (podcast:locked yes); owner: {feed.owner_address}",
            "accepted once the owner confirms the move: ask them, then import again with --owner-confirmed",
        )


def check(session: Session, settings: Settings, slug: str, feed: ParsedFeed, options: ImportOptions) -> Show | None:
    """Every refusal, before anything is written; returns the existing show (None when it will be created)."""
    check_locked(feed, owner_confirmed=options.owner_confirmed)
    show = reads.show_by_slug(session, slug)
    if show is None and show_slug_problem(slug):
        raise refuse(
            f"the show slug {slug!r}, which the site's own addresses use (/shows/{slug}/2 is a page of the show list)",
            f"accepted: any other slug, for example {slug}-podcast",
        )
    guid = _podcast_guid(feed, options, settings, slug)
    url = original_url(feed, options)
    if show is not None:
        known = {feed_url_seed(u) for u in [show.imported_from or "", *(show.previous_feed_urls or [])] if u}
        if guid != show.podcast_guid and not (url and feed_url_seed(url) in known):
            raise refuse(
                f"show {slug!r} exists and this feed is another podcast (podcast:guid {guid}, show has "
                f"{show.podcast_guid}; feed URL {url or 'unknown'}, recorded {show.imported_from or 'none'})",
                "accepted: the same podcast as the first import (same podcast:guid or feed URL), or a new show slug",
            )
    else:
        owner = reads.podcast_guid_owner(session, guid)
        if owner is not None:
            raise refuse(
                f"a feed with podcast:guid {guid}, which show {owner.slug!r} already has",
                f"accepted: importing it again as --show {owner.slug}",
            )
    taken = reads.guids_elsewhere(session, (item.guid for item in feed.items), show)
    if taken:
        listed = ", ".join(f"{guid!r} ({owner})" for guid, owner in taken[:3])
        raise refuse(
            f"{len(taken)} episode GUID(s) that other shows already have: {listed}",
            "accepted: GUIDs no other show uses (import the feed again into the show that has them)",
        )
    return show


def _show_fields(show: Show, feed: ParsedFeed, settings: Settings, report: ImportReport) -> None:
    data = feed.show
    show.title = (data.title or show.slug)[:300]
    show.subtitle = data.subtitle[:500]
    show.description = html_to_markdown(data.description_html)
    if data.language and _LANGUAGE.match(data.language) and len(data.language) <= 20:
        show.language = data.language
    elif not show.language:
        show.language = "en"
        report.warnings.append(f"warning: channel: language {data.language!r} is not a language code; set to en")
    show.author = data.author[:300]
    show.owner_name = data.owner_name[:300]
    if _EMAIL.match(data.owner_email) and len(data.owner_email) <= 320:
        show.owner_email = data.owner_email
    else:
        report.warnings.append(f"warning: channel: itunes:owner email {data.owner_email!r} is not an address")
    show.category, show.subcategory = data.category[:100], (data.subcategory or None) and data.subcategory[:100]
    show.explicit = data.explicit
    show.show_type = ShowType(data.show_type)
    show.website = data.website if data.website and data.website.startswith(("http://", "https://")) else None
    show.copyright = data.copyright[:500]
    show.funding_url, show.funding_text = data.funding_url, (data.funding_text or None) and data.funding_text[:300]
    show.license = (data.license or None) and data.license[:200]
    if data.locked is not None:
        show.locked = data.locked
    show.complete = data.complete


def _show(
    session: Session, storage: Storage, settings: Settings, slug: str, existing: Show | None, feed: ParsedFeed,
    options: ImportOptions, report: ImportReport,
) -> Show:  # fmt: skip
    show = existing
    if show is None:
        show = Show(slug=slug, title=feed.show.title or slug, language="", timezone=settings.timezone)
        show.podcast_guid = _podcast_guid(feed, options, settings, slug)
        session.add(show)
        report.show_created = True
        if not original_url(feed, options) and not feed.show.podcast_guid:
            report.warnings.append(
                "warning: channel: neither the feed's URL (--feed-url, atom:link rel=self) nor a podcast:guid is "
                "known; podcast:guid computed from this catalogue's feed URL"
            )
    _show_fields(show, feed, settings, report)
    url = original_url(feed, options)
    if url:
        show.imported_from = show.imported_from or url
        previous = list(show.previous_feed_urls or [])
        if url not in previous:
            show.previous_feed_urls = [*previous, url]
    if feed.show.image_url:
        if options.download and (report.show_created or not show.artwork_key):
            show.artwork_key = files.artwork_key(storage, settings, feed.show.image_url, "channel", report.warnings)
        elif not options.download and not show.artwork_key:
            report.warnings.append(f"warning: channel: artwork {feed.show.image_url} not fetched (--no-download)")
    session.flush()
    replace_credits(session, show.credits, feed.show.people)
    return show


def _season(show: Show, number: int, name: str) -> None:
    season = next((s for s in show.seasons if s.number == number), None)
    if season is None:
        show.seasons.append(Season(number=number, name=name[:300]))
    elif season.name != name[:300]:
        season.name = name[:300]


def _snapshot(episode: Episode) -> dict[str, Any]:
    columns = ("title", "summary", "show_notes", "number", "season", "episode_type", "explicit", "published_at",
               "external_enclosure_url", "external_enclosure_length", "external_enclosure_type",
               "external_duration_ms", "status", "import_error", "artwork_key", "chapters")  # fmt: skip
    data = {name: getattr(episode, name) for name in columns}
    data["media"] = [(m.role, m.sha256) for m in episode.media_files]
    data["transcripts"] = [(t.language, t.storage_key) for t in episode.transcripts]
    data["credits"] = [(c.person_id, c.role) for c in episode.credits]
    data["links"] = [(link.kind, link.url) for link in episode.links]
    return data


def _fields(episode: Episode, item: ItemData) -> None:
    episode.title = item.title[:500]
    episode.summary = plain_text(item.summary, limit=4000) if item.summary else ""
    episode.show_notes = html_to_markdown(item.notes_html)
    episode.number, episode.season = item.number, item.season
    episode.episode_type = EpisodeType(item.episode_type)
    episode.explicit = item.explicit
    episode.published_at = item.published_at
    episode.external_enclosure_url = item.enclosure.url[:2000]
    episode.external_enclosure_length = item.enclosure.length
    episode.external_enclosure_type = (item.enclosure.type or None) and item.enclosure.type[:100]
    episode.external_duration_ms = item.duration_seconds * 1000 if item.duration_seconds is not None else None


def needs_download(episode: Episode | None, item: ItemData) -> bool:
    """Whether importing this item downloads its media (new episode, no media yet, or the enclosure moved)."""
    return episode is None or episode.primary_media is None or episode.external_enclosure_url != item.enclosure.url


def _status(episode: Episode) -> Status:
    assert episode.published_at is not None
    return Status.published if episode.published_at <= utcnow() else Status.scheduled


def _episode(
    session: Session, storage: Storage, settings: Settings, show: Show, episode: Episode | None, item: ItemData,
    slugs: set[str], options: ImportOptions, report: ImportReport, progress: files.Progress | None,
) -> None:  # fmt: skip
    where = f'item {item.position} "{item.title[:60]}"'
    created = episode is None
    if episode is None:
        slug = base = slugify(item.title)
        counter = 2
        while slug in slugs:
            slug, counter = f"{base}-{counter}", counter + 1
        slugs.add(slug)
        episode = Episode(show=show, slug=slug, title=item.title[:500], guid=item.guid, status=Status.draft)
        session.add(episode)
    before = None if created else _snapshot(episode)
    previous_url = episode.external_enclosure_url
    _fields(episode, item)
    if item.season is not None and item.season_name:
        _season(show, item.season, item.season_name)
    session.flush()
    replace_credits(session, episode.credits, item.people)
    replace_link(episode, item.link)
    failure = None
    if options.download:
        if episode.primary_media is None or previous_url != item.enclosure.url:
            failure, warnings = files.attach_enclosure(session, storage, settings, episode, item.enclosure,
                                                       progress=progress, prefetched=options.prefetched)  # fmt: skip
            report.warnings += [f"warning: {where}: {w}" for w in warnings]
        _side_files(session, storage, settings, episode, item, where, report, progress)
    else:
        for what, url in (("artwork", item.image_url), ("chapters", item.chapters_url)):
            if url:
                report.warnings.append(f"warning: {where}: {what} {url} not fetched (--no-download)")
        for url, _kind, _language in item.transcripts:
            report.warnings.append(f"warning: {where}: transcript {url} not fetched (--no-download)")
    if failure is not None:
        report.failed += 1
        episode.import_error = failure[:1000]
        report.warnings.append(f"warning: {where}: media not downloaded, left as a draft: {failure}")
    elif episode.published_at is not None and (created or episode.import_error or episode.status == Status.draft):
        episode.status, episode.import_error = _status(episode), None
    session.flush()
    if created:
        report.added += 1
    elif _snapshot(episode) != before:
        report.updated += 1
    else:
        report.unchanged += 1


def _side_files(
    session: Session, storage: Storage, settings: Settings, episode: Episode, item: ItemData, where: str,
    report: ImportReport, progress: files.Progress | None,
) -> None:  # fmt: skip
    if item.image_url and not episode.artwork_key:
        episode.artwork_key = files.artwork_key(storage, settings, item.image_url, where, report.warnings)
    if item.chapters_url and not episode.chapters:
        episode.chapters = files.chapters_from(item.chapters_url, settings, where, report.warnings)
    for transcript in item.transcripts:
        files.add_transcript(session, storage, settings, episode, transcript, where, report.warnings)
    for alternate in item.alternates:
        if not any(m.role == "alternate" for m in episode.media_files):
            failure, _ = files.attach_enclosure(session, storage, settings, episode, alternate, role="alternate",
                                                progress=progress)  # fmt: skip
            if failure:
                report.warnings.append(f"warning: {where}: alternate enclosure not imported: {failure}")


def import_feed(
    session: Session,
    storage: Storage,
    settings: Settings,
    slug: str,
    feed: ParsedFeed,
    options: ImportOptions,
    progress: files.Progress | None = None,
) -> ImportReport:
    """Check, then write the show and its episodes (see the module docstring); the caller commits."""
    existing = check(session, settings, slug, feed, options)
    report = ImportReport(show=slug, warnings=list(feed.warnings))
    show = _show(session, storage, settings, slug, existing, feed, options, report)
    episodes = {e.guid: e for e in reads.all_episodes(session, show) if e.guid}
    slugs = {e.slug for e in episodes.values()} | {e.slug for e in show.episodes}
    for item in feed.items:
        _episode(session, storage, settings, show, episodes.get(item.guid), item, slugs, options, report, progress)
    versions.touch(session, show)
    if feed.show.locked and options.owner_confirmed:
        audit.record(
            session, options.actor, "show.import.owner_confirmed", "show", show.id, show.slug, show_id=show.id,
            note=f"podcast:locked feed imported; the owner ({feed.owner_address}) confirmed, "
            f"says {options.actor.username}",
        )  # fmt: skip
    audit.record(
        session, options.actor, "show.import", "show", show.id, show.slug, show_id=show.id,
        after={"source": original_url(feed, options), "added": report.added, "updated": report.updated,
               "failed": report.failed},
        note=report.summary(),
    )  # fmt: skip
    return report
