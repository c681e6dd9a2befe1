"""Response models of the staff JSON API: the public models (web/schemas.py) plus what only staff see (status,
drafts, the ETag to send back in If-Match, the source Markdown)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..schemas import EpisodeOut, ProjectRef, ShowOut, VideoOut


class Etagged(BaseModel):
    etag: str = Field(description="Send it back in If-Match when updating this object.")


class StaffEpisodeOut(EpisodeOut, Etagged):
    id: int
    status: str = Field(description="draft, scheduled, published or unpublished.")
    live: bool = Field(description="Visible to the public right now (scheduled episodes go live at published_at).")
    deleted_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    show_notes: str = Field(description="The show notes as written (Markdown).")
    explicit: bool | None = None
    chapters: list[dict[str, Any]] | None = None
    translation_group: str | None = None
    artwork_url: str | None = None
    preview_url: str = Field(description="Staff preview of the public page.")


class StaffShowOut(ShowOut, Etagged):
    id: int
    subtitle: str
    owner_name: str
    owner_email: str
    copyright: str
    timezone: str = Field(description="The time zone its staff schedule in.")
    translation_group: str | None = None
    complete: bool


class StaffVideoOut(VideoOut, Etagged):
    status: str


class StaffPersonOut(Etagged):
    slug: str
    name: str
    affiliation: str
    bio: str
    link: str | None = None
    image_url: str | None = None


class StaffProjectOut(ProjectRef, Etagged):
    description: str
    website: str | None = None
    contact_email: str | None = None


class GrantOut(BaseModel):
    role: str
    show: str | None = Field(None, description="Show slug; empty for every show.")


class MeOut(BaseModel):
    username: str
    display_name: str
    via: str = Field(description="session or token")
    grants: list[GrantOut]


class TokenOut(BaseModel):
    id: int
    user: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself: shown this once, never again.")


class TokenIn(BaseModel):
    name: str = Field("", max_length=200)
    days: int | None = Field(None, ge=1, le=3650, description="Expire after this many days.")


class ScheduleIn(BaseModel):
    published_at: datetime = Field(
        description="When it goes live, with its UTC offset (e.g. 2026-12-01T08:00:00+01:00)."
    )


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    via: str
    action: str
    object_type: str
    object_id: int | None = None
    object_label: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changed: list[str] = Field(default_factory=list, description="Fields that differ between before and after.")


class Deleted(BaseModel):
    ok: bool = True
