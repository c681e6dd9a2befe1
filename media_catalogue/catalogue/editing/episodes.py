"""Staff editing of episodes: create, update, publish now, schedule, unpublish, soft-delete and restore.

The web form, the JSON API and the CLI all call these functions; each checks the caller's role, records an audit
entry and bumps the content versions in the caller's transaction. GUIDs are frozen at first publication or
scheduling; so is the slug (it is part of the enclosure URL, which must never change once out).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Conflict, Invalid, NotFound
from ...storage import Storage
from .. import access, audit, versions
from ..access import Identity
from ..accounts import Role
from ..identity import episode_guid_for
from ..models import (
    LIVE_STATUSES,
    Credit,
    DatePrecision,
    Episode,
    EpisodeType,
    Link,
    Person,
    Season,
    Show,
    Status,
    utcnow,
)
from ..queries import episode_loading
from .common import CreditIn, LinkIn, Slug, slugify, utc_moment

DELETED_RETENTION = timedelta(days=30)


class EpisodeFields(BaseModel):
    """Editable episode metadata; on update only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    slug: Slug | None = Field(None, description="Address of the episode; frozen once published or scheduled.")
    number: int | None = Field(None, ge=0, le=100_000)
    season: int | None = Field(None, ge=0, le=10_000)
    season_name: str | None = Field(None, max_length=300, description="Name of the season (shared by its episodes).")
    episode_type: Literal["full", "trailer", "bonus"] = "full"
    summary: str = Field("", max_length=4000)
    show_notes: str = Field("", max_length=200_000, description="Markdown; raw HTML is not rendered.")
    explicit: bool | None = None
    people: list[CreditIn] = Field(default_factory=list, max_length=100)
    links: list[LinkIn] = Field(default_factory=list, max_length=50)
    chapters: list[dict[str, Any]] | None = Field(
        None, max_length=500, description="Podcasting 2.0 chapters: [{startTime, title, url?, img?}]."
    )
    translations: list[str] = Field(
        default_factory=list, max_length=20, description="Episodes in other languages, as show-slug/episode-slug."
    )

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("a title is needed")
        return value


# -- reading -----------------------------------------------------------------------------------------------------


def get_episode(session: Session, identity: Identity, show: Show, slug: str) -> Episode:
    """Any episode (draft, scheduled, deleted...) of a show the user may at least view."""
    access.require(identity.user, Role.viewer, show)
    episode = session.scalar(
        select(Episode).where(Episode.show_id == show.id, Episode.slug == slug).options(*episode_loading())
    )
    if episode is None:
        raise NotFound(f"The show '{show.slug}' has no episode '{slug}'.")
    return episode


def list_episodes(session: Session, identity: Identity, show: Show, *, include_deleted: bool = False) -> list[Episode]:
    access.require(identity.user, Role.viewer, show)
    statement = select(Episode).where(Episode.show_id == show.id).options(*episode_loading())
    if not include_deleted:
        statement = statement.where(Episode.deleted_at.is_(None))
    statement = statement.order_by(Episode.published_at.desc().nulls_first(), Episode.id.desc())
    return list(session.scalars(statement))


def snapshot(episode: Episode) -> dict[str, Any]:
    """The episode's editable state: what the audit trail records and the ETag digests."""
    return audit.plain(
        {
            "slug": episode.slug,
            "title": episode.title,
            "number": episode.number,
            "season": episode.season,
            "season_name": episode.show.season_name(episode.season) if episode.show else None,
            "episode_type": episode.episode_type,
            "summary": episode.summary,
            "show_notes": episode.show_notes,
            "explicit": episode.explicit,
            "status": episode.status,
            "published_at": episode.published_at,
            "guid": episode.guid,
            "deleted_at": episode.deleted_at,
            "people": [{"person": c.person.slug, "role": c.role} for c in episode.credits],
            "links": [{"kind": x.kind, "url": x.url, "label": x.label} for x in episode.links],
            "chapters": episode.chapters,
            "translation_group": episode.translation_group,
            "artwork_key": episode.artwork_key,
            "media": [{"role": m.role, "sha256": m.sha256, "bytes": m.byte_length} for m in episode.media_files],
            "transcripts": [{"language": t.language, "format": t.format} for t in episode.transcripts],
        }
    )


def etag(episode: Episode) -> str:
    return audit.etag_of(snapshot(episode))


# -- permissions -------------------------------------------------------------------------------------------------


def require_edit(identity: Identity, episode: Episode) -> None:
    """Contributors edit drafts; once an episode was scheduled or published, editing it needs an editor."""
    needed = Role.contributor if episode.status == Status.draft and episode.deleted_at is None else Role.editor
    access.require(identity.user, needed, episode.show)


# -- writing -----------------------------------------------------------------------------------------------------


def _changed(
    session: Session, identity: Identity, episode: Episode, action: str, before: dict[str, Any] | None
) -> None:
    episode.updated_at = utcnow()
    session.flush()
    session.refresh(episode)
    after = snapshot(episode)
    audit.record(
        session,
        identity.actor(),
        action,
        "episode",
        episode.id,
        f"{episode.show.slug}/{episode.slug}",
        show_id=episode.show_id,
        before=before,
        after=after,
    )
    versions.touch(session, episode.show)


def _apply(session: Session, episode: Episode, fields: EpisodeFields, sent: set[str]) -> None:
    show = episode.show
    if "slug" in sent and fields.slug and fields.slug != episode.slug:
        if episode.guid is not None:
            raise Invalid(
                "The address of an episode cannot change once it was published or scheduled: podcast apps and "
                "links already use it.",
                field="slug",
            )
        taken = session.scalar(select(Episode.id).where(Episode.show_id == show.id, Episode.slug == fields.slug))
        if taken is not None:
            raise Conflict(f"Another episode of this show already uses the address '{fields.slug}'.", field="slug")
        episode.slug = fields.slug
    for name in ("title", "number", "season", "summary", "show_notes", "explicit"):
        if name in sent:
            setattr(episode, name, getattr(fields, name))
    if "episode_type" in sent:
        episode.episode_type = EpisodeType(fields.episode_type)
    if "season_name" in sent and episode.season is not None:
        season = next((s for s in show.seasons if s.number == episode.season), None)
        season_name = (fields.season_name or "").strip() or None
        if season is None:
            show.seasons.append(Season(number=episode.season, name=season_name))
        else:
            season.name = season_name
    if "chapters" in sent:
        episode.chapters = _chapters(fields.chapters) if fields.chapters else None
    if "people" in sent:
        credits = []
        for position, credit in enumerate(fields.people):
            person = session.scalar(select(Person).where(Person.slug == credit.person))
            if person is None:
                raise Invalid(f"'{credit.person}' is not a person of the catalogue; add them first.", field="people")
            credits.append(Credit(person_id=person.id, role=credit.role.strip(), position=position))
        episode.credits.clear()
        session.flush()
        episode.credits.extend(credits)
    if "links" in sent:
        episode.links.clear()
        session.flush()
        for position, link in enumerate(fields.links):
            episode.links.append(Link(kind=link.kind, url=link.url, label=link.label, position=position))
    if "translations" in sent:
        _link_translations(session, episode, fields.translations)


def _chapters(chapters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from ...media.chapters import parse_chapters

    return parse_chapters(chapters)


def _link_translations(session: Session, episode: Episode, refs: list[str]) -> None:
    others: list[Episode] = []
    for ref in refs:
        show_slug, _, slug = ref.strip().partition("/")
        other = session.scalar(select(Episode).join(Show).where(Show.slug == show_slug, Episode.slug == slug))
        if other is None or other.id == episode.id:
            raise Invalid(f"'{ref}' is not another episode (write show-slug/episode-slug).", field="translations")
        others.append(other)
    if not others:
        episode.translation_group = None
        return
    group = next((o.translation_group for o in others if o.translation_group), None)
    group = group or episode.translation_group or f"{episode.show.slug}-{episode.slug}"[:160]
    episode.translation_group = group
    for other in others:
        if other.translation_group != group:
            other.translation_group = group
            versions.touch(session, other.show)


def create_episode(session: Session, identity: Identity, show: Show, fields: EpisodeFields) -> Episode:
    access.require(identity.user, Role.contributor, show)
    slug = fields.slug or slugify(fields.title)
    base, counter = slug, 2
    while session.scalar(select(Episode.id).where(Episode.show_id == show.id, Episode.slug == slug)) is not None:
        if fields.slug:
            raise Conflict(f"Another episode of this show already uses the address '{slug}'.", field="slug")
        slug, counter = f"{base}-{counter}", counter + 1
    episode = Episode(show=show, slug=slug, title=fields.title, status=Status.draft)
    session.add(episode)
    session.flush()
    _apply(session, episode, fields, fields.model_fields_set - {"slug"})
    _changed(session, identity, episode, "episode.create", None)
    return episode


def update_episode(
    session: Session, identity: Identity, episode: Episode, fields: EpisodeFields, sent: set[str], if_match: str | None
) -> Episode:
    require_edit(identity, episode)
    audit.check_if_match(if_match, etag(episode))
    before = snapshot(episode)
    _apply(session, episode, fields, sent)
    _changed(session, identity, episode, "episode.update", before)
    return episode


def publishing_problems(episode: Episode) -> list[tuple[str, str]]:
    """(field, plain-language problem) pairs that stop an episode from going out."""
    problems = []
    if episode.deleted_at is not None:
        problems.append(("status", "The episode is deleted; restore it first."))
    if not episode.title.strip():
        problems.append(("title", "The episode needs a title."))
    if episode.primary_media is None and not episode.external_enclosure_url:
        problems.append(("audio", "Upload the audio file first: a podcast episode without audio cannot be published."))
    return problems


def _go_live(
    session: Session, identity: Identity, episode: Episode, at: datetime, action: str, before: dict[str, Any] | None
) -> None:
    problems = publishing_problems(episode)
    if problems:
        field, message = problems[0]
        raise Invalid(message, code="not_publishable", field=field)
    episode.published_at = at
    episode.date_precision = DatePrecision.day
    if episode.guid is None:
        # Frozen from now on: podcast apps identify the episode by it.
        guid = episode_guid_for(episode.show, episode.slug)
        if session.scalar(select(Episode.id).where(Episode.guid == guid)) is not None:
            guid = str(uuid.uuid4())
        episode.guid = guid
    _changed(session, identity, episode, action, before)


def publish(session: Session, identity: Identity, episode: Episode, *, if_match: str | None = None) -> Episode:
    access.require(identity.user, Role.editor, episode.show)
    audit.check_if_match(if_match, etag(episode), required=False)
    before = snapshot(episode)
    now = utcnow()
    # Re-publishing keeps the original date (and so the episode's place in the feed); a scheduled one goes out now.
    earlier = episode.guid is not None and episode.published_at is not None and episode.published_at <= now
    at = episode.published_at if earlier and episode.published_at else now
    episode.status = Status.published
    _go_live(session, identity, episode, at, "episode.publish", before)
    return episode


def schedule(
    session: Session, identity: Identity, episode: Episode, at: datetime, *, if_match: str | None = None
) -> Episode:
    """Goes live at `at` by the clock alone (see Episode.is_live): no job has to run and no request has to arrive."""
    access.require(identity.user, Role.editor, episode.show)
    audit.check_if_match(if_match, etag(episode), required=False)
    at = utc_moment(at, "published_at")
    if at <= utcnow():
        raise Invalid("The scheduled time is in the past; use Publish now instead.", field="published_at")
    before = snapshot(episode)
    episode.status = Status.scheduled
    _go_live(session, identity, episode, at, "episode.schedule", before)
    return episode


def unpublish(session: Session, identity: Identity, episode: Episode, *, if_match: str | None = None) -> Episode:
    access.require(identity.user, Role.editor, episode.show)
    audit.check_if_match(if_match, etag(episode), required=False)
    before = snapshot(episode)
    episode.status = Status.unpublished if episode.guid else Status.draft
    _changed(session, identity, episode, "episode.unpublish", before)
    return episode


def delete(session: Session, identity: Identity, episode: Episode, *, if_match: str | None) -> Episode:
    """Soft delete: the episode leaves feeds and pages, its GUID stays reserved, its files stay stored for
    DELETED_RETENTION (so a mistaken delete can be restored)."""
    needed = Role.contributor if episode.status == Status.draft and episode.guid is None else Role.editor
    access.require(identity.user, needed, episode.show)
    audit.check_if_match(if_match, etag(episode))
    before = snapshot(episode)
    episode.deleted_at = utcnow()
    _changed(session, identity, episode, "episode.delete", before)
    return episode


def restore(session: Session, identity: Identity, episode: Episode) -> Episode:
    access.require(identity.user, Role.editor, episode.show)
    if episode.deleted_at is None:
        return episode
    before = snapshot(episode)
    episode.deleted_at = None
    if episode.status in LIVE_STATUSES:
        episode.status = Status.unpublished
    _changed(session, identity, episode, "episode.restore", before)
    return episode


def media_changed(session: Session, identity: Identity, episode: Episode, action: str, before: dict[str, Any]) -> None:
    """Record an upload (audio, artwork, transcript) done through ingest on this episode."""
    _changed(session, identity, episode, action, before)


def purge_deleted(session: Session, storage: Storage, *, now: datetime | None = None) -> list[str]:
    """Remove the stored files of episodes deleted more than DELETED_RETENTION ago. The episode row stays (its GUID
    stays reserved, its page answers 410); the files go once the transaction commits. Safe to run from several
    workers or by cron: a second run finds nothing left to do. Returns the purged episodes as show/slug."""
    from ...storage import pending

    cutoff = (now or utcnow()) - DELETED_RETENTION
    purged = []
    statement = (
        select(Episode).where(Episode.deleted_at.is_not(None), Episode.deleted_at < cutoff).options(*episode_loading())
    )
    for episode in session.scalars(statement):
        if not (episode.media_files or episode.transcripts):
            continue
        before = snapshot(episode)
        for key in [m.storage_key for m in episode.media_files] + [t.storage_key for t in episode.transcripts]:
            pending.obsolete(session, storage, key)
        episode.media_files.clear()
        episode.transcripts.clear()
        session.flush()
        label = f"{episode.show.slug}/{episode.slug}"
        audit.record(
            session,
            audit.Actor(None, "retention", "cli"),
            "episode.purge_files",
            "episode",
            episode.id,
            label,
            show_id=episode.show_id,
            before=before,
            after=snapshot(episode),
        )
        purged.append(label)
    return purged
