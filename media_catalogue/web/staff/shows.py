"""Shows: every staff member lists the shows they may see; admins create, update and delete them."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Response

from ...catalogue import access
from ...catalogue.access import Identity
from ...catalogue.accounts import Role
from ...catalogue.editing import records as record_editing
from ...catalogue.models import Show
from ..auth import Staff, require
from ..deps import SessionDep, SettingsDep, UrlsDep
from .conventions import IfMatch, patch_fields, required_role, with_etag
from .representations import staff_show
from .schemas import Deleted, StaffShowOut

router = APIRouter()


@router.get("/shows", response_model=list[StaffShowOut], summary="Shows you may see")
def list_shows(identity: Staff, session: SessionDep, urls: UrlsDep) -> list[StaffShowOut]:
    return [staff_show(session, show, urls) for show in access.visible_shows(session, identity.user)]


@router.post(
    "/shows",
    response_model=StaffShowOut,
    status_code=201,
    summary="Create a show (admin)",
    openapi_extra=required_role(Role.admin, ""),
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
    return with_etag(response, staff_show(session, show, urls))


@router.get("/shows/{show}", response_model=StaffShowOut, summary="One show, with its ETag")
def get_show(
    response: Response,
    session: SessionDep,
    urls: UrlsDep,
    found: Annotated[Show, Depends(require(Role.viewer, show=True))],
) -> StaffShowOut:
    return with_etag(response, staff_show(session, found, urls))


@router.patch(
    "/shows/{show}",
    response_model=StaffShowOut,
    summary="Update a show (admin; If-Match)",
    openapi_extra=required_role(Role.admin, ""),
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
    fields, sent = patch_fields(record_editing.ShowFields, record_editing.snapshot(found), body)
    record_editing.update_show(session, identity, found, fields, sent, if_match)
    session.commit()
    return with_etag(response, staff_show(session, found, urls))


@router.delete(
    "/shows/{show}",
    response_model=Deleted,
    summary="Delete an empty show (admin; If-Match)",
    openapi_extra=required_role(Role.admin, ""),
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
