"""Video pages: the filterable listing and one page per video (templates videos.html, video.html, _video_item.html).

Videos live on external providers. To keep every page free of third-party requests, pages link to the provider
instead of embedding its player or thumbnail; the provider's embed URL is still given in the JSON-LD.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..catalogue import queries
from ..catalogue.models import VideoKind
from ..text import plain_text
from .deps import SessionDep, UrlsDep
from .metadata import provider_video, video_ld
from .pages import PAGE_METHODS, moved
from .templating import render_page

router = APIRouter(include_in_schema=False)


@router.api_route("/videos", methods=PAGE_METHODS)
def videos_page(
    request: Request,
    session: SessionDep,
    urls: UrlsDep,
    kind: Annotated[VideoKind | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    project: Annotated[str | None, Query(max_length=120)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    result = queries.list_videos(
        session, kind=kind.value if kind else None, language=language or None, project=project or None, page=page,
        per_page=24,
    )  # fmt: skip
    return render_page(
        request,
        "videos.html",
        result=result,
        kind=kind.value if kind else "",
        language_filter=language or "",
        project=project or "",
        kinds=[k.value for k in VideoKind],
        projects=queries.list_projects(session),
        canonical=urls.absolute("/videos"),
        nav="videos",
    )


@router.api_route("/videos/{video}", methods=PAGE_METHODS)
def video_page(video: str, request: Request, session: SessionDep, urls: UrlsDep) -> Response:
    try:
        found = queries.get_video(session, video)
    except queries.Moved as exc:
        return moved(request, f"/videos/{exc.new_slug}")
    return render_page(
        request,
        "video.html",
        video=found,
        provider=provider_video(found),
        canonical=urls.video(found.slug),
        description=plain_text(found.description, limit=200),
        og_type="video.other",
        json_ld=[video_ld(found, urls)],
        nav="videos",
    )
