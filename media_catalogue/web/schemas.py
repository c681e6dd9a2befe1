"""Pydantic response models of the public JSON API; the OpenAPI document is generated from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class PersonCredit(BaseModel):
    slug: str
    name: str
    role: str
    affiliation: str = ""


class LinkOut(BaseModel):
    kind: str
    url: str
    label: str = ""


class ProjectRef(BaseModel):
    slug: str
    name: str


class SeasonOut(BaseModel):
    number: int
    name: str | None = None


class ShowOut(BaseModel):
    slug: str
    title: str
    description: str
    language: str = Field(description="BCP 47 language of the show: one show is one feed in one language.")
    author: str
    category: str
    subcategory: str | None = None
    explicit: bool
    type: str
    podcast_guid: str
    url: str
    feed_url: str
    artwork_url: str | None = None
    website: str | None = None
    project: ProjectRef | None = None
    seasons: list[SeasonOut] = []
    hosts: list[PersonCredit] = []
    translations: dict[str, str] = Field(default_factory=dict, description="language -> show slug")
    spotify_url: str | None = None
    apple_podcasts_url: str | None = None


class MediaOut(BaseModel):
    url: str
    mime_type: str
    byte_length: int
    duration_seconds: float | None = None
    bitrate: int | None = None
    role: str


class TranscriptOut(BaseModel):
    language: str
    format: str
    url: str


class EpisodeOut(BaseModel):
    slug: str
    show: str
    title: str
    guid: str | None
    number: int | None = None
    season: int | None = None
    season_name: str | None = None
    episode_type: str
    summary: str
    show_notes_html: str
    published_at: datetime | None
    date_precision: str
    url: str
    embed_url: str
    media: list[MediaOut] = []
    transcripts: list[TranscriptOut] = []
    chapters_url: str | None = None
    people: list[PersonCredit] = []
    links: list[LinkOut] = []


class VideoOut(BaseModel):
    slug: str
    title: str
    kind: str
    provider: str | None
    provider_id: str | None
    url: str | None
    embed_url: str | None
    thumbnail_url: str | None
    published_on: date | None
    date_precision: str
    language: str | None
    description: str
    subtitle_languages: list[str]
    series: str | None
    project: ProjectRef | None
    people: list[PersonCredit] = []
    page_url: str


class Paginated(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int
    pages: int
