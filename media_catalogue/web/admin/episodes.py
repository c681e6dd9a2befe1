"""Episode pages of the workspace: create and edit every field, upload audio/artwork/transcripts, preview, publish
now, schedule in the show's time zone, unpublish, delete and restore. The audio upload itself goes to the staff
API from the page's script (XMLHttpRequest: a real progress bar and a cancel button); a plain form is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import ingest
from ...catalogue import access, audit, queries
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import episodes as episode_editing
from ...catalogue.editing.records import get_show
from ...catalogue.models import Episode, Person, Show
from ...errors import CatalogueError, Invalid, NotFound, PreconditionFailed, TooLarge
from ..auth import CSRF_HEADER, Staff, require
from ..deps import SessionDep, SettingsDep, StorageDep, UrlsDep
from .rendering import Viewer, form_errors, redirect, render

router = APIRouter()
_TIME = re.compile(r"^(?:(\d+):)?(?:(\d{1,2}):)?(\d{1,2}(?:\.\d+)?)$")


def _episode(session: Session, episode_id: int) -> Episode:
    episode = session.scalar(select(Episode).where(Episode.id == episode_id).options(*queries.episode_loading()))
    if episode is None:
        raise NotFound(f"No episode {episode_id} exists.")
    return episode


def episode_access(role: Role) -> Callable[..., Episode]:
    """Dependency for writes: the episode, if the caller holds `role` on its show (403 otherwise)."""

    def dependency(episode_id: int, identity: Staff, session: SessionDep) -> Episode:
        episode = _episode(session, episode_id)
        access.require(identity.user, role, episode.show)
        return episode

    return dependency


# -- forms -------------------------------------------------------------------------------------------------------


def _seconds(text: str) -> float:
    match = _TIME.match(text.strip())
    if not match:
        raise Invalid(f"'{text}' is not a time; write it as 1:05:30, 5:30 or 330.", field="chapters")
    hours, minutes, seconds = match.groups()
    if hours is not None and minutes is None:
        hours, minutes = None, hours
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return (
        f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
        if whole >= 3600
        else f"{whole // 60}:{whole % 60:02d}"
    )


def episode_form_data(form: Any) -> dict[str, Any]:
    """The form's fields as EpisodeFields input (empty rows of the people, links and chapters editors skipped)."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def rows(*names: str) -> list[tuple[str, ...]]:
        columns = [[v.strip() if isinstance(v, str) else "" for v in form.getlist(n)] for n in names]
        length = max((len(c) for c in columns), default=0)
        padded = [c + [""] * (length - len(c)) for c in columns]
        return [row for row in zip(*padded, strict=True) if any(row)]

    def number(name: str) -> str | None:
        return text(name) or None

    chapters = []
    for start, title, url in rows("chapter_start", "chapter_title", "chapter_url"):
        if not (start or title):
            continue
        chapter: dict[str, Any] = {"startTime": _seconds(start or "0"), "title": title}
        if url:
            chapter["url"] = url
        chapters.append(chapter)
    explicit = text("explicit")
    data: dict[str, Any] = {
        "title": text("title"),
        "number": number("number"),
        "season": number("season"),
        "season_name": text("season_name") or None,
        "episode_type": text("episode_type") or "full",
        "summary": text("summary"),
        "show_notes": form.get("show_notes", "") if isinstance(form.get("show_notes", ""), str) else "",
        "explicit": {"yes": True, "no": False}.get(explicit),
        "people": [{"person": p, "role": r or "guest"} for p, r in rows("person", "person_role") if p],
        "links": [
            {"kind": k or "other", "url": u, "label": label}
            for k, u, label in rows("link_kind", "link_url", "link_label")
            if u or label  # the kind menu always has a value: a row counts once an address or a label is typed
        ],
        "chapters": chapters or None,
        "translations": [t for t in form.getlist("translations") if isinstance(t, str) and t],
    }
    if text("slug"):
        data["slug"] = text("slug")
    return data


def _form_context(session: Session, show: Show, episode: Episode | None, values: dict[str, Any]) -> dict[str, Any]:
    people = list(session.scalars(select(Person).order_by(Person.name)))
    candidates: list[tuple[str, str]] = []
    for other in queries.show_translations(session, show):
        for row in session.scalars(
            select(Episode).where(Episode.show_id == other.id, Episode.deleted_at.is_(None)).order_by(Episode.slug)
        ):
            candidates.append((f"{other.slug}/{row.slug}", f"[{other.language}] {row.title}"))
    return {"show": show, "episode": episode, "values": values, "people": people, "translation_choices": candidates,
            "clock": _clock}  # fmt: skip


def _values_of(episode: Episode, session: Session) -> dict[str, Any]:
    values = episode_editing.snapshot(episode)
    values["translations"] = [
        f"{e.show.slug}/{e.slug}" for e in session.scalars(
            select(Episode).where(Episode.translation_group == episode.translation_group, Episode.id != episode.id)
        )
    ] if episode.translation_group else []  # fmt: skip
    return values


# -- pages -------------------------------------------------------------------------------------------------------


@router.get("/shows/{show}/episodes/new", response_class=HTMLResponse)
def new_episode(show: str, request: Request, identity: Viewer, session: SessionDep) -> Response:
    found = get_show(session, show)
    access.require(identity.user, Role.contributor, found)
    values = {"title": "", "episode_type": "full", "people": [], "links": [], "chapters": [], "translations": []}
    return render(request, "episode_form.html", _form_context(session, found, None, values) | {"errors": {}})


@router.post("/shows/{show}/episodes/new", response_class=HTMLResponse)
async def create_episode(
    request: Request,
    identity: Staff,
    session: SessionDep,
    found: Show = Depends(require(Role.contributor, show=True)),  # noqa: B008
) -> Response:
    form = await request.form()

    def work() -> Response:
        try:
            data = episode_form_data(form)
            fields = episode_editing.EpisodeFields.model_validate(data)
            episode = episode_editing.create_episode(session, identity, found, fields)
            session.commit()
        except (ValidationError, CatalogueError) as exc:
            session.rollback()
            errors = form_errors(exc)
            values = _raw_values(form)
            context = _form_context(session, found, None, values) | {"errors": errors}
            return render(request, "episode_form.html", context, status=422)
        return redirect(f"/admin/episodes/{episode.id}", "Draft saved. Now upload the audio.")

    return await run_in_threadpool(work)


def _raw_values(form: Any) -> dict[str, Any]:
    """What the user typed, to show the form again with their input and the errors."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["people"] = [
        {"person": p, "role": r} for p, r in zip(form.getlist("person"), form.getlist("person_role"), strict=False) if p
    ]
    values["links"] = [
        {"kind": k, "url": u, "label": lab}
        for k, u, lab in zip(
            form.getlist("link_kind"), form.getlist("link_url"), form.getlist("link_label"), strict=False
        )
        if u
    ]
    values["chapters_raw"] = [
        r
        for r in zip(
            form.getlist("chapter_start"), form.getlist("chapter_title"), form.getlist("chapter_url"), strict=False
        )
        if any(r)
    ]
    values["translations"] = form.getlist("translations")
    values["explicit"] = {"yes": True, "no": False}.get(values.get("explicit", ""))
    return values


@router.get("/episodes/{episode_id}", response_class=HTMLResponse)
def edit_episode(episode_id: int, request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
    episode = _episode(session, episode_id)
    access.require(identity.user, Role.viewer, episode.show)
    return _edit_page(request, session, identity, episode, urls, _values_of(episode, session), {})


def _edit_page(request: Request, session: Session, identity: Identity, episode: Episode, urls: Any,
               values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:  # fmt: skip
    history = audit.entries(session, object_type="episode", object_id=episode.id, limit=10)
    can_edit = access.allowed(
        identity.user, Role.contributor if episode.status == "draft" else Role.editor, episode.show
    )
    context = _form_context(session, episode.show, episode, values) | {
        "errors": errors,
        "etag": episode_editing.etag(episode),
        "problems": episode_editing.publishing_problems(episode),
        "can_edit": can_edit,
        "can_publish": access.allowed(identity.user, Role.editor, episode.show),
        "history": history,
        "urls": urls,
        "csrf_header": CSRF_HEADER,
        "media_url": f"/api/staff/shows/{episode.show.slug}/episodes/{episode.slug}/media",
        "changed_fields": audit.changed_fields,
    }
    return render(request, "episode_edit.html", context, status=status)


@router.post("/episodes/{episode_id}", response_class=HTMLResponse)
async def save_episode(
    request: Request,
    identity: Staff,
    session: SessionDep,
    urls: UrlsDep,
    episode: Episode = Depends(episode_access(Role.contributor)),  # noqa: B008
) -> Response:
    form = await request.form()

    def work() -> Response:
        try:
            episode_editing.require_edit(identity, episode)
            data = episode_form_data(form)
            fields = episode_editing.EpisodeFields.model_validate(data)
            sent = set(data)
            etag = form.get("etag")
            episode_editing.update_episode(
                session, identity, episode, fields, sent, etag if isinstance(etag, str) else None
            )
            session.commit()
        except (ValidationError, CatalogueError) as exc:
            session.rollback()
            if isinstance(exc, CatalogueError) and exc.status == 403:
                raise
            errors = form_errors(exc)
            if isinstance(exc, PreconditionFailed):
                errors = {"form": exc.message}
            fresh = _episode(session, episode.id)
            return _edit_page(
                request, session, identity, fresh, urls, _raw_values(form), errors, status=exc_status(exc)
            )
        return redirect(f"/admin/episodes/{episode.id}", "Saved.")

    return await run_in_threadpool(work)


def exc_status(exc: Exception) -> int:
    return exc.status if isinstance(exc, CatalogueError) else 422


# -- uploads (artwork, transcripts, audio without script) --------------------------------------------------------


async def _uploaded_file(request: Request, settings: Any) -> tuple[Any, Any]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_upload_bytes + 65536:
        raise TooLarge(f"The file is larger than the {settings.max_upload_bytes // 1048576} MiB limit.")
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise Invalid("Choose a file first.", field="file")
    return form, upload


def _upload_route(kind: str) -> None:
    async def route(
        request: Request,
        identity: Staff,
        session: SessionDep,
        settings: SettingsDep,
        storage: StorageDep,
        urls: UrlsDep,
        episode: Episode = Depends(episode_access(Role.contributor)),  # noqa: B008
    ) -> Response:
        episode_editing.require_edit(identity, episode)
        try:
            form, upload = await _uploaded_file(request, settings)
        except CatalogueError as exc:
            return _edit_page(request, session, identity, episode, urls, _values_of(episode, session),
                              {kind: exc.message}, status=exc.status)  # fmt: skip

        def work() -> Response:
            before = episode_editing.snapshot(episode)
            try:
                if kind == "audio":
                    result = ingest.attach_media(session, storage, settings, episode, upload.file,
                                                 filename=upload.filename, role="primary")  # fmt: skip
                    notice = "Audio uploaded." + "".join(f" Note: {w}" for w in result.warnings)
                elif kind == "artwork":
                    episode.artwork_key = ingest.store_artwork(storage, settings, upload.file, filename=upload.filename)
                    notice = "Artwork uploaded."
                else:
                    language = form.get("language")
                    ingest.attach_transcript(session, storage, settings, episode, upload.file,
                                             language=language if isinstance(language, str) else "",
                                             filename=upload.filename)  # fmt: skip
                    notice = "Transcript uploaded."
                session.refresh(episode)
                episode_editing.media_changed(session, identity, episode, f"episode.upload_{kind}", before)
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                fresh = _episode(session, episode.id)
                return _edit_page(request, session, identity, fresh, urls, _values_of(fresh, session),
                                  {kind: exc.message}, status=exc.status)  # fmt: skip
            return redirect(f"/admin/episodes/{episode.id}", notice[:200])

        return await run_in_threadpool(work)

    router.post(f"/episodes/{{episode_id}}/{kind}", response_class=HTMLResponse, name=f"upload_{kind}")(route)


for _kind in ("audio", "artwork", "transcript"):
    _upload_route(_kind)


# -- publishing --------------------------------------------------------------------------------------------------


def _publishing_route(action: str) -> None:
    async def route(
        request: Request,
        identity: Staff,
        session: SessionDep,
        urls: UrlsDep,
        episode: Episode = Depends(episode_access(Role.editor if action != "delete" else Role.contributor)),  # noqa: B008
    ) -> Response:
        form = await request.form()

        def work() -> Response:
            etag = form.get("etag")
            if_match = etag if isinstance(etag, str) and etag else None
            try:
                if action == "publish":
                    episode_editing.publish(session, identity, episode, if_match=if_match)
                    notice = "Published: it is in the feed and on the public page now."
                elif action == "schedule":
                    at = _local_datetime(form.get("at"), episode.show.timezone)
                    episode_editing.schedule(session, identity, episode, at, if_match=if_match)
                    notice = f"Scheduled: it goes live on {form.get('at')} ({episode.show.timezone}) by itself."
                elif action == "unpublish":
                    episode_editing.unpublish(session, identity, episode, if_match=if_match)
                    notice = "Unpublished: it left the feed and the public page; its GUID stays reserved."
                elif action == "delete":
                    episode_editing.delete(
                        session, identity, episode, if_match=if_match or episode_editing.etag(episode)
                    )
                    notice = "Deleted. It can be restored for 30 days."
                else:
                    episode_editing.restore(session, identity, episode)
                    notice = "Restored as unpublished."
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                if exc.status == 403:
                    raise
                fresh = _episode(session, episode.id)
                field = exc.field if exc.field in ("published_at", "audio", "title") else "publish"
                return _edit_page(request, session, identity, fresh, urls, _values_of(fresh, session),
                                  {field: exc.message, "publish": exc.message}, status=exc.status)  # fmt: skip
            return redirect(f"/admin/episodes/{episode.id}", notice)

        return await run_in_threadpool(work)

    router.post(f"/episodes/{{episode_id}}/{action}", response_class=HTMLResponse, name=f"{action}_page")(route)


def _local_datetime(value: Any, zone: str) -> datetime:
    """A datetime-local form value read in the show's time zone (daylight saving time included)."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("Choose the date and time it should go live.", field="published_at")
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Write the date and time as 2026-12-01 08:00.", field="published_at") from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(zone))


for _action in ("publish", "schedule", "unpublish", "delete", "restore"):
    _publishing_route(_action)


# -- preview -----------------------------------------------------------------------------------------------------


@router.get("/episodes/{episode_id}/preview", response_class=HTMLResponse)
def preview(episode_id: int, request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
    episode = _episode(session, episode_id)
    access.require(identity.user, Role.viewer, episode.show)
    return render(request, "preview.html", {"episode": episode, "show": episode.show, "urls": urls})


@router.get("/episodes/{episode_id}/audio")
def preview_audio(episode_id: int, identity: Viewer, session: SessionDep, storage: StorageDep) -> Response:
    """The stored audio of any episode (drafts too), for the preview player."""
    episode = _episode(session, episode_id)
    access.require(identity.user, Role.viewer, episode.show)
    media = episode.primary_media
    if media is None:
        raise NotFound("This episode has no audio yet.")
    handle = storage.open(media.storage_key)

    def chunks() -> Any:
        with handle:
            while block := handle.read(65536):
                yield block

    return StreamingResponse(chunks(), media_type=media.mime_type, headers={"Content-Length": str(media.byte_length)})
