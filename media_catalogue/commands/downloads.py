"""`downloads [SHOW] --from --to --by episode|day|app --format table|csv|json`: counted downloads (IAB rules)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import cast

import typer

from . import state


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        state.fail(f"'{value}' is not a date (YYYY-MM-DD)")
        raise


def downloads(
    show: str = typer.Argument(None, help="One show (slug); default: every show."),
    start: str = typer.Option(None, "--from", help="First day (YYYY-MM-DD); default: 29 days before --to."),
    end: str = typer.Option(None, "--to", help="Last day (YYYY-MM-DD), included; default: today (UTC)."),
    by: str = typer.Option("episode", "--by", help="One row per episode, day or app."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """Counted downloads by the IAB Tech Lab rules (one per listener, episode and calendar day in the show's zone)."""
    from ..catalogue.downloads import report
    from ..db import Database

    if by not in ("episode", "day", "app"):
        state.fail("--by is one of episode, day, app")
    if fmt not in ("table", "csv", "json"):
        state.fail("--format is one of table, csv, json")
    kind = cast("report.By", by)
    with state.errors_as_messages():
        first, last = report.period(_day(start), _day(end), datetime.now(UTC).date())
        settings = state.settings()
        database = Database(settings)
        database.migrate()
        try:
            with database.session() as session:
                shows = report.visible(session, show)
                rows = report.table(session, shows, first, last, kind)
        finally:
            database.dispose()
    if fmt == "csv":
        typer.echo(report.as_csv(rows, kind), nl=False)
        return
    if fmt == "json":
        document = {"from": first.isoformat(), "to": last.isoformat(), "by": by, "window": report.WINDOW,
                    "method": report.METHOD, "rows": report.as_records(rows, kind)}  # fmt: skip
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Downloads {first} to {last} (window: {report.WINDOW})")
    for column in ("show", by, "downloads") if by == "episode" else (by, "downloads"):
        table.add_column(column, justify="right" if column == "downloads" else "left")
    for row in rows:
        cells = (row.show, row.key, str(row.downloads)) if by == "episode" else (row.key, str(row.downloads))
        table.add_row(*cells)
    Console(width=max(Console().width, 100)).print(table)
    typer.echo(f"{sum(r.downloads for r in rows)} download(s)")


def register(app: typer.Typer) -> None:
    app.command("downloads")(downloads)
