"""The shape of the editable catalogue folder (episodes/): one validated spec per show, episode, video, person and
project, with the limits the database enforces checked up front. The format is documented in episodes/README.md."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s]+$")
ROLES = {"host", "guest", "interviewer", "panelist", "moderator", "speaker", "producer", "narrator", "cohost"}
LINK_KINDS = {"spotify", "apple_podcasts", "facebook", "youtube", "vimeo", "linkedin", "website", "other"}


MAX_SLUG = 120  # the shortest slug column; PostgreSQL refuses longer values where SQLite would not


def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a slug: use lowercase letters, digits and single hyphens")
    if len(value) > MAX_SLUG:
        raise ValueError(f"a slug has at most {MAX_SLUG} characters")
    return value


def _check_url(value: str | None) -> str | None:
    if value is not None and not URL.match(value):
        raise ValueError(f"'{value}' is not an absolute http(s) URL")
    return value


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreditSpec(Spec):
    person: str
    role: str = "guest"

    _slug = field_validator("person")(_check_slug)

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in ROLES:
            raise ValueError(f"unknown role '{value}'; use one of {', '.join(sorted(ROLES))}")
        return value


class LinkSpec(Spec):
    kind: str = "other"
    url: str = Field(max_length=2000)
    label: str = Field("", max_length=300)

    _url = field_validator("url")(_check_url)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in LINK_KINDS:
            raise ValueError(f"unknown link kind '{value}'; use one of {', '.join(sorted(LINK_KINDS))}")
        return value


class ProjectSpec(Spec):
    slug: str
    name: str = Field(max_length=300)
    description: str = ""
    website: str | None = None
    contact_email: str | None = None

    _slug = field_validator("slug")(_check_slug)
    _url = field_validator("website")(_check_url)


class PersonSpec(Spec):
    slug: str
    name: str = Field(max_length=300)
    affiliation: str = ""
    bio: str = ""
    link: str | None = None
    image: str | None = None

    _slug = field_validator("slug")(_check_slug)
    _url = field_validator("link")(_check_url)


class OwnerSpec(Spec):
    name: str = Field(max_length=300)
    email: str = Field(max_length=320)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL.match(value):
            raise ValueError(f"'{value}' is not an email address")
        return value


class ShowSpec(Spec):
    title: str = Field(min_length=1, max_length=300)
    language: str
    description: str = Field(min_length=1)
    author: str = Field(min_length=1, max_length=300)
    owner: OwnerSpec
    category: str = Field(min_length=1, max_length=100)
    subcategory: str | None = Field(None, max_length=100)
    subtitle: str = Field("", max_length=500)
    explicit: bool = False
    type: Literal["episodic", "serial"] = "episodic"
    project: str | None = None
    website: str | None = None
    copyright: str = Field("", max_length=500)
    artwork: str | None = None
    translation_group: str | None = Field(None, max_length=120)
    spotify_url: str | None = None
    apple_podcasts_url: str | None = None
    funding_url: str | None = None
    funding_text: str | None = Field(None, max_length=300)
    license: str | None = Field(None, max_length=200)
    complete: bool = False
    seasons: dict[int, str] = Field(default_factory=dict)
    hosts: list[CreditSpec] = Field(default_factory=list)
    timezone: str = "Europe/Brussels"
    podcast_guid: str | None = None
    previous_slugs: list[str] = Field(default_factory=list)

    _urls = field_validator("website", "spotify_url", "apple_podcasts_url", "funding_url")(_check_url)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not LANGUAGE.match(value):
            raise ValueError(f"'{value}' is not a language code such as en, fr or nl")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use a name such as Europe/Brussels") from None
        return value


class TranscriptSpec(Spec):
    language: str
    file: str


PublishedValue = datetime | date | str | int | None


class EpisodeSpec(Spec):
    title: str = Field(min_length=1, max_length=500)
    number: int | None = Field(None, ge=0)
    season: int | None = Field(None, ge=0)
    type: Literal["full", "trailer", "bonus"] = "full"
    published: PublishedValue = None
    status: Literal["draft", "scheduled", "published", "unpublished"] = "published"
    summary: str = ""
    explicit: bool | None = None
    people: list[CreditSpec] = Field(default_factory=list)
    audio: str | None = None
    video: str | None = None
    artwork: str | None = None
    enclosure_url: str | None = None
    enclosure_length: int | None = Field(None, gt=0)
    enclosure_type: str | None = Field(None, max_length=100)
    links: list[LinkSpec] = Field(default_factory=list)
    translation_group: str | None = Field(None, max_length=160)
    transcripts: list[TranscriptSpec] = Field(default_factory=list)
    chapters: str | None = None
    guid: str | None = None
    previous_slugs: list[str] = Field(default_factory=list)

    _url = field_validator("enclosure_url")(_check_url)


class VideoSpec(Spec):
    title: str = Field(min_length=1, max_length=500)
    kind: Literal["vlog", "video_podcast", "testimony", "webinar", "short_video"]
    url: str | None = None
    published: PublishedValue = None
    language: str | None = None
    project: str | None = None
    series: str | None = Field(None, max_length=200)
    people: list[CreditSpec] = Field(default_factory=list)
    subtitles: list[str] = Field(default_factory=list)
    episode: str | None = None
    links: list[LinkSpec] = Field(default_factory=list)
    status: Literal["draft", "published", "unpublished"] = "published"
    previous_slugs: list[str] = Field(default_factory=list)

    _url = field_validator("url")(_check_url)
