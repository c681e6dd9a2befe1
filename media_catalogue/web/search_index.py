"""/search/index.json: what the search page searches in the browser when a static host served it (the export has
no server to answer /search?q=...; catalogue.static_search says what is listed). Cached like a page: the page cache
keeps it per content version, with a strong ETag."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import Response

from ..catalogue import static_search
from .deps import SessionDep

router = APIRouter(include_in_schema=False)
HEADERS = {"Cache-Control": "public, max-age=300", "x-page-cache": "1"}


@router.api_route("/search/index.json", methods=["GET", "HEAD"])
def search_index(session: SessionDep) -> Response:
    body = json.dumps({"version": 1, "entries": static_search.entries(session)}, ensure_ascii=False,
                      separators=(",", ":"))  # fmt: skip
    return Response(body, media_type="application/json", headers=HEADERS)
