"""Staff JSON API under /api/staff: everything the workspace can do, for automation. Every route needs a staff
identity (bearer token, or the session cookie plus the CSRF header) and the role named in its description.

Every editable resource answers with an ETag; updates and deletes require If-Match and answer 412 when it is stale
(428 when it is missing). Uploads stream the request body to disk (never whole in memory) and accept an
Idempotency-Key header so that a retried upload does not create a second episode.
"""

# No `from __future__ import annotations`: routes are built in closures, so annotations must be real objects.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..catalogue import access, audit
from ..catalogue.access import Identity
from ..catalogue.accounts import ApiToken, Role
from ..catalogue.editing import episodes as episode_editing
from ..catalogue.editing import records as record_editing
from ..catalogue.models import Episode, Person, Project, Show, Video
from ..urls import UrlPlan
from . import staff_uploads
from .api import episode_out, show_out, video_out
from .auth import Staff, require
from .deps import SessionDep, SettingsDep, StorageDep, UrlsDep
from .staff_schemas import (
    AuditOut,
    Deleted,
    GrantOut,
    MeOut,
    ScheduleIn,
    StaffEpisodeOut,
    StaffPersonOut,
    StaffProjectOut,
    StaffShowOut,
    StaffVideoOut,
    TokenCreated,
    TokenIn,
    TokenOut,
)

router = APIRouter(prefix="/staff", tags=["staff"])

IfMatch = Annotated[str | None, Header(description="The ETag you read; required on updates and deletes.")]
Filename = Annotated[
    str, Query(min_length=1, max_length=255, description="The file's original name (its extension is a hint).")
]
_BINARY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _role(role: Role, where: str) -> dict[str, Any]:
    return {"x-required-role": f"{role.value} {where}".strip()}


# -- representations ---------------------------------------------------------------------------------------------


def staff_episode(episode: Episode, urls: UrlPlan) -> StaffEpisodeOut:
    public = episode_out(episode, urls).model_dump()
    return StaffEpisodeOut(
        **public,
        etag=episode_editing.etag(episode),
        id=episode.id,
        status=episode.status.value,
        live=episode.is_live(),
        deleted_at=episode.deleted_at,
        created_at=episode.created_at,
        updated_at=episode.updated_at,
        show_notes=episode.show_notes,
        explicit=episode.explicit,
        chapters=episode.chapters,
        translation_group=episode.translation_group,
        artwork_url=urls.artwork(episode.artwork_key) if episode.artwork_key else None,
        preview_url=urls.absolute(f"/admin/episodes/{episode.id}/preview"),
    )


def staff_show(session: Session, show: Show, urls: UrlPlan) -> StaffShowOut:
    from ..catalogue import queries

    public = show_out(show, urls, queries.show_translations(session, show)).model_dump()
    return StaffShowOut(
        **public,
        etag=record_editing.etag(show),
        id=show.id,
        subtitle=show.subtitle,
        owner_name=show.owner_name,
        owner_email=show.owner_email,
        copyright=show.copyright,
        timezone=show.timezone,
        translation_group=show.translation_group,
        complete=show.complete,
    )


def staff_video(video: Video, urls: UrlPlan) -> StaffVideoOut:
    return StaffVideoOut(
        **video_out(video, urls).model_dump(), etag=record_editing.etag(video), status=video.status.value
    )


def staff_person(person: Person) -> StaffPersonOut:
    return StaffPersonOut(etag=record_editing.etag(person), **record_editing.snapshot(person))


def staff_project(project: Project) -> StaffProjectOut:
    return StaffProjectOut(etag=record_editing.etag(project), **record_editing.snapshot(project))


def _tagged(response: Response, body: Any) -> Any:
    response.headers["ETag"] = body.etag
    return body


# -- me, tokens, audit -------------------------------------------------------------------------------------------


@router.get("/me", response_model=MeOut, summary="Who am I, with which roles")
def me(identity: Staff, session: SessionDep) -> MeOut:
    grants = []
    for grant in identity.user.grants:
        show = session.get(Show, grant.show_id) if grant.show_id else None
        grants.append(GrantOut(role=grant.role.value, show=show.slug if show else None))
    return MeOut(username=identity.username, display_name=identity.user.display_name, via=identity.via, grants=grants)


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/tokens", response_model=list[TokenOut], summary="Your API tokens (admins: everyone's)")
def list_tokens(identity: Staff, session: SessionDep) -> list[TokenOut]:
    owner = None if access.is_admin(identity.user) else identity.user
    return [TokenOut(**_token_out(t)) for t in access.list_tokens(session, owner)]


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token for yourself",
    openapi_extra={"x-required-role": "any staff account"},
)
def create_token(identity: Staff, session: SessionDep, body: TokenIn) -> TokenCreated:
    token, value = access.create_token(session, identity.user, body.name, days=body.days)
    audit.record(
        session,
        identity.actor(),
        "token.create",
        "user",
        identity.user.id,
        identity.username,
        after={"token": token.id, "name": token.name},
    )
    session.commit()
    return TokenCreated(**_token_out(token), token=value)


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenOut,
    summary="Revoke an API token (yours, or any: admin)",
    openapi_extra={"x-required-role": "token owner or admin"},
)
def revoke_token(token_id: int, identity: Staff, session: SessionDep) -> TokenOut:
    token = access.revoke_token(session, identity.user, token_id)
    audit.record(
        session,
        identity.actor(),
        "token.revoke",
        "user",
        token.user_id,
        token.user.username,
        after={"token": token.id},
    )
    session.commit()
    return TokenOut(**_token_out(token))


@router.get("/audit", response_model=list[AuditOut], summary="The audit trail, newest first (admin)")
def audit_trail(
    session: SessionDep,
    _: Annotated[Identity, Depends(require(Role.admin))],
    object_type: Annotated[str | None, Query(max_length=30)] = None,
    object_id: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AuditOut]:
    rows = audit.entries(session, object_type=object_type, object_id=object_id, actor=actor, limit=limit, offset=offset)
    return [
        AuditOut(
            id=e.id,
            at=e.at,
            actor=e.actor,
            via=e.via,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_label=e.object_label,
            before=e.before,
            after=e.after,
            changed=audit.changed_fields(e.before, e.after),
        )
        for e in rows
    ]


# -- shows -------------------------------------------------------------------------------------------------------


@router.get("/shows", response_model=list[StaffShowOut], summary="Shows you may see")
def list_shows(identity: Staff, session: SessionDep, urls: UrlsDep) -> list[StaffShowOut]:
    return [staff_show(session, show, urls) for show in access.visible_shows(session, identity.user)]


@router.post(
    "/shows",
    response_model=StaffShowOut,
    status_code=201,
    summary="Create a show (admin)",
    openapi_extra=_role(Role.admin, ""),
)
def create_show(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    urls: UrlsDep,
    identity: Annotated[Identity, Depends(require(Role.admin))],
    body: record_editing.ShowFields,
) -> StaffShowOut:
    show = record_editing.create_show(session, identity, settings, body)
    session.commit()
    return _tagged(response, staff_show(session, show, urls))  # type: ignore[no-any-return]


@router.get("/shows/{show}", response_model=StaffShowOut, summary="One show, with its ETag")
def get_show(
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    found: Annotated[Show, Depends(require(Role.viewer, show=True))],
) -> StaffShowOut:
    return _tagged(response, staff_show(session, found, urls))  # type: ignore[no-any-return]


@router.patch(
    "/shows/{show}",
    response_model=StaffShowOut,
    summary="Update a show (admin; If-Match)",
    openapi_extra=_role(Role.admin, ""),
)
def update_show(
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    found: Annotated[Show, Depends(require(Role.admin, show=True))],
    identity: Staff,
    body: Annotated[dict[str, Any], Body(description="Any fields of ShowFields.")],
    if_match: IfMatch = None,
) -> StaffShowOut:
    fields, sent = _partial(record_editing.ShowFields, record_editing.snapshot(found), body)
    record_editing.update_show(session, identity, found, fields, sent, if_match)
    session.commit()
    return _tagged(response, staff_show(session, found, urls))  # type: ignore[no-any-return]


@router.delete(
    "/shows/{show}",
    response_model=Deleted,
    summary="Delete an empty show (admin; If-Match)",
    openapi_extra=_role(Role.admin, ""),
)
def delete_show(
    session: SessionDep,
    found: Annotated[Show, Depends(require(Role.admin, show=True))],
    identity: Staff,
    if_match: IfMatch = None,
) -> Deleted:
    record_editing.delete_show(session, identity, found, if_match)
    session.commit()
    return Deleted()


def _partial(model: type[Any], current: dict[str, Any], body: dict[str, Any]) -> tuple[Any, set[str]]:
    """A PATCH body validated as a whole object (current values filled in), and the names it sent."""
    from pydantic import ValidationError

    from ..errors import Invalid

    unknown = set(body) - set(model.model_fields)
    if unknown:
        name = sorted(unknown)[0]
        raise Invalid(f"{name}: not a field that can be edited", field=name)
    # Only the required fields are filled in from the current object: the others are not re-validated, so an old
    # value that today's rules would refuse does not block an unrelated edit.
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    merged = {k: v for k, v in current.items() if k in required} | body
    try:
        return model.model_validate(merged), set(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        raise Invalid(f"{field}: {first.get('msg', 'invalid value')}", field=field or None) from None


# -- episodes ----------------------------------------------------------------------------------------------------


def _episode(session: Session, identity: Identity, show: Show, slug: str) -> Episode:
    return episode_editing.get_episode(session, identity, show, slug)


@router.get("/shows/{show}/episodes", response_model=list[StaffEpisodeOut], summary="All episodes, drafts too")
def list_episodes(
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.viewer, show=True))],
    deleted: Annotated[bool, Query(description="Include deleted episodes.")] = False,
) -> list[StaffEpisodeOut]:
    return [
        staff_episode(e, urls) for e in episode_editing.list_episodes(session, identity, found, include_deleted=deleted)
    ]


@router.post(
    "/shows/{show}/episodes",
    response_model=StaffEpisodeOut,
    status_code=201,
    summary="Create a draft episode (contributor)",
    openapi_extra=_role(Role.contributor, "of the show"),
)
def create_episode(
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    body: episode_editing.EpisodeFields,
) -> StaffEpisodeOut:
    episode = episode_editing.create_episode(session, identity, found, body)
    session.commit()
    return _tagged(response, staff_episode(episode, urls))  # type: ignore[no-any-return]


@router.get("/shows/{show}/episodes/{episode}", response_model=StaffEpisodeOut, summary="One episode, with its ETag")
def get_episode(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.viewer, show=True))],
) -> StaffEpisodeOut:
    return _tagged(response, staff_episode(_episode(session, identity, found, episode), urls))  # type: ignore[no-any-return]


@router.patch(
    "/shows/{show}/episodes/{episode}",
    response_model=StaffEpisodeOut,
    summary="Update an episode (contributor for drafts, editor otherwise; If-Match)",
    openapi_extra=_role(Role.contributor, "of the show"),
)
def update_episode(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    body: Annotated[dict[str, Any], Body(description="Any fields of EpisodeFields.")],
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = _episode(session, identity, found, episode)
    episode_editing.require_edit(identity, row)
    fields, sent = _partial(episode_editing.EpisodeFields, episode_editing.snapshot(row) | {"translations": []}, body)
    episode_editing.update_episode(session, identity, row, fields, sent, if_match)
    session.commit()
    return _tagged(response, staff_episode(row, urls))  # type: ignore[no-any-return]


@router.delete(
    "/shows/{show}/episodes/{episode}",
    response_model=StaffEpisodeOut,
    summary="Soft-delete an episode: GUID kept reserved, files kept for 30 days (If-Match)",
    openapi_extra=_role(Role.contributor, "of the show (editor once published)"),
)
def delete_episode(
    episode: str,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = episode_editing.delete(session, identity, _episode(session, identity, found, episode), if_match=if_match)
    session.commit()
    return staff_episode(row, urls)


def _action(name: str, summary: str) -> Any:
    def route(
        episode: str,
        response: Response,
        session: SessionDep,
        urls: UrlsDep,
        identity: Staff,
        found: Annotated[Show, Depends(require(Role.editor, show=True))],
        if_match: IfMatch = None,
    ) -> StaffEpisodeOut:
        row = _episode(session, identity, found, episode)
        if name == "restore":
            episode_editing.restore(session, identity, row)
        else:
            getattr(episode_editing, name)(session, identity, row, if_match=if_match)
        session.commit()
        return _tagged(response, staff_episode(row, urls))  # type: ignore[no-any-return]

    router.post(
        f"/shows/{{show}}/episodes/{{episode}}/{name}",
        response_model=StaffEpisodeOut,
        summary=summary,
        name=f"{name}_episode",
        openapi_extra=_role(Role.editor, "of the show"),
    )(route)


_action("publish", "Publish now (editor)")
_action("unpublish", "Take out of feeds and pages; the GUID stays reserved (editor)")
_action("restore", "Restore a deleted episode, unpublished (editor)")


@router.post(
    "/shows/{show}/episodes/{episode}/schedule",
    response_model=StaffEpisodeOut,
    summary="Schedule: goes live at published_at without anyone acting (editor)",
    openapi_extra=_role(Role.editor, "of the show"),
)
def schedule_episode(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.editor, show=True))],
    body: ScheduleIn,
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    row = episode_editing.schedule(
        session, identity, _episode(session, identity, found, episode), body.published_at, if_match=if_match
    )
    session.commit()
    return _tagged(response, staff_episode(row, urls))  # type: ignore[no-any-return]


@router.put(
    "/shows/{show}/episodes/{episode}/chapters",
    response_model=StaffEpisodeOut,
    summary="Replace the chapters (Podcasting 2.0 JSON chapters)",
    openapi_extra=_role(Role.contributor, "of the show"),
)
def put_chapters(
    episode: str,
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    identity: Staff,
    found: Annotated[Show, Depends(require(Role.contributor, show=True))],
    body: Annotated[
        list[dict[str, Any]] | dict[str, Any], Body(description="[{startTime, title}] or {chapters: [...]}")
    ],
    if_match: IfMatch = None,
) -> StaffEpisodeOut:
    from ..media.chapters import parse_chapters

    row = _episode(session, identity, found, episode)
    episode_editing.require_edit(identity, row)
    fields = episode_editing.EpisodeFields(title=row.title, chapters=parse_chapters(body) or None)
    episode_editing.update_episode(session, identity, row, fields, {"chapters"}, if_match or episode_editing.etag(row))
    session.commit()
    return _tagged(response, staff_episode(row, urls))  # type: ignore[no-any-return]


# -- uploads -----------------------------------------------------------------------------------------------------


async def _upload(
    request: Request,
    session: Session,
    identity: Identity,
    settings: Any,
    storage: Any,
    urls: UrlPlan,
    work: Any,
    *,
    status_code: int = 200,
) -> Response:
    """Replay an Idempotency-Key, else stream the body to disk and run `work(path)` (sync) in a worker thread."""
    replayed = await run_in_threadpool(staff_uploads.replay, session, identity, request)
    if replayed is not None:
        return replayed
    async with staff_uploads.spooled_body(request, storage, settings.max_upload_bytes) as path:

        def run() -> dict[str, Any]:
            episode = work(path)
            body = staff_episode(episode, urls).model_dump(mode="json")
            staff_uploads.remember(session, identity, request, status_code, body)
            session.commit()
            return body

        body = await run_in_threadpool(run)
    return JSONResponse(body, status_code=status_code, headers={"ETag": body["etag"]})


def _attach(
    session: Session, storage: Any, settings: Any, identity: Identity, row: Episode, path: Any, filename: str, role: str
) -> Episode:
    from .. import ingest

    before = episode_editing.snapshot(row)
    result = ingest.attach_media(session, storage, settings, row, path, filename=filename, role=role)
    if result.created:
        session.refresh(row)
        episode_editing.media_changed(session, identity, row, f"episode.upload_{role}", before)
    return row


@router.post(
    "/shows/{show}/uploads",
    response_model=StaffEpisodeOut,
    status_code=201,
    summary="Create a draft episode from an audio file (streamed body; Idempotency-Key)",
    openapi_extra=_BINARY_BODY | _role(Role.contributor, "of the show"),
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
    def work(path: Any) -> Episode:
        name = (title or filename.rsplit(".", 1)[0]).strip() or "New episode"
        episode = episode_editing.create_episode(session, identity, found, episode_editing.EpisodeFields(title=name))
        return _attach(session, storage, settings, identity, episode, path, filename, "primary")

    return await _upload(request, session, identity, settings, storage, urls, work, status_code=201)


@router.put(
    "/shows/{show}/episodes/{episode}/media",
    response_model=StaffEpisodeOut,
    summary="Upload the episode's audio (or video) file (streamed body; Idempotency-Key)",
    openapi_extra=_BINARY_BODY | _role(Role.contributor, "of the show"),
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
    row = await run_in_threadpool(_episode, session, identity, found, episode)
    episode_editing.require_edit(identity, row)
    audit.check_if_match(if_match, episode_editing.etag(row), required=False)
    return await _upload(
        request,
        session,
        identity,
        settings,
        storage,
        urls,
        lambda path: _attach(session, storage, settings, identity, row, path, filename, role),
    )


@router.put(
    "/shows/{show}/episodes/{episode}/artwork",
    response_model=StaffEpisodeOut,
    summary="Upload the episode's artwork: square JPEG or PNG, 1400-3000 px (streamed body)",
    openapi_extra=_BINARY_BODY | _role(Role.contributor, "of the show"),
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
    row = await run_in_threadpool(_episode, session, identity, found, episode)
    episode_editing.require_edit(identity, row)

    def work(path: Any) -> Episode:
        from .. import ingest

        before = episode_editing.snapshot(row)
        row.artwork_key = ingest.store_artwork(storage, settings, path, filename=filename)
        episode_editing.media_changed(session, identity, row, "episode.upload_artwork", before)
        return row

    return await _upload(request, session, identity, settings, storage, urls, work)


@router.put(
    "/shows/{show}/episodes/{episode}/transcripts/{language}",
    response_model=StaffEpisodeOut,
    summary="Upload a WebVTT or SRT transcript in a language (streamed body)",
    openapi_extra=_BINARY_BODY | _role(Role.contributor, "of the show"),
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
    row = await run_in_threadpool(_episode, session, identity, found, episode)
    episode_editing.require_edit(identity, row)

    def work(path: Any) -> Episode:
        from .. import ingest

        before = episode_editing.snapshot(row)
        ingest.attach_transcript(session, storage, settings, row, path, language=language, filename=filename)
        session.refresh(row)
        episode_editing.media_changed(session, identity, row, "episode.upload_transcript", before)
        return row

    return await _upload(request, session, identity, settings, storage, urls, work)


# -- videos, people, projects ------------------------------------------------------------------------------------

_ITEMS: dict[str, tuple[str, type[Any], Any, Any]] = {
    "video": ("videos", record_editing.VideoFields, staff_video, StaffVideoOut),
    "person": ("people", record_editing.PersonFields, lambda p, _u: staff_person(p), StaffPersonOut),
    "project": ("projects", record_editing.ProjectFields, lambda p, _u: staff_project(p), StaffProjectOut),
}


def _item_routes(kind: str) -> None:
    plural, fields_model, render, out = _ITEMS[kind]
    editor = Annotated[Identity, Depends(require(Role.editor, anywhere=True))]
    extra = _role(Role.editor, "of any show")

    def list_items(session: SessionDep, urls: UrlsDep, _: Staff) -> list[Any]:
        model = record_editing._MODELS[kind]
        return [render(item, urls) for item in session.scalars(select(model).order_by(model.slug))]

    def get_item(slug: str, response: Response, session: SessionDep, urls: UrlsDep, _: Staff) -> Any:
        return _tagged(response, render(record_editing.get_item(session, kind, slug), urls))

    def create_item(
        response: Response,
        session: SessionDep,
        urls: UrlsDep,
        identity: editor,
        body: fields_model,  # type: ignore[valid-type]
    ) -> Any:
        item = record_editing.save_item(session, identity, kind, body)
        session.commit()
        return _tagged(response, render(item, urls))

    def update_item(
        slug: str,
        response: Response,
        session: SessionDep,
        urls: UrlsDep,
        identity: editor,
        body: Annotated[dict[str, Any], Body(description=f"Any fields of {fields_model.__name__}.")],
        if_match: IfMatch = None,
    ) -> Any:
        item = record_editing.get_item(session, kind, slug)
        fields, sent = _partial(fields_model, record_editing.snapshot(item), body)
        record_editing.save_item(session, identity, kind, fields, item=item, sent=sent, if_match=if_match)
        session.commit()
        return _tagged(response, render(item, urls))

    path = f"/{plural}/{{slug}}"
    router.get(f"/{plural}", response_model=list[out], summary=f"All {plural}", name=f"list_{plural}")(  # type: ignore[valid-type]
        list_items
    )
    router.get(path, response_model=out, summary=f"One {kind}, with its ETag", name=f"get_{kind}")(get_item)
    router.post(
        f"/{plural}",
        response_model=out,
        status_code=201,
        summary=f"Create a {kind} (editor)",
        name=f"create_{kind}",
        openapi_extra=extra,
    )(create_item)
    router.patch(
        path,
        response_model=out,
        summary=f"Update a {kind} (editor; If-Match)",
        name=f"update_{kind}",
        openapi_extra=extra,
    )(update_item)
    if kind == "video":

        def delete_item(
            slug: str, session: SessionDep, urls: UrlsDep, identity: editor, if_match: IfMatch = None
        ) -> Any:
            video = record_editing.delete_video(
                session, identity, record_editing.get_item(session, kind, slug), if_match
            )
            session.commit()
            return render(video, urls)

        router.delete(
            path,
            response_model=out,
            summary="Unpublish a video (editor; If-Match)",
            name="delete_video",
            openapi_extra=extra,
        )(delete_item)


for _kind in _ITEMS:
    _item_routes(_kind)
