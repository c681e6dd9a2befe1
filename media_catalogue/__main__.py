"""`python -m media_catalogue` is the same as the `media-catalogue` command."""

from .cli import app

app(prog_name="media-catalogue")
