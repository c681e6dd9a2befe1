"""Episode pages of the workspace: create and edit every field, upload audio/artwork/transcripts, preview, publish
now, schedule in the show's time zone, unpublish, delete and restore. The audio upload itself goes to the staff
API from the page's script (XMLHttpRequest: a real progress bar and a cancel button); a plain form is the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import ingest
from ...catalogue import access, audit, queries
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import episodes as episode_editing
from ...catalogue.editing.records import get_show
from ...catalogue.models import Episode, Show
from ...catalogue.queries import workspace
from ...config import Settings
from ...errors import CatalogueError, NotFound, PreconditionFailed
from ...storage import Storage
from ...urls import UrlPlan
from ..auth import CSRF_HEADER, Staff, require
from ..deps import SessionDep, SettingsDep, StorageDep, UrlsDep
from ..limits import UPLOAD
from ..staff.uploads import FormUpload, spooled_form_file
from . import messages, words
from .episode_forms import bad_time, clock, episode_form_data, local_datetime, raw_values
from .rendering import Viewer, form_errors, gettext_for, redirect, render
from .rendering import request_language as _language

router = APIRouter()


def episode_access(role: Role) -> Callable[..., Episode]:
    """Dependency for writes: the episode, if the caller holds `role` on its show (403 otherwise)."""

    def dependency(episode_id: int, identity: Staff, session: SessionDep) -> Episode:
        episode = workspace.episode_by_id(session, episode_id)
        access.require(identity.user, role, episode.show)
        return episode

    return dependency


def _form_context(session: Session, show: Show, episode: Episode | None, values: dict[str, Any]) -> dict[str, Any]:
    people = queries.list_people(session)
    candidates = [
        (f"{other.slug}/{row.slug}", f"{row.title} ({words.own_name(other.language)}, {other.title})")
        for other in queries.show_translations(session, show)
        for row in workspace.undeleted_episodes(session, other)
    ]
    return {"show": show, "episode": episode, "values": values, "people": people, "translation_choices": candidates,
            "clock": clock, "bad_time": bad_time}  # fmt: skip


def _values_of(episode: Episode, session: Session) -> dict[str, Any]:
    values = episode_editing.snapshot(episode)
    values["translations"] = [f"{e.show.slug}/{e.slug}" for e in workspace.episode_translations(session, episode)]
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
            errors = form_errors(exc, request)
            values = raw_values(form)
            context = _form_context(session, found, None, values) | {"errors": errors}
            return render(request, "episode_form.html", context, status=422)
        return redirect(f"/admin/episodes/{episode.id}", "Draft saved. Now upload the audio.")

    return await run_in_threadpool(work)


@router.get("/episodes/{episode_id}", response_class=HTMLResponse)
def edit_episode(episode_id: int, request: Request, identity: Viewer, session: SessionDep, urls: UrlsDep) -> Response:
    episode = workspace.episode_by_id(session, episode_id)
    access.require(identity.user, Role.viewer, episode.show)
    return _edit_page(request, session, identity, episode, urls, _values_of(episode, session), {})


def _edit_page(request: Request, session: Session, identity: Identity, episode: Episode, urls: UrlPlan,
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
        "refusals": messages.translations_for_script(gettext_for(request)),
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
            errors = form_errors(exc, request)
            if isinstance(exc, PreconditionFailed):
                errors = {"form": _refusal(request, exc)}
            fresh = workspace.episode_by_id(session, episode.id)
            return _edit_page(request, session, identity, fresh, urls, raw_values(form), errors, status=exc_status(exc))
        return redirect(f"/admin/episodes/{episode.id}", "Saved.")

    return await run_in_threadpool(work)


def _refusal(request: Request, exc: CatalogueError) -> str:
    return messages.refusal(exc, gettext_for(request), _language(request))


def exc_status(exc: Exception) -> int:
    return exc.status if isinstance(exc, CatalogueError) else 422


# -- uploads (artwork, transcripts, audio without script) --------------------------------------------------------


def _store_upload(
    session: Session, storage: Storage, settings: Settings, episode: Episode, upload: FormUpload, kind: str
) -> str:
    """Ingest the spooled file as the episode's audio, artwork or transcript; answers the notice to show (one of
    rendering.NOTICES, translated when the page shows it)."""
    if kind == "audio":
        result = ingest.attach_media(session, storage, settings, episode, upload.path, filename=upload.filename,
                                     role="primary")  # fmt: skip
        return "Audio uploaded, with notes about the file: see its checks." if result.warnings else "Audio uploaded."
    if kind == "artwork":
        episode.artwork_key = ingest.store_artwork(storage, settings, upload.path, filename=upload.filename)
        return "Artwork uploaded."
    language = upload.form.get("language")
    ingest.attach_transcript(session, storage, settings, episode, upload.path, filename=upload.filename,
                             language=language if isinstance(language, str) else "")  # fmt: skip
    return "Transcript uploaded."


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

        def work(upload: FormUpload) -> Response:
            before = episode_editing.snapshot(episode)
            try:
                notice = _store_upload(session, storage, settings, episode, upload, kind)
                session.refresh(episode)
                episode_editing.media_changed(session, identity, episode, f"episode.upload_{kind}", before)
                session.commit()
            except CatalogueError as exc:
                session.rollback()
                fresh = workspace.episode_by_id(session, episode.id)
                return _edit_page(request, session, identity, fresh, urls, _values_of(fresh, session),
                                  {kind: _refusal(request, exc)}, status=exc.status)  # fmt: skip
            return redirect(f"/admin/episodes/{episode.id}", notice)

        try:  # the same spooling, limit and message as the staff API's uploads
            async with spooled_form_file(request, storage, settings.max_upload_bytes) as upload:
                return await run_in_threadpool(work, upload)
        except CatalogueError as exc:  # no file chosen, or too large
            return _edit_page(request, session, identity, episode, urls, _values_of(episode, session),
                              {kind: _refusal(request, exc)}, status=exc.status)  # fmt: skip

    router.post(
        f"/episodes/{{episode_id}}/{kind}", response_class=HTMLResponse, name=f"upload_{kind}", openapi_extra=UPLOAD
    )(route)


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
                    at = local_datetime(form.get("at"), episode.show.timezone)
                    episode_editing.schedule(session, identity, episode, at, if_match=if_match)
                    notice = "Scheduled: it goes live by itself at the time shown on this page."
                elif action == "unpublish":
                    episode_editing.unpublish(session, identity, episode, if_match=if_match)
                    notice = "Unpublished: it left the feed and the public page; its identifier stays reserved."
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
                fresh = workspace.episode_by_id(session, episode.id)
                field = exc.field if exc.field in ("published_at", "audio", "title") else "publish"
                message = _refusal(request, exc)
                return _edit_page(request, session, identity, fresh, urls, _values_of(fresh, session),
                                  {field: message, "publish": message}, status=exc.status)  # fmt: skip
            return redirect(f"/admin/episodes/{episode.id}", notice)

        return await run_in_threadpool(work)

    router.post(f"/episodes/{{episode_id}}/{action}", response_class=HTMLResponse, name=f"{action}_page")(route)


for _action in ("publish", "schedule", "unpublish", "delete", "restore"):
    _publishing_route(_action)


# -- preview -----------------------------------------------------------------------------------------------------


@router.get("/episodes/{episode_id}/audio")
def preview_audio(episode_id: int, identity: Viewer, session: SessionDep, storage: StorageDep) -> Response:
    """The stored audio of any episode (drafts too), for the preview player."""
    episode = workspace.episode_by_id(session, episode_id)
    access.require(identity.user, Role.viewer, episode.show)
    media = episode.primary_media
    if media is None:
        raise NotFound("This episode has no audio yet.")
    handle = storage.open(media.storage_key)

    def chunks() -> Iterator[bytes]:
        with handle:
            while block := handle.read(65536):
                yield block

    return StreamingResponse(chunks(), media_type=media.mime_type, headers={"Content-Length": str(media.byte_length)})
