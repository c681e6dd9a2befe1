"""Moving in and out: `import-feed SRC --show SLUG` (a podcast from another host, GUIDs kept), `import-videos SRC`
(a YouTube or Vimeo channel feed) and `move-feed SHOW --to URL` (this catalogue's feed moving elsewhere).

Every warning is one line starting with `warning`; the last line sums up what was done. A refusal is one line
`error: refused: found ...; accepted: ...` with exit code 2, and leaves nothing behind."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from ..catalogue.audit import Actor
from ..errors import CatalogueError
from . import state

REFUSED = 2


def _actor() -> Actor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(None, f"cli:{who}"[:80], "cli")


@contextmanager
def _refusals() -> Iterator[None]:
    from ..feed_import.document import ImportRefused

    with state.errors_as_messages():
        try:
            yield
        except ImportRefused as exc:
            if state.verbose:
                raise
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(REFUSED) from None


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None] | None]:
    import sys

    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress("{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=Console(stderr=True), transient=True) as bar:  # fmt: skip
        tasks: dict[str, object] = {}

        def report(what: str, done: int, total: int | None) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what.rsplit("/", 1)[-1][:40], total=total)
            bar.update(tasks[what], completed=done)  # type: ignore[arg-type]

        yield report


def import_feed(
    source: str = typer.Argument(..., help="The feed: a file path or an http(s) URL."),
    show: str = typer.Option(..., "--show", help="Slug of the show to create, or to update when it exists."),
    no_download: bool = typer.Option(
        False, "--no-download", help="Keep the remote enclosure URLs; fetch no media, artwork, chapters or transcripts."
    ),
    owner_confirmed: bool = typer.Option(
        False, "--owner-confirmed", help="The owner of a feed locked with podcast:locked confirmed the move."
    ),
    feed_url: str = typer.Option(
        None, "--feed-url", help="The feed's URL at its current host, when SRC is a file (default: its atom:link)."
    ),
) -> None:
    """Import a podcast's RSS feed into SHOW, keeping every episode's GUID byte for byte."""
    import re

    from ..catalogue.editing.common import SLUG_PATTERN
    from ..db import Database
    from ..feed_import.apply import ImportOptions, check_locked, import_feed
    from ..feed_import.document import parse_document
    from ..feed_import.fetch import read_source
    from ..feed_import.parse import parse_feed
    from ..storage import create_storage

    with _refusals():
        if not re.match(SLUG_PATTERN, show) or len(show) > 120:
            raise CatalogueError(f"--show {show!r} is not a slug (lower-case letters, digits and dashes)")
        settings = state.settings()
        data, url = read_source(source, settings)
        public_url = feed_url or url
        feed = parse_feed(parse_document(data, base_url=public_url), feed_url=public_url)
        check_locked(feed, owner_confirmed=owner_confirmed)
        database = Database(settings)
        database.migrate()
        storage = create_storage(settings)
        options = ImportOptions(
            actor=_actor(), download=not no_download, owner_confirmed=owner_confirmed, feed_url=public_url
        )
        try:
            with database.session() as session, _progress() as progress:
                report = import_feed(session, storage, settings, show, feed, options, progress)
        finally:
            database.dispose()
    for warning in report.warnings:
        typer.echo(warning)
    typer.echo(report.summary())


def import_videos(
    source: str = typer.Argument(..., help="A YouTube channel or playlist feed, or a Vimeo RSS feed: path or URL."),
    project: str = typer.Option(None, "--project", help="Slug of the project the videos belong to."),
    series: str = typer.Option(None, "--series", help="Name of the series the videos form."),
) -> None:
    """Import the videos of a YouTube or Vimeo channel feed, creating or updating them by provider id."""
    from ..db import Database
    from ..feed_import.fetch import read_source
    from ..feed_import.videos import import_videos as run
    from ..feed_import.videos import parse_videos
    from ..storage import create_storage

    with _refusals():
        settings = state.settings()
        data, url = read_source(source, settings)
        videos = parse_videos(data, base_url=url)
        database = Database(settings)
        database.migrate()
        try:
            with database.session() as session:
                report = run(session, create_storage(settings), settings, videos, project=project, series=series,
                             actor=_actor())  # fmt: skip
        finally:
            database.dispose()
    for warning in report.warnings:
        typer.echo(warning)
    typer.echo(report.summary())


def move_feed(
    show: str = typer.Argument(..., help="Slug of the show whose feed moves."),
    to: str = typer.Option(..., "--to", help="The feed's new URL (https://...)."),
) -> None:
    """Move a show's feed elsewhere: the feed says itunes:new-feed-url and its old URL answers 301 (Apple's move
    procedure: keep both for at least four weeks)."""
    from ..db import Database
    from ..feed_import.moves import move_feed as run

    with state.errors_as_messages():
        settings = state.settings()
        database = Database(settings)
        database.migrate()
        try:
            with database.session() as session:
                old = run(session, settings, show, to, actor=_actor())
        finally:
            database.dispose()
    typer.echo(f"moved {show}: {old} now answers 301 to {to}, and the feed says itunes:new-feed-url {to}")


def register(app: typer.Typer) -> None:
    app.command("import-feed")(import_feed)
    app.command("import-videos")(import_videos)
    app.command("move-feed")(move_feed)
