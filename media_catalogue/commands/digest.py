"""`digest --from --to [--lang] [--project]... [--format html|text|markdown] [-o FILE]`: the newsletter's media
section for a period (issue 18). Bad input exits 2 with one line; a file is written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import typer

from . import state

USAGE_ERROR = 2


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        state.fail(f"{option} '{value}' is not a date (YYYY-MM-DD)", USAGE_ERROR)
        raise


def _write(path: Path, text: str) -> None:
    """Whole or nothing: a temporary file beside the target, renamed over it once written."""
    folder = path.resolve().parent
    if not folder.is_dir():
        state.fail(f"cannot write {path}: the folder {folder} does not exist", USAGE_ERROR)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def digest(
    start: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD), included."),
    end: str = typer.Option(..., "--to", help="Last day (YYYY-MM-DD), included."),
    lang: str = typer.Option("en", "--lang", help="en, fr or nl: the words, and which language version is shown."),
    project: list[str] = typer.Option([], "--project", help="Only this project (slug); repeat for several."),
    fmt: str = typer.Option("html", "--format", help="html (email), text or markdown."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """Every episode and video published in the period, grouped by project and series, ready for a newsletter."""
    from ..catalogue.queries.digest import DIGEST_LANGUAGES, build_digest
    from ..db import Database
    from ..digest import FORMATS, render
    from ..urls import UrlPlan

    first, last = _day(start, "--from"), _day(end, "--to")
    if lang not in DIGEST_LANGUAGES:
        state.fail(f"--lang '{lang}' is not one of {', '.join(DIGEST_LANGUAGES)}", USAGE_ERROR)
    if fmt not in FORMATS:
        state.fail(f"--format '{fmt}' is not one of {', '.join(FORMATS)}", USAGE_ERROR)
    settings = state.settings()
    database = Database(settings)
    try:
        database.migrate()
        with state.errors_as_messages(USAGE_ERROR), database.session() as session:
            found = build_digest(session, first, last, language=lang, projects=project)
            text = render(found, UrlPlan(settings), fmt)  # type: ignore[arg-type]
    finally:
        database.dispose()
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    _write(output, text)
    typer.echo(f"{len(found.parts)} episode(s) and video(s) written to {output}", err=True)


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)
