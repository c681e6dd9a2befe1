"""Operator commands: serve, sync the text catalogue, list shows and episodes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from . import state

if TYPE_CHECKING:
    from ..config import Settings
    from ..db import Database
    from ..storage import Storage


def _open():  # type: ignore[no-untyped-def]
    from ..db import Database
    from ..storage import create_storage

    settings = state.settings()
    database = Database(settings)
    database.migrate()
    return settings, database, create_storage(settings)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes (they share the database and its caches stay coherent)."),
    seed: bool = typer.Option(True, help="Load the seeded catalogue (episodes/) when the database is empty."),
    access_log: bool = typer.Option(
        False, help="Log every request (uvicorn's access log; it costs a good share of the throughput of cached feeds)."
    ),
) -> None:
    """Serve the catalogue over HTTP; on an empty database, load the seeded catalogue first."""
    import os

    from ..catalogue import leases

    with state.errors_as_messages():
        settings, database, storage = _open()
        # One host at a time (catalogue.leases): a second host starting at once finds the catalogue seeded.
        with leases.lease(database.engine, "start-up", wait=True):
            _start_up(settings, database, storage, seed=seed)
        database.dispose()
    # Workers rebuild Settings from the environment; make CLI-derived values visible to them.
    os.environ.setdefault("MEDIA_CATALOGUE_DATA_DIR", str(settings.data_dir))
    from ..web.server import run

    run(host=host, port=port, workers=workers, access_log=access_log)


def _start_up(settings: Settings, database: Database, storage: Storage, *, seed: bool) -> None:
    from .. import ingest_recovery
    from ..catalogue.editing import episodes as episode_editing
    from ..sync import catalogue_is_empty, sync_folder

    # Leftovers of a killed process: temp files, and objects written but never committed. Only old ones: another
    # host sharing the storage may be writing right now (its upload's parts are young), and this host's own dead
    # processes' leftovers are settled by their journal when the app starts (ingest_recovery.recover).
    storage.cleanup_temp(older_than_seconds=3600)
    with database.session() as session:
        removed = ingest_recovery.remove_orphans(session, storage, older_than_seconds=3600)
    if removed:
        typer.echo(f"removed {len(removed)} stored objects no catalogue row points to")
    with database.session() as session:
        purged = episode_editing.purge_deleted(session, storage)
    if purged:
        typer.echo(f"removed the files of {len(purged)} episodes deleted more than 30 days ago")
    if seed and catalogue_is_empty(database) and settings.content_dir.is_dir():
        report = sync_folder(database, settings, storage, settings.content_dir)
        typer.echo(f"seeded the catalogue from {settings.content_dir}: {report.changes} items")
        for error in report.errors:
            typer.echo(f"warning: {error.message}", err=True)


def sync(
    folder: Path = typer.Argument(None, help="The catalogue folder (default: the configured content_dir)."),
    new_guid: list[str] = typer.Option(
        [],
        "--new-guid",
        help="show/episode: a new episode whose audio is that of one whose file disappeared, on purpose (new GUID).",
    ),
) -> None:
    """Load the text catalogue: idempotent; reports each invalid file with its line and still loads the others."""
    from ..ingest_recovery import recover
    from ..sync import sync_folder

    with state.errors_as_messages():
        settings, database, storage = _open()
        recover(database, storage)  # what a killed sync or ingest left: objects no committed row points to, temp files
        report = sync_folder(database, settings, storage, folder or settings.content_dir, new_guids=frozenset(new_guid))
    for label in report.created:
        typer.echo(f"created   {label}")
    for label in report.updated:
        typer.echo(f"updated   {label}")
    for label in report.unpublished:
        typer.echo(f"unpublished {label} (its GUID stays reserved)")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        typer.echo(f"error: {error.message}", err=True)
    typer.echo(
        f"{report.changes} changes ({len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unpublished)} unpublished), {report.unchanged} unchanged, {len(report.errors)} errors"
    )
    if report.errors:
        raise typer.Exit(1)


def shows() -> None:
    """List the shows with their language, episode count and feed URL."""
    from ..catalogue import queries
    from ..urls import UrlPlan

    with state.errors_as_messages():
        settings, database, _ = _open()
        urls = UrlPlan(settings)
        table = Table("slug", "title", "lang", "episodes", "feed")
        with database.session() as session:
            for show in queries.list_shows(session):
                count = queries.count_live_episodes(session, show=show)
                table.add_row(show.slug, show.title, show.language, str(count), urls.feed(show.slug))
    Console().print(table)


def episodes(show: str = typer.Argument(..., help="Show slug.")) -> None:
    """List a show's episodes, newest first, with status and duration."""
    from ..catalogue import queries

    with state.errors_as_messages():
        _, database, _ = _open()
        table = Table("slug", "title", "status", "published", "duration", "guid")
        with database.session() as session:
            found = queries.get_show(session, show)
            for episode in queries.list_all_episodes(session, found):
                media = episode.primary_media
                duration = f"{media.duration_ms // 1000}s" if media and media.duration_ms else "-"
                published = episode.published_at.isoformat() if episode.published_at else "-"
                table.add_row(
                    episode.slug, episode.title, episode.status.value, published, duration, episode.guid or "-"
                )
    Console().print(table)


def purge_deleted() -> None:
    """Remove the stored files of episodes deleted more than 30 days ago (their GUIDs stay reserved); cron-safe."""
    from ..catalogue.editing import episodes as episode_editing

    with state.errors_as_messages():
        _, database, storage = _open()
        with database.session() as session:
            purged = episode_editing.purge_deleted(session, storage)
    for label in purged:
        typer.echo(f"purged files of {label}")
    typer.echo(f"{len(purged)} deleted episodes purged")


def search_index(
    rebuild: bool = typer.Option(False, "--rebuild", help="Recreate the index, its triggers and rows from scratch."),
    optimize: bool = typer.Option(False, "--optimize", help="Merge the index into one segment (after a bulk load)."),
) -> None:
    """Check that the SQLite search index matches the catalogue (exit 1 if not); --rebuild recreates it, --optimize
    makes searches cheaper after a bulk load (a large sync or import)."""
    from ..catalogue import search_sqlite

    with state.errors_as_messages():
        _, database, _ = _open()
        if database.dialect != "sqlite":
            typer.echo("PostgreSQL searches its stored generated columns: there is no separate index.")
            return
        with database.session() as session:
            if rebuild:
                typer.echo(f"search index rebuilt: {search_sqlite.rebuild(session.connection())} rows")
                return
            if optimize:
                search_sqlite.optimize(session.connection())
                typer.echo("search index optimized")
                return
            found = search_sqlite.problems(session)
    for problem in found:
        typer.echo(f"search index: {problem}")
    if found:
        typer.echo("run `media-catalogue search-index --rebuild` to recreate it")
        raise typer.Exit(1)
    typer.echo("search index matches the catalogue")


def register(app: typer.Typer) -> None:
    app.command("purge-deleted")(purge_deleted)
    app.command("search-index")(search_index)
    app.command()(serve)
    app.command()(sync)
    app.command()(shows)
    app.command()(episodes)
