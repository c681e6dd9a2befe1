"""The catalogue's data model: shows, episodes, media files, videos, people, projects and their links.

Times are stored in UTC (timezone-aware in Python); a show carries the time zone its staff think in.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .identity import video_guid_for


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives them back aware (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalogue; attach a time zone first")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


@event.listens_for(Base, "before_insert", propagate=True)
@event.listens_for(Base, "before_update", propagate=True)
def _drop_nul_characters(_mapper: Any, _connection: Any, target: Base) -> None:
    """PostgreSQL text cannot hold U+0000 (SQLite can): drop it from every string so both databases accept the
    same input, instead of one of them failing with a 500 on a pasted control character."""
    for column in target.__table__.columns:
        value = target.__dict__.get(column.key)
        if isinstance(value, str) and "\x00" in value:
            setattr(target, column.key, value.replace("\x00", ""))


class Status(enum.StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"
    unpublished = "unpublished"


LIVE_STATUSES = (Status.published, Status.scheduled)


class EpisodeType(enum.StrEnum):
    full = "full"
    trailer = "trailer"
    bonus = "bonus"


class ShowType(enum.StrEnum):
    episodic = "episodic"
    serial = "serial"


class DatePrecision(enum.StrEnum):
    """How much of a date the source knows: newsletters often say only "in September"."""

    day = "day"
    month = "month"
    year = "year"


class VideoKind(enum.StrEnum):
    vlog = "vlog"
    video_podcast = "video_podcast"
    testimony = "testimony"
    webinar = "webinar"
    short_video = "short_video"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, validate_strings=True)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(2000))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    # [{kind, url, label}]: the project's pages elsewhere (partners, social media), set in the workspace.
    links: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    source_path: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))

    shows: Mapped[list[Show]] = relationship(back_populates="project")
    videos: Mapped[list[Video]] = relationship(back_populates="project")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (Index("ix_people_name_id", "name", "id"),)  # the people index's order (migration 0015)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    affiliation: Mapped[str] = mapped_column(Text, default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(String(2000))
    link: Mapped[str | None] = mapped_column(String(2000))
    # The roles the person usually has (host, guest...), offered first when crediting them; and their other pages.
    roles: Mapped[list[str] | None] = mapped_column(JSON)
    links: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    source_path: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))

    credits: Mapped[list[Credit]] = relationship(back_populates="person")


class Show(Base):
    """A podcast series in one language: one show is one feed."""

    __tablename__ = "shows"
    __table_args__ = (Index("ix_shows_title_id", "title", "id"),)  # the shows index's order (migration 0015)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(300), default="")
    owner_name: Mapped[str] = mapped_column(String(300), default="")
    owner_email: Mapped[str] = mapped_column(String(320), default="")
    language: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(100), default="")
    subcategory: Mapped[str | None] = mapped_column(String(100))
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    artwork_key: Mapped[str | None] = mapped_column(String(500))
    website: Mapped[str | None] = mapped_column(String(2000))
    copyright: Mapped[str] = mapped_column(String(500), default="")
    # podcast:guid, computed once from the feed URL at creation and then frozen, even if the domain moves.
    podcast_guid: Mapped[str] = mapped_column(String(100), unique=True)
    show_type: Mapped[ShowType] = mapped_column(_enum(ShowType, "show_type"), default=ShowType.episodic)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    medium: Mapped[str] = mapped_column(String(20), default="podcast")
    # Shows sharing a translation_group are the same series in other languages.
    translation_group: Mapped[str | None] = mapped_column(String(120), index=True)
    apple_podcasts_url: Mapped[str | None] = mapped_column(String(2000))
    spotify_url: Mapped[str | None] = mapped_column(String(2000))
    funding_url: Mapped[str | None] = mapped_column(String(2000))
    funding_text: Mapped[str | None] = mapped_column(String(300))
    license: Mapped[str | None] = mapped_column(String(200))
    locked: Mapped[bool] = mapped_column(Boolean, default=True)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    # Moving in: the feed URL a show was imported from (its identity for re-imports) and every feed URL it had before.
    imported_from: Mapped[str | None] = mapped_column(String(2000))
    previous_feed_urls: Mapped[list[str] | None] = mapped_column(JSON)
    # Moving out: where the feed went (itunes:new-feed-url, and the old feed URL answers 301) and since when.
    new_feed_url: Mapped[str | None] = mapped_column(String(2000))
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    # Bumped by every change to the show or its episodes: feed and page caches compare it.
    content_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    source_path: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[Project | None] = relationship(back_populates="shows")
    episodes: Mapped[list[Episode]] = relationship(back_populates="show", order_by="Episode.published_at.desc()")
    seasons: Mapped[list[Season]] = relationship(
        back_populates="show", cascade="all, delete-orphan", order_by="Season.number"
    )
    credits: Mapped[list[Credit]] = relationship(
        back_populates="show", cascade="all, delete-orphan", order_by="Credit.position"
    )

    def season_name(self, number: int | None) -> str | None:
        for season in self.seasons:
            if season.number == number:
                return season.name
        return None


class Season(Base):
    """A numbered season, optionally named (the IDAHOBIT 2021 mini-series is a named season)."""

    __tablename__ = "seasons"
    __table_args__ = (UniqueConstraint("show_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(300))

    show: Mapped[Show] = relationship(back_populates="seasons")


class Episode(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        UniqueConstraint("show_id", "slug"),
        # A show's live episodes in list order from the index alone (migration 0015; on SQLite status and
        # deleted_at are trailing key columns instead of INCLUDE payload).
        Index(
            "ix_episodes_show_live_order", "show_id", "published_at", "id", postgresql_include=["status", "deleted_at"]
        ),
        # The same in id order: a child sitemap's ids (migration 0015).
        Index("ix_episodes_live_by_id", "id", postgresql_include=["status", "deleted_at", "published_at"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(500))
    number: Mapped[int | None] = mapped_column(Integer)
    season: Mapped[int | None] = mapped_column(Integer)
    episode_type: Mapped[EpisodeType] = mapped_column(_enum(EpisodeType, "episode_type"), default=EpisodeType.full)
    summary: Mapped[str] = mapped_column(Text, default="")
    show_notes: Mapped[str] = mapped_column(Text, default="")
    explicit: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.draft, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    date_precision: Mapped[DatePrecision] = mapped_column(
        _enum(DatePrecision, "date_precision"), default=DatePrecision.day
    )
    # Podcast apps identify an episode by its GUID: it is set at first publication and never changed after.
    guid: Mapped[str | None] = mapped_column(String(1000), unique=True)
    artwork_key: Mapped[str | None] = mapped_column(String(500))
    # Enclosure hosted elsewhere (when no media file of ours exists).
    external_enclosure_url: Mapped[str | None] = mapped_column(String(2000))
    external_enclosure_length: Mapped[int | None] = mapped_column(BigInteger)
    external_enclosure_type: Mapped[str | None] = mapped_column(String(100))
    # What the feed it was imported from said: duration (when no file of ours gives it) and why a download failed.
    external_duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    import_error: Mapped[str | None] = mapped_column(String(1000))
    chapters: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    translation_group: Mapped[str | None] = mapped_column(String(160), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_path: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))

    show: Mapped[Show] = relationship(back_populates="episodes")
    media_files: Mapped[list[MediaFile]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", order_by="MediaFile.position"
    )
    transcripts: Mapped[list[Transcript]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", order_by="Transcript.language"
    )
    credits: Mapped[list[Credit]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", order_by="Credit.position"
    )
    links: Mapped[list[Link]] = relationship(
        back_populates="episode", cascade="all, delete-orphan", order_by="Link.position"
    )

    @property
    def primary_media(self) -> MediaFile | None:
        for media in self.media_files:
            if media.role == "primary":
                return media
        return None

    @property
    def alternate_media(self) -> list[MediaFile]:
        return [m for m in self.media_files if m.role != "primary"]

    def is_live(self, now: datetime | None = None) -> bool:
        """Listed in feeds and pages: published or scheduled, not deleted, and its time has come.

        A scheduled episode goes live by the clock alone: no job or request has to flip it, so feeds, pages and
        the catalogue-wide feed agree at the same instant, also right after a restart."""
        now = now or utcnow()
        return (
            self.status in LIVE_STATUSES
            and self.deleted_at is None
            and self.published_at is not None
            and self.published_at <= now
        )


class MediaFile(Base):
    """A stored audio or video file of an episode, with what the probe read from it."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    # "primary" is the enclosure; anything else ("alternate", "video") is a podcast:alternateEnclosure.
    role: Mapped[str] = mapped_column(String(20), default="primary")
    position: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str] = mapped_column(String(500))
    extension: Mapped[str] = mapped_column(String(10))
    mime_type: Mapped[str] = mapped_column(String(100))
    byte_length: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    bitrate: Mapped[int | None] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[int | None] = mapped_column(Integer)
    codec: Mapped[str | None] = mapped_column(String(40))
    container: Mapped[str | None] = mapped_column(String(40))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(300))
    is_placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    episode: Mapped[Episode] = relationship(back_populates="media_files")


class Transcript(Base):
    __tablename__ = "transcripts"
    __table_args__ = (UniqueConstraint("episode_id", "language", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))  # vtt | srt
    mime_type: Mapped[str] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(500))
    byte_length: Mapped[int] = mapped_column(BigInteger, default=0)
    text: Mapped[str] = mapped_column(Text, default="")  # plain text for search and the page

    episode: Mapped[Episode] = relationship(back_populates="transcripts")


class Credit(Base):
    """A person credited with a role (host, guest, interviewer...) on a show, an episode or a video."""

    __tablename__ = "credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40), default="guest")
    position: Mapped[int] = mapped_column(Integer, default=0)
    show_id: Mapped[int | None] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)

    person: Mapped[Person] = relationship(back_populates="credits")
    show: Mapped[Show | None] = relationship(back_populates="credits")
    episode: Mapped[Episode | None] = relationship(back_populates="credits")
    video: Mapped[Video | None] = relationship(back_populates="credits")


class Link(Base):
    """An external place to listen or watch (Spotify, Facebook, YouTube...), or a related page."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="other")
    url: Mapped[str] = mapped_column(String(2000))
    label: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"), index=True)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)

    episode: Mapped[Episode | None] = relationship(back_populates="links")
    video: Mapped[Video | None] = relationship(back_populates="links")


def _video_guid(context: Any) -> str:
    return video_guid_for(context.get_current_parameters()["slug"])


class Video(Base):
    """A video that lives on an external provider (YouTube, Facebook, Vimeo, Spotify), catalogued as a link."""

    __tablename__ = "videos"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    # The feed GUID: set from the first slug when the video is created, then frozen (renames keep it).
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=_video_guid)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[VideoKind] = mapped_column(_enum(VideoKind, "video_kind"), default=VideoKind.short_video)
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    start_seconds: Mapped[int | None] = mapped_column(Integer)
    published_on: Mapped[date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[DatePrecision] = mapped_column(
        _enum(DatePrecision, "video_date_precision"), default=DatePrecision.day
    )
    language: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    subtitle_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    series: Mapped[str | None] = mapped_column(String(200))
    # A copy of the provider's thumbnail, fetched once at import and served by the catalogue.
    thumbnail_key: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[Status] = mapped_column(_enum(Status, "video_status"), default=Status.published)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    source_path: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[Project | None] = relationship(back_populates="videos")
    episode: Mapped[Episode | None] = relationship()
    credits: Mapped[list[Credit]] = relationship(
        back_populates="video", cascade="all, delete-orphan", order_by="Credit.position"
    )
    links: Mapped[list[Link]] = relationship(
        back_populates="video", cascade="all, delete-orphan", order_by="Link.position"
    )


class SlugRedirect(Base):
    """An old slug that keeps answering with a 301 after a rename."""

    __tablename__ = "slug_redirects"
    __table_args__ = (UniqueConstraint("kind", "scope", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # show | episode | video
    scope: Mapped[str] = mapped_column(String(120), default="")  # show slug for episodes
    old_slug: Mapped[str] = mapped_column(String(160))
    target_id: Mapped[int] = mapped_column(Integer)


class CatalogueState(Base):
    """Single-row-per-key counters shared by all worker processes (e.g. the catalogue-wide content version)."""

    __tablename__ = "catalogue_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ImportJob(Base):
    """A feed import started from the workspace: the document previewed (so the confirmed import is exactly what
    was shown), then the run's state and its progress per file, written by whichever worker runs it and read by
    whichever worker answers the progress page."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    show_slug: Mapped[str] = mapped_column(String(160))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(20), default="preview")  # preview | queued | running | done | failed
    source_url: Mapped[str | None] = mapped_column(String(2000))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    download: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    files: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # [{url, title, done, total, state}]
    summary: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[str] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DigestMark(Base):
    """A newsletter digest staff marked as sent (issue 18): the period it covered, so the next one can start the
    day after ("since the last digest"). Who marked it is in the audit trail as well."""

    __tablename__ = "digest_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(20))
    projects: Mapped[list[str] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(80), default="")
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
