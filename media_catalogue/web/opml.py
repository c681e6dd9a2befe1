"""GET /feeds.opml: the list of every show feed (feeds/opml.py builds it)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ..catalogue.queries.imports import feed_list
from ..feeds.opml import OPML_CONTENT_TYPE, build_opml
from .deps import SessionDep, SettingsDep

router = APIRouter(tags=["feeds"])


@router.get("/feeds.opml", response_class=Response, summary="Every show feed, as OPML")
def feeds_opml(session: SessionDep, settings: SettingsDep) -> Response:
    body = build_opml(feed_list(session), settings)
    return Response(body, media_type=OPML_CONTENT_TYPE, headers={"Cache-Control": "public, max-age=300"})
