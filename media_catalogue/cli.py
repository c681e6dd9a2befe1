"""The `media-catalogue` command: settings are built once here and passed down; errors print one line and exit 1."""

from __future__ import annotations

import importlib
import logging

import typer

app = typer.Typer(
    name="media-catalogue",
    help="Podcast and media catalogue: serve it, load episodes/, ingest audio, check feeds.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Each module registers its own commands; a module not present yet is simply skipped.
COMMAND_MODULES = ("catalogue", "media", "feeds", "users", "imports", "downloads", "digest", "export", "backups")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Show debug logs and full tracebacks.")) -> None:
    from .commands import state

    state.verbose = verbose
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f".commands.{_name}", __package__)
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__package__}.commands.{_name}":
            raise
        continue
    _module.register(app)
