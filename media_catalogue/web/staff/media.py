"""Uploads of an episode's files: a new draft from an audio file, the audio (or video) itself, artwork and
transcripts. Each streams the request body to disk (web.staff.uploads) and runs ingest in a worker thread; the
Idempotency-Key header makes a retried upload answer the first outcome instead of acting twice."""

from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ... import ingest
from ...catalogue import audit
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import episodes as episode_editing
from ...catalogue.models import Episode, Show
from ...config import Settings
from ...storage import Storage
from ...urls import UrlPlan
from ..auth import Staff, require
from ..deps import SessionDep, SettingsDep, StorageDep, UrlsDep
from . import uploads
from .conventions import BINARY_BODY, Filename, IfMatch, required_role
from .representations import staff_episode
from .schemas import StaffEpisodeOut

router = APIRouter()
Work = Callable[[FilePath], Episode]


async def _upload(
    request: Request,
    session: Session,
    identity: Identity,
    settings: Settings,
    storage: Storage,
    urls: UrlPlan,
    work: Work,
    *,
    status_code: int = 200,
) -> Response:
    """Replay an Idempotency-Key, else stream the body to disk and run `work(path)` (sync) in a worker thread."""
    replayed = await run_in_threadpool(uploads.replay, session, identity, request)
    if replayed is not None:
        return replayed
    async with uploads.spooled_body(request, storage, settings.max_upload_bytes) as path:

        def run() -> dict[str, Any]:
            episode = work(path)
            body = staff_episode(episode, urls).model_dump(mode="json")
            uploads.remember(session, identity, request, status_code, body)
            session.commit()
            return body

        body = await run_in_threadpool(run)
    return JSONResponse(body, status_code=status_code, headers={"ETag": body["etag"]})


def _attach(
    session: Session,
    storage: Storage,
    settings: Settings,
    identity: Identity,
    row: Episode,
    path: FilePath,
    filename: str,
    role: str,
) -> Episode:
    before = episode_editing.snapshot(row)
    result = ingest.attach_media(session, storage, settings, row, path, filename=filename, role=role)
    if result.created:
        session.refresh(row)
        episode_editing.media_changed(session, identity, row, f"episode.upload_{role}", before)
    return row


async def _editable_episode(session: Session, identity: Identity, show: Show, slug: str) -> Episode:
    row = await run_in_threadpool(episode_editing.get_episode, session, identity, show, slug)
    episode_editing.require_edit(identity, row)
    return row


@router.post(
    "/shows/{show}/uploads",
    response_model=StaffEpisodeOut,
    status_code=201,
    summary="Create a draft episode from an audio file (streamed body; Idempotency-Key)",
    openapi_extra=BINARY_BODY | required_role(Role.contributor, "of the show"),
)
async def upload_new_episode(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    filename: Filename,
    title: Annotated[str | None, Query(max_length=500, description="Title (default: the file name).")] = None,
) -> Response:
    def work(path: FilePath) -> Episode:
        name = (title or filename.rsplit(".", 1)[0]).strip() or "New episode"
        episode = episode_editing.create_episode(session, identity, found, episode_editing.EpisodeFields(title=name))
        return _attach(session, storage, settings, identity, episode, path, filename, "primary")

    return await _upload(request, session, identity, settings, storage, urls, work, status_code=201)


@router.put(
    "/shows/{show}/episodes/{episode}/media",
    response_model=StaffEpisodeOut,
    summary="Upload the episode's audio (or video) file (streamed body; Idempotency-Key)",
    openapi_extra=BINARY_BODY | required_role(Role.contributor, "of the show"),
)
async def upload_media(
    episode: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    filename: Filename,
    role: Annotated[str, Query(pattern="^(primary|alternate|video)$")] = "primary",
    if_match: IfMatch = None,
) -> Response:
    row = await _editable_episode(session, identity, found, episode)
    audit.check_if_match(if_match, episode_editing.etag(row), required=False)

    def work(path: FilePath) -> Episode:
        return _attach(session, storage, settings, identity, row, path, filename, role)

    return await _upload(request, session, identity, settings, storage, urls, work)


@router.put(
    "/shows/{show}/episodes/{episode}/artwork",
    response_model=StaffEpisodeOut,
    summary="Upload the episode's artwork: square JPEG or PNG, 1400-3000 px (streamed body)",
    openapi_extra=BINARY_BODY | required_role(Role.contributor, "of the show"),
)
async def upload_artwork(
    episode: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    filename: Filename,
) -> Response:
    row = await _editable_episode(session, identity, found, episode)

    def work(path: FilePath) -> Episode:
        before = episode_editing.snapshot(row)
        row.artwork_key = ingest.store_artwork(storage, settings, path, filename=filename)
        episode_editing.media_changed(session, identity, row, "episode.upload_artwork", before)
        return row

    return await _upload(request, session, identity, settings, storage, urls, work)


@router.put(
    "/shows/{show}/episodes/{episode}/transcripts/{language}",
    response_model=StaffEpisodeOut,
    summary="Upload a WebVTT or SRT transcript in a language (streamed body)",
    openapi_extra=BINARY_BODY | required_role(Role.contributor, "of the show"),
)
async def upload_transcript(
    episode: str,
    language: Annotated[str, Path(max_length=20, description="BCP 47 language code, e.g. en, fr, nl-BE.")],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    filename: Filename,
) -> Response:
    row = await _editable_episode(session, identity, found, episode)

    def work(path: FilePath) -> Episode:
        before = episode_editing.snapshot(row)
        ingest.attach_transcript(session, storage, settings, row, path, language=language, filename=filename)
        session.refresh(row)
        episode_editing.media_changed(session, identity, row, "episode.upload_transcript", before)
        return row

    return await _upload(request, session, identity, settings, storage, urls, work)
