"""Downloads (issue 16): counted downloads of the shows you may see, per episode, day or app, as JSON or CSV; the
same report as `media-catalogue downloads`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from ...catalogue import access
from ...catalogue.downloads import report
from ...errors import Invalid
from ..auth import Staff
from ..deps import SessionDep

router = APIRouter()


@router.get(
    "/downloads",
    summary="Downloads per episode, day or app (IAB rules; shows you may see)",
    responses={200: {"content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}}}},
)
def downloads(
    identity: Staff,
    session: SessionDep,
    show: str | None = None,
    start: date | None = Query(None, alias="from", description="First day; default 29 days before `to`."),
    end: date | None = Query(None, alias="to", description="Last day, included; default today (UTC)."),
    by: Literal["episode", "day", "app"] = "episode",
    format: Literal["json", "csv"] = "json",  # noqa: A002 - the public name of the parameter
) -> Any:
    try:
        first, last = report.period(start, end, datetime.now(UTC).date())
    except ValueError as exc:
        raise Invalid(str(exc), field="from") from exc
    shows = report.visible(session, show, access.visible_shows(session, identity.user))
    rows = report.table(session, shows, first, last, by)
    if format == "csv":
        name = f"downloads-{show or 'all'}-{first}-{last}-by-{by}.csv"
        return Response(report.as_csv(rows, by), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
    return JSONResponse({"from": first.isoformat(), "to": last.isoformat(), "by": by, "window": report.WINDOW,
                         "method": report.METHOD, "rows": report.as_records(rows, by)})  # fmt: skip
