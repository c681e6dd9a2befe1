"""Media commands: `ingest SHOW FILE` (probe, validate, tag, store, record an episode's file) and `probe FILE`
(what the probe sees, storing nothing). A refused file exits with code 2 and says why."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from ..errors import CatalogueError, Invalid, MediaRejected
from . import state

REFUSED = 2
PROGRESS_FROM = 8 * 1024 * 1024  # smaller files finish before a bar is worth drawing


def _parse_time(value: str, timezone: str) -> datetime:
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"--publish-at {value!r} is not a date: use 2024-05-31 or 2024-05-31T10:00:00+02:00", field="publish_at"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


@contextmanager
def _refusals(as_json: bool = False) -> Iterator[None]:
    """MediaRejected exits 2 (with a JSON error object under --json); other catalogue errors exit 1."""
    with state.errors_as_messages():
        try:
            yield
        except MediaRejected as exc:
            if state.verbose:
                raise
            if as_json:
                typer.echo(json.dumps({"ok": False, "error": exc.as_dict()}, ensure_ascii=False))
            else:
                typer.echo(f"error: {exc.message} [{exc.code}]", err=True)
            raise typer.Exit(REFUSED) from None


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[int], None] | None]:
    size = path.stat().st_size if path.is_file() else 0
    if size < PROGRESS_FROM:
        yield None
        return
    columns = ("{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(path.name, total=size)
        yield lambda done: bar.update(task, completed=done)


def _summary(rows: list[tuple[str, str]], warnings: list[str]) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, value)
    for warning in warnings:
        table.add_row("[yellow]warning[/]", warning)
    Console(width=max(Console().width, 120)).print(table)


def _duration(ms: int | None) -> str:
    if ms is None:
        return "?"
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{ms % 1000:03d}"


def ingest_command(
    show: str = typer.Argument(..., help="Slug of the show the episode belongs to."),
    file: Path = typer.Argument(..., help="The audio or video file (MP3, M4A, MP4/M4V, Opus, Vorbis)."),
    title: str = typer.Option(None, "--title", help="Episode title (default: the file's title tag, else its name)."),
    episode_slug: str = typer.Option(None, "--episode", help="Slug of an existing episode to attach the file to."),
    episode_number: int = typer.Option(None, "--episode-number", min=0, help="Episode number."),
    season: int = typer.Option(None, "--season", min=0, help="Season number."),
    publish_at: str = typer.Option(
        None, "--publish-at", help="Publish at this time (ISO 8601; the show's time zone when none is given)."
    ),
    summary_text: str = typer.Option(None, "--summary", help="One or two plain sentences for podcast apps."),
    chapters: Path = typer.Option(None, "--chapters", help="Podcasting 2.0 JSON chapters file."),
    transcript: list[Path] = typer.Option(None, "--transcript", help="WebVTT or SRT transcript (repeatable)."),
    transcript_language: str = typer.Option(None, "--transcript-language", help="Default: the show's language."),
    artwork: Path = typer.Option(None, "--artwork", help="Episode cover art: JPEG or PNG, square, 1400-3000 px."),
    role: str = typer.Option("primary", "--role", help="primary (the enclosure), alternate or video."),
) -> None:
    """Ingest a media file into an episode of SHOW: probe, validate, tag and store it, then record it."""
    from ..db import Database
    from ..file_intake import EpisodeOptions, find_show, ingest_file
    from ..storage import create_storage
    from ..urls import UrlPlan

    with _refusals():
        settings = state.settings()
        database = Database(settings)
        database.migrate()
        storage = create_storage(settings)
        storage.cleanup_temp(older_than_seconds=24 * 3600)
        try:
            with database.session() as session, _progress(file) as progress:
                row = find_show(session, show)
                options = EpisodeOptions(
                    title=title, slug=episode_slug, number=episode_number, season=season, summary=summary_text,
                    published_at=_parse_time(publish_at, row.timezone) if publish_at else None,
                    chapters=chapters, transcripts=list(transcript or []), transcript_language=transcript_language,
                    artwork=artwork, role=role,
                )  # fmt: skip
                episode, result = ingest_file(session, storage, settings, row, file, options, progress)
                media = result.media_file
                url = UrlPlan(settings).episode(row.slug, episode.slug)
                status = episode.status.value
        finally:
            database.dispose()
    rows = [
        ("episode", f"{show}/{episode.slug} ({status})" + ("" if result.created else ", file unchanged")),
        ("format", f"{media.container}/{media.codec}, {media.mime_type}"),
        ("duration", _duration(media.duration_ms)),
        ("bitrate", f"{(media.bitrate or 0) // 1000} kbps"),
        ("audio", f"{(media.sample_rate or 0) / 1000:g} kHz, {'mono' if media.channels == 1 else 'stereo'}"),
        ("size", f"{media.byte_length:,} bytes"),
        ("sha256", media.sha256),
        ("stored as", media.storage_key),
        ("url", url),
    ]
    if media.is_placeholder:
        rows.insert(1, ("placeholder", "yes: the file's title says it is a stand-in"))
    _summary(rows, result.warnings)


def probe_command(
    file: Path = typer.Argument(..., help="The media file to read."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object instead of a table."),
) -> None:
    """Show what the probe reads from a media file and what validation says, without storing anything."""
    from .. import ingest
    from ..storage import create_storage

    with _refusals(as_json):
        settings = state.settings()
        if not file.is_file():
            raise CatalogueError(f"no such file: {file}", code="not_found")
        result, warnings = ingest.probe_source(create_storage(settings), settings, file, filename=file.name)
    body: dict[str, Any] = {"ok": True, **result.as_dict(), "warnings": warnings}
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False))
        return
    rows = [
        ("format", f"{result.format.name} ({result.format.container}/{result.format.codec}), {result.mime_type}"),
        ("duration", _duration(result.duration_ms)),
        ("bitrate", f"{(result.bitrate or 0) // 1000} kbps"),
        ("audio", f"{(result.sample_rate or 0) / 1000:g} kHz, {result.channels} channel(s)"),
        ("size", f"{result.size:,} bytes"),
        ("sha256", result.sha256 or ""),
    ]
    if result.is_video:
        rows.append(("video", f"{result.video_codec} {result.width}x{result.height}"))
    rows += [(f"tag {name}", value) for name, value in result.tags.items()]
    if result.cover:
        rows.append(("cover art", f"{result.cover[1]}, {len(result.cover[0]):,} bytes"))
    rows += [(f"chapter {c['startTime']:g}s", c["title"]) for c in result.chapters]
    _summary(rows, warnings)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("probe")(probe_command)
