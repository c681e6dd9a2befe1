"""Input types shared by the editing services: slugs, web addresses, people credits and links."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ...errors import Invalid

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,158}[a-z0-9])?$"
# 120 is the shortest slug column (shows, projects, people): longer would be refused by PostgreSQL, not by SQLite.
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=120)]
# Words the public URL plan uses beside show slugs: /shows/page/2 is the second page of the show list, so a show
# called "page" would lose its episodes with numeric slugs (/shows/page/2) to it.
RESERVED_SHOW_SLUGS = frozenset({"page"})


RESERVED_SHOW_SLUG = (
    "This address is used by the site itself (/shows/page/2 is a page of the show list): choose another one, "
    "for example page-podcast."
)


def show_slug_problem(slug: str) -> str | None:
    """Why `slug` cannot be a show's address, or None when it can (checked by every way a show is created)."""
    return RESERVED_SHOW_SLUG if slug in RESERVED_SHOW_SLUGS else None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")
    return slug or "episode"


def http_url(value: str) -> str:
    value = value.strip()
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must be a web address starting with http:// or https://")
    return value


class CreditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person: Slug = Field(description="Slug of a person of the catalogue.")
    role: str = Field("guest", min_length=1, max_length=40, pattern=r"^[a-z][a-z -]*$")


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field("other", min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    url: str = Field(max_length=2000)
    label: str = Field("", max_length=300)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return http_url(value)


EMAIL_PATTERN = r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"


def utc_moment(at: datetime, field: str) -> datetime:
    """A moment given with its offset, in UTC; refused (not a crash) when it has no offset or falls outside the
    years a feed date can carry (9999-12-31T23:59-12:00 is in year 10000 in UTC)."""
    if at.tzinfo is None:
        raise Invalid("Give the time with its time zone.", field=field)
    try:
        moment = at.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not 1970 <= moment.year <= 9998:
        raise Invalid("The time is out of range: give a date between 1970 and 9998.", field=field)
    return moment
