"""Loads the editable catalogue folder into the database: idempotent, per-item transactions, errors reported per file.

Identity is the slug (folder or file name). A file whose content hash is unchanged is skipped; an invalid file leaves
its item as it was; a file that disappeared unpublishes its item but keeps its GUID reserved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from .catalogue import versions
from .catalogue.identity import episode_guid_for, podcast_guid_for, video_guid_for
from .catalogue.models import (
    LIVE_STATUSES,
    Credit,
    Episode,
    EpisodeType,
    Link,
    Person,
    Project,
    Season,
    Show,
    ShowType,
    SlugRedirect,
    Status,
    Video,
    VideoKind,
    utcnow,
)
from .config import Settings
from .content.dates import parse_published, published_date
from .content.loader import ContentTree, Loaded, load_tree
from .content.specs import EpisodeSpec, PersonSpec, ProjectSpec, ShowSpec, VideoSpec
from .db import Database
from .errors import CatalogueError, ContentError
from .storage import Storage
from .sync_files import SyncFiles, recognise_video
from .sync_renames import NONE, Guids, RenameGuard
from .urls import UrlPlan

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[CatalogueError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unpublished)


class Syncer:
    def __init__(
        self, database: Database, settings: Settings, storage: Storage, tree: ContentTree, new_guids: Guids
    ) -> None:
        self.database = database
        self.settings = settings
        self.storage = storage
        self.tree = tree
        self.urls = UrlPlan(settings)
        self.report = SyncReport(errors=list(tree.errors))
        self.renames = RenameGuard(tree, storage, new_guids)
        self.files = SyncFiles(storage, settings, tree.root, self.report.warnings)

    # -- helpers -------------------------------------------------------------------------------------------------

    def _item(self, label: str, loaded: Loaded[Any], apply: Callable[[Session], str | None]) -> None:
        """Apply one item in its own transaction; a failure is reported and rolls back that item only."""
        try:
            with self.database.session() as session:
                outcome = apply(session)
        except ContentError as exc:
            self.report.errors.append(exc)
            return
        except CatalogueError as exc:
            self.report.errors.append(ContentError(self.tree.relative(loaded.path), exc.message, field=exc.field))
            return
        except (DataError, IntegrityError) as exc:
            # A value the database refuses (too long for its column, a duplicate): report it, keep loading the rest.
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            self.report.errors.append(ContentError(self.tree.relative(loaded.path), f"could not be stored: {reason}"))
            return
        if outcome == "created":
            self.report.created.append(label)
        elif outcome == "updated":
            self.report.updated.append(label)
        else:
            self.report.unchanged += 1

    def _unchanged(self, row: Any, loaded: Loaded[Any]) -> bool:
        """Same bytes under the same slug: nothing to do, except following a file that moved (a show folder renamed
        with previous_slugs moves all its episode files, whose content did not change)."""
        if row is None or row.content_hash != loaded.content_hash or row.slug != loaded.slug:
            return False
        row.source_path = self._rel(loaded)
        return True

    def _rel(self, loaded: Loaded[Any]) -> str:
        return self.tree.relative(loaded.path)

    def _people(self, session: Session, specs: list[Any], rel: str) -> list[tuple[Person, str]]:
        found = []
        for spec in specs:
            person = session.scalar(select(Person).where(Person.slug == spec.person))
            if person is None:
                raise ContentError(rel, f"people: '{spec.person}' is not in people.yaml", field="people")
            found.append((person, spec.role))
        return found

    def _credits_and_links(self, session: Session, row: Episode | Video, spec: Any, rel: str) -> None:
        """Replace who is credited and where else to listen or watch, in the file's order."""
        row.credits.clear()
        row.links.clear()
        session.flush()
        for position, (person, role) in enumerate(self._people(session, spec.people, rel)):
            row.credits.append(Credit(person=person, role=role, position=position))
        for position, link in enumerate(spec.links):
            row.links.append(Link(kind=link.kind, url=link.url, label=link.label, position=position))

    def _project(self, session: Session, slug: str | None, rel: str) -> Project | None:
        if slug is None:
            return None
        project = session.scalar(select(Project).where(Project.slug == slug))
        if project is None:
            raise ContentError(rel, f"project: '{slug}' is not in projects.yaml", field="project")
        return project

    @staticmethod
    def _redirects(session: Session, kind: str, scope: str, old_slugs: list[str], target_id: int) -> None:
        for old in old_slugs:
            exists = session.scalar(
                select(SlugRedirect).where(
                    SlugRedirect.kind == kind, SlugRedirect.scope == scope, SlugRedirect.old_slug == old
                )
            )
            if exists is None:
                session.add(SlugRedirect(kind=kind, scope=scope, old_slug=old, target_id=target_id))
            else:
                exists.target_id = target_id

    # -- items ---------------------------------------------------------------------------------------------------

    def _listed(self, kind: str, model: type[Any], loaded: Loaded[Any], fields: dict[str, Any]) -> None:
        """Projects and people: rows whose every field comes straight from one entry of a list file."""

        def apply(session: Session) -> str | None:
            row = session.scalar(select(model).where(model.slug == loaded.slug))
            if self._unchanged(row, loaded):
                return None
            created = row is None
            row = row or model(slug=loaded.slug)
            for name, value in fields.items():
                setattr(row, name, value)
            row.source_path, row.content_hash = self._rel(loaded), loaded.content_hash
            session.add(row)
            if isinstance(row, Person) and not created:
                versions.touch_credited(session, row.id)
            else:
                versions.bump_catalogue(session)
            return "created" if created else "updated"

        self._item(f"{kind} {loaded.slug}", loaded, apply)

    def project(self, loaded: Loaded[ProjectSpec]) -> None:
        spec = loaded.spec
        fields = {"name": spec.name, "description": spec.description, "website": spec.website}
        self._listed("project", Project, loaded, fields | {"contact_email": spec.contact_email})

    def person(self, loaded: Loaded[PersonSpec]) -> None:
        spec = loaded.spec
        fields = {"name": spec.name, "affiliation": spec.affiliation, "bio": spec.bio, "link": spec.link}
        self._listed("person", Person, loaded, fields | {"image_url": spec.image})

    def show(self, loaded: Loaded[ShowSpec]) -> None:
        def apply(session: Session) -> str | None:
            spec, rel = loaded.spec, self._rel(loaded)
            row = session.scalar(select(Show).where(Show.slug == loaded.slug))
            if row is None and spec.previous_slugs:
                row = session.scalar(select(Show).where(Show.slug.in_(spec.previous_slugs)))
            if self._unchanged(row, loaded):
                return None
            created = row is None
            if row is None:
                first_slug = spec.previous_slugs[0] if spec.previous_slugs else loaded.slug
                row = Show(
                    slug=loaded.slug, podcast_guid=spec.podcast_guid or podcast_guid_for(self.urls.feed(first_slug))
                )
                session.add(row)
            elif spec.podcast_guid and spec.podcast_guid != row.podcast_guid:
                raise ContentError(
                    rel, "podcast_guid: a show's podcast GUID never changes once set", field="podcast_guid"
                )
            row.slug = loaded.slug
            row.title, row.subtitle, row.description = spec.title, spec.subtitle, spec.description
            row.author, row.owner_name, row.owner_email = spec.author, spec.owner.name, spec.owner.email
            row.language, row.category, row.subcategory = spec.language, spec.category, spec.subcategory
            row.explicit, row.show_type = spec.explicit, ShowType(spec.type)
            row.website, row.copyright, row.timezone = spec.website, spec.copyright, spec.timezone
            row.translation_group = spec.translation_group
            row.spotify_url, row.apple_podcasts_url = spec.spotify_url, spec.apple_podcasts_url
            row.funding_url, row.funding_text, row.license = spec.funding_url, spec.funding_text, spec.license
            row.complete = spec.complete
            row.project = self._project(session, spec.project, rel)
            if spec.artwork:
                row.artwork_key = self.files.artwork(loaded.path, spec.artwork, rel)
            else:
                row.artwork_key = None
            existing = {season.number: season for season in row.seasons}
            for number, name in spec.seasons.items():
                season = existing.pop(number, None) or Season(number=number)
                season.name = name
                if season not in row.seasons:
                    row.seasons.append(season)
            for stale in existing.values():
                row.seasons.remove(stale)
            row.credits.clear()
            session.flush()
            for position, (person, role) in enumerate(self._people(session, spec.hosts, rel)):
                row.credits.append(Credit(person=person, role=role, position=position))
            row.source_path, row.content_hash = rel, loaded.content_hash
            session.flush()
            self._redirects(session, "show", "", [s for s in spec.previous_slugs if s != row.slug], row.id)
            versions.touch(session, row)
            if not created:
                self.files.retag_show(session, row)
            return "created" if created else "updated"

        self._item(f"show {loaded.slug}", loaded, apply)

    def episode(self, loaded: Loaded[EpisodeSpec]) -> None:
        label = f"episode {loaded.scope}/{loaded.slug}"

        def apply(session: Session) -> str | None:
            spec, rel = loaded.spec, self._rel(loaded)
            show = session.scalar(select(Show).where(Show.slug == loaded.scope))
            if show is None:
                raise ContentError(rel, f"the show '{loaded.scope}' could not be loaded (see its show.yaml)")
            row = session.scalar(select(Episode).where(Episode.show_id == show.id, Episode.slug == loaded.slug))
            if row is None and spec.previous_slugs:
                row = session.scalar(
                    select(Episode).where(Episode.show_id == show.id, Episode.slug.in_(spec.previous_slugs))
                )
            if self._unchanged(row, loaded):
                return None
            created = row is None
            if row is None:
                self.renames.check(show, loaded, rel)
            published_at, precision = parse_published(spec.published, show.timezone, rel)
            status = Status(spec.status)
            if status in (Status.published, Status.scheduled) and published_at is None:
                raise ContentError(rel, "published: a published or scheduled episode needs a date", field="published")
            if row is None:
                row = Episode(show=show, slug=loaded.slug)
                session.add(row)
            if spec.guid and row.guid and spec.guid != row.guid:
                raise ContentError(rel, "guid: an episode's GUID never changes once published", field="guid")
            row.slug = loaded.slug
            row.title, row.number, row.season = spec.title, spec.number, spec.season
            row.episode_type = EpisodeType(spec.type)
            row.summary, row.show_notes, row.explicit = spec.summary, loaded.body, spec.explicit
            row.status, row.published_at, row.date_precision = status, published_at, precision
            row.deleted_at = None
            row.translation_group = spec.translation_group
            row.external_enclosure_url = spec.enclosure_url
            row.external_enclosure_length = spec.enclosure_length
            row.external_enclosure_type = spec.enclosure_type
            if status in LIVE_STATUSES and row.guid is None:
                first_slug = spec.previous_slugs[0] if spec.previous_slugs else loaded.slug
                row.guid = spec.guid or episode_guid_for(show, first_slug)
            row.chapters = self.files.chapters(loaded.path, spec.chapters, rel) if spec.chapters else None
            row.artwork_key = self.files.artwork(loaded.path, spec.artwork, rel) if spec.artwork else None
            self._credits_and_links(session, row, spec, rel)
            row.source_path, row.content_hash = rel, loaded.content_hash
            session.flush()
            self.files.attach(session, row, loaded, rel)
            self._redirects(session, "episode", str(show.id), [s for s in spec.previous_slugs if s != row.slug], row.id)
            versions.touch(session, show)
            return "created" if created else "updated"

        self._item(label, loaded, apply)

    def video(self, loaded: Loaded[VideoSpec]) -> None:
        def apply(session: Session) -> str | None:
            spec, rel = loaded.spec, self._rel(loaded)
            row = session.scalar(select(Video).where(Video.slug == loaded.slug))
            if row is None and spec.previous_slugs:
                row = session.scalar(select(Video).where(Video.slug.in_(spec.previous_slugs)))
            if self._unchanged(row, loaded):
                return None
            created = row is None
            if row is None:
                first_slug = spec.previous_slugs[0] if spec.previous_slugs else loaded.slug
                row = Video(slug=loaded.slug, guid=video_guid_for(first_slug))
                session.add(row)
            row.slug, row.title, row.kind = loaded.slug, spec.title, VideoKind(spec.kind)
            provider, provider_id, canonical, start = recognise_video(spec.url, rel)
            if (row.provider, row.provider_id) != (provider, provider_id):
                row.thumbnail_key = None  # another video: its thumbnail is fetched again below
            row.url, row.provider, row.provider_id, row.start_seconds = canonical, provider, provider_id, start
            self.files.thumbnail(row, rel)
            row.published_on, row.date_precision = published_date(spec.published, rel)
            row.language, row.series, row.description = spec.language, spec.series, loaded.body
            row.subtitle_languages = list(spec.subtitles)
            row.status = Status(spec.status)
            row.project = self._project(session, spec.project, rel)
            row.episode = self._episode_ref(session, spec.episode, rel) if spec.episode else None
            self._credits_and_links(session, row, spec, rel)
            row.source_path, row.content_hash = rel, loaded.content_hash
            session.flush()
            self._redirects(session, "video", "", [s for s in spec.previous_slugs if s != row.slug], row.id)
            versions.bump_catalogue(session)
            return "created" if created else "updated"

        self._item(f"video {loaded.slug}", loaded, apply)

    @staticmethod
    def _episode_ref(session: Session, ref: str, rel: str) -> Episode:
        show_slug, _, episode_slug = ref.partition("/")
        episode = session.scalar(select(Episode).join(Show).where(Show.slug == show_slug, Episode.slug == episode_slug))
        if episode is None:
            raise ContentError(
                rel, f"episode: '{ref}' is not an episode (write show-slug/episode-slug)", field="episode"
            )
        return episode

    # -- removals ------------------------------------------------------------------------------------------------

    def unpublish_removed(self) -> None:
        """Items whose file is gone: episodes and videos are unpublished (GUID kept), shows lose their episodes."""
        seen = self.tree.seen_paths
        with self.database.session() as session:
            for episode in session.scalars(select(Episode).where(Episode.source_path.is_not(None))):
                if (
                    episode.source_path in seen
                    or episode.status == Status.unpublished
                    or episode.id in self.renames.held
                ):
                    continue
                if episode.status == Status.draft:
                    continue
                episode.status = Status.unpublished
                episode.content_hash = None
                versions.touch(session, episode.show)
                self.report.unpublished.append(f"episode {episode.show.slug}/{episode.slug}")
            for video in session.scalars(select(Video).where(Video.source_path.is_not(None))):
                if video.source_path in seen or video.status == Status.unpublished:
                    continue
                video.status = Status.unpublished
                video.content_hash = None
                versions.bump_catalogue(session)
                self.report.unpublished.append(f"video {video.slug}")

    def run(self) -> SyncReport:
        for project in self.tree.projects:
            self.project(project)
        for person in self.tree.people:
            self.person(person)
        for show in self.tree.shows:
            self.show(show)
        with self.database.session() as session:
            self.renames.find_vanishing(session)
        for episode in self.tree.episodes:
            self.episode(episode)
        for video in self.tree.videos:
            self.video(video)
        self.unpublish_removed()
        return self.report


def sync_folder(
    database: Database, settings: Settings, storage: Storage, root: Path, *, new_guids: Guids = NONE
) -> SyncReport:
    """Load the folder; `new_guids` ("show/episode"): new episodes that may reuse vanished audio (sync_renames)."""
    tree = load_tree(root)
    report = Syncer(database, settings, storage, tree, new_guids).run()
    log.info("sync %s: %d changes, %d errors", root, report.changes, len(report.errors))
    return report


def catalogue_is_empty(database: Database) -> bool:
    with database.session() as session:
        return session.scalar(select(Show.id).limit(1)) is None


__all__ = ["SyncReport", "sync_folder", "catalogue_is_empty", "podcast_guid_for", "episode_guid_for", "utcnow"]
