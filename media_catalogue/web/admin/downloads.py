"""The downloads dashboard of a show (issue 16): downloads over time for the show or one episode, the first 7 and
30 days of each episode side by side, apps, and the table with its CSV export. Every role that can see the show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...catalogue import access
from ...catalogue.accounts import Role
from ...catalogue.downloads import report
from ...catalogue.editing.records import get_show
from ...errors import Invalid
from ..deps import SessionDep
from . import charts
from .rendering import Viewer, gettext_for, render

router = APIRouter()


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    try:
        return report.period(start, end, datetime.now(UTC).date())
    except ValueError as exc:
        raise Invalid(str(exc), field="from") from exc


@router.get("/shows/{show}/downloads", response_class=HTMLResponse)
def downloads_page(
    show: str,
    request: Request,
    identity: Viewer,
    session: SessionDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    episode: Annotated[str | None, Query(max_length=160)] = None,
) -> Response:
    found = get_show(session, show)
    access.require(identity.user, Role.viewer, found)
    first, last = _period(start, end)
    _ = gettext_for(request)
    rows = report.table(session, [found], first, last, "episode")
    chosen = next((e for e in found.episodes if e.slug == episode), None)
    daily = report.series(session, found, first, last, chosen)
    days = [(first + timedelta(days=n)).isoformat() for n in range(len(daily))]
    apps = report.table(session, [found], first, last, "app")
    launches = report.launches(session, found, datetime.now(UTC).date(), limit=12)
    subject = chosen.title if chosen else found.title
    total = sum(daily)
    over_time = charts.bars(
        _("Downloads per day: %(what)s") % {"what": subject}, days, daily,
        _("%(total)s downloads from %(first)s to %(last)s; most in one day: %(most)s.")
        % {"total": total, "first": first, "last": last, "most": max(daily, default=0)},
    )  # fmt: skip
    side_by_side = charts.paired(
        _("First 7 and 30 days of each episode"), [x.title for x in launches], [x.first_7 for x in launches],
        [x.first_30 for x in launches], (_("first 7 days"), _("first 30 days")),
        "; ".join(f"{x.title}: {x.first_7} / {x.first_30}" for x in launches),
    )  # fmt: skip
    app_chart = charts.bars(_("Apps"), [a.key for a in apps], [a.downloads for a in apps],
                            "; ".join(f"{a.key}: {a.downloads}" for a in apps))  # fmt: skip
    context = {"show": found, "rows": rows, "apps": apps, "launches": launches, "first": first, "last": last,
               "episode": chosen, "total": total, "over_time": over_time, "side_by_side": side_by_side,
               "app_chart": app_chart}  # fmt: skip
    return render(request, "downloads.html", context)


@router.get("/shows/{show}/downloads.csv")
def downloads_csv(
    show: str,
    identity: Viewer,
    session: SessionDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    by: Annotated[str, Query(pattern="^(episode|day|app)$")] = "episode",
) -> Response:
    found = get_show(session, show)
    access.require(identity.user, Role.viewer, found)
    first, last = _period(start, end)
    kind: report.By = "day" if by == "day" else "app" if by == "app" else "episode"
    body = report.as_csv(report.table(session, [found], first, last, kind), kind)
    name = f"downloads-{found.slug}-{first}-{last}-by-{kind}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
