"""`backup OUT` and `restore IN [--force]`: the whole catalogue (database and media objects) into a folder and back
(catalogue.backup does the work; see docs/DEPLOY.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from . import state


def backup(out: Path = typer.Argument(..., help="A new (or empty) folder to write the backup into.")) -> None:
    """Back up the database (SQLite backup API or pg_dump) and every stored media object, with checksums."""
    from ..catalogue import backup as backups
    from ..db import Database
    from ..storage import create_storage

    settings = state.settings()
    database = Database(settings)
    with state.errors_as_messages(exit_code=2):
        summary = backups.backup(database, create_storage(settings), out)
    database.dispose()
    typer.echo(
        f"backed up the {summary.dialect} database and {summary.objects} objects ({summary.bytes} bytes) to {out}"
    )


def restore(
    source: Path = typer.Argument(..., help="A folder written by `media-catalogue backup`."),
    force: bool = typer.Option(False, "--force", help="Replace a database and storage that are not empty."),
) -> None:
    """Restore a backup into the configured (empty) database and storage, verifying every checksum."""
    from ..catalogue import backup as backups
    from ..db import Database
    from ..storage import create_storage

    settings = state.settings()
    database = Database(settings)
    with state.errors_as_messages(exit_code=2):
        summary = backups.restore(database, create_storage(settings), source, force=force)
    database.dispose()
    typer.echo(f"restored the {summary.dialect} database and {summary.objects} objects ({summary.bytes} bytes)")


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
