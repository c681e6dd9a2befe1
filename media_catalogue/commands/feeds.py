"""Feed commands: `check-feeds [SHOW]` lists what Apple Podcasts and Podcasting 2.0 apps would reject."""

from __future__ import annotations

import typer

from . import state


def check_feeds(
    show: str = typer.Argument(None, help="Check one show (slug); default: every show."),
    plain: bool = typer.Option(False, "--plain", help="One tab-separated line per finding instead of a table."),
    storage_checks: bool = typer.Option(
        True, "--storage/--no-storage", help="Also check that artwork, audio and transcripts are in storage."
    ),
) -> None:
    """Check every feed against Apple's and the Podcasting 2.0 requirements; exit 1 while errors remain."""
    from ..db import Database
    from ..feeds.checker import check_catalogue, has_errors
    from ..feeds.findings import Severity

    with state.errors_as_messages():
        settings = state.settings()
        database = Database(settings)
        database.migrate()
        storage = None
        if storage_checks:
            from ..storage import create_storage

            storage = create_storage(settings)
        try:
            with database.session() as session:
                findings = check_catalogue(session, settings, show=show, storage=storage)
        finally:
            database.dispose()

    errors = sum(1 for f in findings if f.severity == Severity.error)
    warnings = len(findings) - errors
    if plain:
        for f in findings:
            typer.echo(f"{f.severity}\t{f.where}\t{f.rule}\t{f.message}\t{f.fix}")
    elif findings:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        table.add_column("severity", no_wrap=True)
        table.add_column("show/episode", overflow="fold", max_width=36)
        table.add_column("rule", no_wrap=True)
        table.add_column("message", ratio=3)
        table.add_column("how to fix", ratio=2)
        for f in findings:
            style = "bold red" if f.severity == Severity.error else "yellow"
            table.add_row(f"[{style}]{f.severity}[/]", f.where, f.rule, f.message, f.fix)
        Console(width=max(Console().width, 140)).print(table)
    typer.echo(f"{errors} error(s), {warnings} warning(s)")
    if has_errors(findings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check-feeds")(check_feeds)
