"""Staff editing of the catalogue around episodes: shows (admins create and delete them; editors of a show change its
settings), and videos, people and projects (admins and editors of any show). Same rules as for episodes: role check,
If-Match on updates, audit entry, version bump."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Conflict, Invalid, NotFound
from ...urls import UrlPlan
from .. import access, audit, versions
from ..access import Identity
from ..accounts import Role
from ..models import Credit, Episode, Person, Project, Show, ShowType, Status, Video, VideoKind
from .common import EMAIL_PATTERN, LANGUAGE_PATTERN, CreditIn, LinkIn, Slug, http_url, show_slug_problem

# -- input models ------------------------------------------------------------------------------------------------


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShowFields(_Fields):
    slug: Slug

    @field_validator("slug")
    @classmethod
    def _show_slug(cls, value: str) -> str:
        problem = show_slug_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    title: str = Field(min_length=1, max_length=300)
    subtitle: str = Field("", max_length=500)
    description: str = Field("", max_length=4000)
    author: str = Field("", max_length=300)
    owner_name: str = Field("", max_length=300)
    owner_email: str = Field("", max_length=320, pattern=EMAIL_PATTERN)
    language: str = Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20)
    category: str = Field("", max_length=100)
    subcategory: str | None = Field(None, max_length=100)
    explicit: bool = False
    website: str | None = Field(None, max_length=2000)
    copyright: str = Field("", max_length=500)
    timezone: str = Field("Europe/Brussels", max_length=64)
    show_type: Literal["episodic", "serial"] = "episodic"
    project: Slug | None = None
    translation_group: str | None = Field(None, max_length=120)
    spotify_url: str | None = Field(None, max_length=2000)
    apple_podcasts_url: str | None = Field(None, max_length=2000)
    funding_url: str | None = Field(None, max_length=2000)
    funding_text: str | None = Field(None, max_length=300)
    license: str | None = Field(None, max_length=200)
    complete: bool = False

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone name such as Europe/Brussels") from None
        return value

    @field_validator("website", "spotify_url", "apple_podcasts_url", "funding_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return http_url(value) if value else None


class VideoFields(_Fields):
    slug: Slug
    title: str = Field(min_length=1, max_length=500)
    kind: Literal["vlog", "video_podcast", "testimony", "webinar", "short_video"] = "short_video"
    url: str | None = Field(
        None,
        max_length=2000,
        description="YouTube, Facebook, Vimeo or Spotify address of the video; none while it is not online yet.",
    )
    published_on: date | None = None
    language: str | None = Field(None, max_length=20)
    description: str = Field("", max_length=20_000)
    series: str | None = Field(None, max_length=200)
    project: Slug | None = None
    status: Literal["published", "unpublished", "draft"] = "published"
    subtitle_languages: list[Annotated[str, Field(pattern=LANGUAGE_PATTERN, max_length=20)]] = Field(
        default_factory=list, max_length=30, description="Languages of the subtitles the video offers (en, fr, nl…)."
    )
    people: list[CreditIn] = Field(default_factory=list, max_length=100, description="People credited, with roles.")


class PersonFields(_Fields):
    slug: Slug
    name: str = Field(min_length=1, max_length=300)
    affiliation: str = Field("", max_length=2000)
    bio: str = Field("", max_length=20_000)
    link: str | None = Field(None, max_length=2000)
    image_url: str | None = Field(None, max_length=2000)
    roles: list[Annotated[str, Field(pattern=r"^[a-z][a-z -]*$", max_length=40)]] = Field(
        default_factory=list, max_length=20, description="The roles the person usually has (host, guest, speaker…)."
    )
    links: list[LinkIn] = Field(default_factory=list, max_length=30, description="Their other pages.")

    @field_validator("link", "image_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return http_url(value) if value else None


class ProjectFields(_Fields):
    slug: Slug
    name: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=20_000)
    website: str | None = Field(None, max_length=2000)
    contact_email: str | None = Field(None, max_length=320, pattern=EMAIL_PATTERN)
    links: list[LinkIn] = Field(default_factory=list, max_length=30, description="Its other pages.")

    @field_validator("website")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return http_url(value) if value else None


# -- snapshots ---------------------------------------------------------------------------------------------------

_SHOW_COLUMNS = [name for name in ShowFields.model_fields if name != "project"]
_VIDEO_COLUMNS = [name for name in VideoFields.model_fields if name not in ("project", "people")]


def snapshot(obj: Show | Video | Person | Project) -> dict[str, Any]:
    if isinstance(obj, Show):
        data = {name: getattr(obj, name) for name in _SHOW_COLUMNS}
        data["project"] = obj.project.slug if obj.project else None
        data["artwork_key"] = obj.artwork_key
    elif isinstance(obj, Video):
        data = {name: getattr(obj, name) for name in _VIDEO_COLUMNS}
        data["subtitle_languages"] = list(obj.subtitle_languages or [])
        data["project"] = obj.project.slug if obj.project else None
        data["people"] = [{"person": c.person.slug, "role": c.role} for c in obj.credits]
    else:
        model = PersonFields if isinstance(obj, Person) else ProjectFields
        data = {name: getattr(obj, name) for name in model.model_fields}
        data["links"] = list(obj.links or [])
        if isinstance(obj, Person):
            data["roles"] = list(obj.roles or [])
    return audit.plain(data)


def etag(obj: Show | Video | Person | Project) -> str:
    return audit.etag_of(snapshot(obj))


# -- generic write -----------------------------------------------------------------------------------------------


def _project(session: Session, slug: str | None) -> Project | None:
    if slug is None:
        return None
    project = session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise Invalid(f"'{slug}' is not a project of the catalogue.", field="project")
    return project


def _credit_video(session: Session, video: Video, people: list[CreditIn]) -> None:
    credits = []
    with session.no_autoflush:  # a video being created is not in the session yet
        for position, credit in enumerate(people):
            person = session.scalar(select(Person).where(Person.slug == credit.person))
            if person is None:
                raise Invalid(f"'{credit.person}' is not a person of the catalogue; add them first.", field="people")
            credits.append(Credit(person_id=person.id, role=credit.role.strip(), position=position))
    if video.id is not None:
        video.credits.clear()
        session.flush()  # the old credits go before the new ones are added
    video.credits.extend(credits)


def _keep_old_address(session: Session, video: Video) -> None:
    """A renamed video's old address keeps answering, with a 301 to the new one (shared links stay good)."""
    from ..models import SlugRedirect

    old = session.scalar(
        select(SlugRedirect).where(
            SlugRedirect.kind == "video", SlugRedirect.scope == "", SlugRedirect.old_slug == video.slug
        )
    )
    if old is None:
        session.add(SlugRedirect(kind="video", scope="", old_slug=video.slug, target_id=video.id))
    else:
        old.target_id = video.id


def _slug_free(session: Session, model: type[Any], slug: str, current: Any = None) -> None:
    taken = session.scalar(select(model).where(model.slug == slug))
    if taken is not None and taken is not current:
        raise Conflict(f"The address '{slug}' is already used.", field="slug")


def _write(
    session: Session,
    identity: Identity,
    obj: Any,
    fields: _Fields,
    sent: set[str],
    *,
    kind: str,
    if_match: str | None,
    created: bool,
) -> Any:
    before = None if created else snapshot(obj)
    if not created:
        audit.check_if_match(if_match, etag(obj))
    if "slug" in sent and getattr(fields, "slug", None) != obj.slug:
        if isinstance(obj, Show) and not created:
            raise Invalid("A show's address is part of its feed URL and cannot change here.", field="slug")
        _slug_free(session, type(obj), fields.slug, obj)  # type: ignore[attr-defined]
        if isinstance(obj, Video) and not created:
            _keep_old_address(session, obj)
    for name in sent:
        value = getattr(fields, name)
        if name == "project":
            obj.project = _project(session, value)
        elif name == "show_type":
            obj.show_type = ShowType(value)
        elif name == "kind":
            obj.kind = VideoKind(value)
        elif name == "status":
            obj.status = Status(value)
        elif name == "url" and isinstance(obj, Video) and not value:
            obj.url = obj.provider = obj.provider_id = obj.start_seconds = None
        elif name == "url" and isinstance(obj, Video):
            from .. import providers

            found = providers.recognise(value)
            obj.url, obj.provider, obj.provider_id = found.canonical_url, found.provider, found.provider_id
            obj.start_seconds = found.start_seconds
        elif name == "people" and isinstance(obj, Video):
            _credit_video(session, obj, value)
        elif name in ("subtitle_languages", "roles"):
            setattr(obj, name, list(dict.fromkeys(value)))
        elif name == "links":
            obj.links = [link.model_dump() for link in value]
        else:
            setattr(obj, name, value)
    session.add(obj)
    session.flush()
    label = getattr(obj, "slug", "")
    show_id = obj.id if isinstance(obj, Show) else None
    action = f"{kind}.{'create' if created else 'update'}"
    audit.record(
        session, identity.actor(), action, kind, obj.id, label, show_id=show_id, before=before, after=snapshot(obj)
    )
    if isinstance(obj, Show):
        versions.touch(session, obj)
    elif isinstance(obj, Person) and not created:
        versions.touch_credited(session, obj.id)
    else:
        versions.bump_catalogue(session)
    return obj


# -- shows -------------------------------------------------------------------------------------------------------


def create_show(session: Session, identity: Identity, settings: Settings, fields: ShowFields) -> Show:
    access.require(identity.user, Role.admin)
    from ..identity import podcast_guid_for

    _slug_free(session, Show, fields.slug)
    show = Show(slug=fields.slug, podcast_guid=podcast_guid_for(UrlPlan(settings).feed(fields.slug)))
    if session.scalar(select(Show.id).where(Show.podcast_guid == show.podcast_guid)) is not None:
        raise Conflict("A show with this feed address existed before; choose another address.", field="slug")
    return _write(
        session,
        identity,
        show,
        fields,
        fields.model_fields_set | {"title", "language"},  # type: ignore[no-any-return]
        kind="show",
        if_match=None,
        created=True,
    )


def update_show(
    session: Session, identity: Identity, show: Show, fields: ShowFields, sent: set[str], if_match: str | None
) -> Show:
    """Admins and the show's editors change its settings."""
    access.require(identity.user, Role.editor, show)
    return _write(session, identity, show, fields, sent, kind="show", if_match=if_match, created=False)  # type: ignore[no-any-return]


def delete_show(session: Session, identity: Identity, show: Show, if_match: str | None) -> None:
    """Only an empty show can go: episodes keep their GUIDs reserved, so a show with any episode is kept."""
    access.require(identity.user, Role.admin)
    audit.check_if_match(if_match, etag(show))
    if session.scalar(select(Episode.id).where(Episode.show_id == show.id).limit(1)) is not None:
        raise Conflict("This show has episodes; delete (or move) them first. Deleted episodes keep it too.")
    audit.record(
        session, identity.actor(), "show.delete", "show", show.id, show.slug, show_id=show.id, before=snapshot(show)
    )
    session.delete(show)
    session.flush()
    versions.bump_catalogue(session)


def get_show(session: Session, slug: str) -> Show:
    show = session.scalar(select(Show).where(Show.slug == slug))
    if show is None:
        raise NotFound(f"No show is called '{slug}'.")
    return show


# -- videos, people, projects ------------------------------------------------------------------------------------

_MODELS: dict[str, type[Any]] = {"video": Video, "person": Person, "project": Project}


def get_item(session: Session, kind: str, slug: str) -> Any:
    found = session.scalar(select(_MODELS[kind]).where(_MODELS[kind].slug == slug))
    if found is None:
        raise NotFound(f"No {kind} is called '{slug}'.")
    return found


def list_items(session: Session, kind: str) -> list[Any]:
    """Every video, person or project (any status), by slug."""
    model = _MODELS[kind]
    return list(session.scalars(select(model).order_by(model.slug)))


def save_item(
    session: Session,
    identity: Identity,
    kind: str,
    fields: _Fields,
    *,
    item: Any = None,
    sent: set[str] | None = None,
    if_match: str | None = None,
) -> Any:
    """Create (item None) or update a video, person or project."""
    access.require(identity.user, Role.editor, anywhere=True)
    created = item is None
    if created:
        item = _MODELS[kind](slug=fields.slug)  # type: ignore[attr-defined]
        _slug_free(session, _MODELS[kind], fields.slug)  # type: ignore[attr-defined]
        sent = set(type(fields).model_fields)
    return _write(session, identity, item, fields, sent or set(), kind=kind, if_match=if_match, created=created)


def delete_video(session: Session, identity: Identity, video: Video, if_match: str | None) -> Video:
    """Videos are unpublished, not erased: their page answers 410 Gone."""
    access.require(identity.user, Role.editor, anywhere=True)
    audit.check_if_match(if_match, etag(video))
    before = snapshot(video)
    video.status = Status.unpublished
    session.flush()
    audit.record(
        session, identity.actor(), "video.delete", "video", video.id, video.slug, before=before, after=snapshot(video)
    )
    versions.bump_catalogue(session)
    return video
