"""Videos, people and projects: the same five routes for each (list, read, create, update; delete for videos
only, which unpublishes), built by one factory. Every staff member reads people, projects and published videos;
draft and unpublished videos need a role on a show (queries.workspace); editors of any show write."""

# No `from __future__ import annotations`: the routes are built in a closure, so annotations must be real objects.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response
from pydantic import BaseModel

from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import records as record_editing
from ...catalogue.queries import workspace
from ...urls import UrlPlan
from ..auth import Staff, require
from ..deps import SessionDep, UrlsDep
from .conventions import IfMatch, patch_fields, required_role, with_etag
from .representations import staff_person, staff_project, staff_video
from .schemas import Etagged, StaffPersonOut, StaffProjectOut, StaffVideoOut

router = APIRouter()
Editor = Annotated[Identity, Depends(require(Role.editor, anywhere=True))]
Render = Callable[[Any, UrlPlan], Etagged]

# kind -> (plural in the path, input fields, representation, response model)
_ITEMS: dict[str, tuple[str, type[BaseModel], Render, type[Etagged]]] = {
    "video": ("videos", record_editing.VideoFields, staff_video, StaffVideoOut),
    "person": ("people", record_editing.PersonFields, lambda p, _u: staff_person(p), StaffPersonOut),
    "project": ("projects", record_editing.ProjectFields, lambda p, _u: staff_project(p), StaffProjectOut),
}


def _item_routes(kind: str) -> None:
    plural, fields_model, render, out = _ITEMS[kind]
    extra = required_role(Role.editor, "of any show")

    def list_items(session: SessionDep, urls: UrlsDep, identity: Staff) -> list[Etagged]:
        if kind == "video":  # drafts and unpublished videos only to those holding a role (queries.workspace)
            return [render(item, urls) for item in workspace.all_videos(session, identity.user)]
        return [render(item, urls) for item in record_editing.list_items(session, kind)]

    def get_item(slug: str, response: Response, session: SessionDep, urls: UrlsDep, identity: Staff) -> Etagged:
        if kind == "video":
            return with_etag(response, render(workspace.video_for_editing(session, identity.user, slug), urls))
        return with_etag(response, render(record_editing.get_item(session, kind, slug), urls))

    def create_item(
        response: Response,
        session: SessionDep,
        urls: UrlsDep,
        identity: Editor,
        body: fields_model,  # type: ignore[valid-type]  # a model chosen per kind: FastAPI reads it at run time
    ) -> Etagged:
        item = record_editing.save_item(session, identity, kind, body)
        session.commit()
        return with_etag(response, render(item, urls))

    def update_item(
        slug: str,
        response: Response,
        session: SessionDep,
        urls: UrlsDep,
        identity: Editor,
        body: Annotated[dict[str, Any], Body(description=f"Any fields of {fields_model.__name__}.")],
        if_match: IfMatch = None,
    ) -> Etagged:
        item = record_editing.get_item(session, kind, slug)
        fields, sent = patch_fields(fields_model, record_editing.snapshot(item), body)
        record_editing.save_item(session, identity, kind, fields, item=item, sent=sent, if_match=if_match)
        session.commit()
        return with_etag(response, render(item, urls))

    path = f"/{plural}/{{slug}}"
    router.get(f"/{plural}", response_model=list[out], summary=f"All {plural}", name=f"list_{plural}")(  # type: ignore[valid-type]  # same
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
        _video_delete_route(path, extra)


def _video_delete_route(path: str, extra: dict[str, Any]) -> None:
    def delete_item(
        slug: str, session: SessionDep, urls: UrlsDep, identity: Editor, if_match: IfMatch = None
    ) -> StaffVideoOut:
        video = record_editing.get_item(session, "video", slug)
        record_editing.delete_video(session, identity, video, if_match)
        session.commit()
        return staff_video(video, urls)

    router.delete(
        path,
        response_model=StaffVideoOut,
        summary="Unpublish a video (editor; If-Match)",
        name="delete_video",
        openapi_extra=extra,
    )(delete_item)


for _kind in _ITEMS:
    _item_routes(_kind)
