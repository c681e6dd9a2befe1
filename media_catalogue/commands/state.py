"""Process-wide CLI state and the one way commands report failure."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from ..config import Settings
from ..errors import CatalogueError

verbose = False


def settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError names the variable at fault
        fail(f"invalid configuration: {exc}")
        raise  # unreachable


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def errors_as_messages(exit_code: int = 1) -> Iterator[None]:
    """CatalogueErrors become `error: <message>` and a non-zero exit; a traceback only with --verbose."""
    try:
        yield
    except CatalogueError as exc:
        if verbose:
            raise
        fail(exc.message, exit_code)
    except (OSError, ValueError) as exc:
        if verbose:
            raise
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(exit_code) from None
