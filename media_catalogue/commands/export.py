"""`export OUT_DIR | s3://bucket/prefix`: the public site as static files (media_catalogue.export does the work)."""

from __future__ import annotations

import typer

from . import state


def export_site(
    destination: str = typer.Argument(..., help="A folder, or s3://bucket/prefix (S3 settings as for storage)."),
    verbose_files: bool = typer.Option(False, "--list", help="Print each file written."),
) -> None:
    """Write every public page, feed and file as static files; only what changed is written, what disappeared is
    removed. Set MEDIA_CATALOGUE_BASE_URL to the address the files will be served at."""
    from ..export import export

    with state.errors_as_messages(exit_code=2):
        settings = state.settings()
        report = export(settings, destination, progress=typer.echo if verbose_files else None)
    for path, status in report.skipped:
        typer.echo(f"skipped {path}: {'not a file name' if status == 0 else status}", err=True)
    typer.echo(f"exported to {destination}: {report.summary()}")


def register(app: typer.Typer) -> None:
    app.command("export")(export_site)
