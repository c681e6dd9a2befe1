"""The newsletter's media section, written by the catalogue (issue 18): the digest of a period as email-safe HTML,
plain text and Markdown, and the RSS feed newsletter tools read. Pure builders on the read side, like feeds/:
catalogue rows in (catalogue.queries.digest), text out; the CLI, the workspace and the feed route share them."""

from __future__ import annotations

from typing import Literal

from ..catalogue.queries.digest import Digest
from ..urls import UrlPlan
from .email_html import render_html
from .text import render_markdown, render_text
from .view import digest_view

Format = Literal["html", "text", "markdown"]
FORMATS: tuple[Format, ...] = ("html", "text", "markdown")
MEDIA_TYPES = {"html": "text/html", "text": "text/plain", "markdown": "text/markdown"}
EXTENSIONS = {"html": "html", "text": "txt", "markdown": "md"}


def render(digest: Digest, urls: UrlPlan, fmt: Format = "html") -> str:
    view = digest_view(digest, urls)
    if fmt == "text":
        return render_text(view)
    if fmt == "markdown":
        return render_markdown(view)
    return render_html(view)


def render_all(digest: Digest, urls: UrlPlan) -> dict[Format, str]:
    view = digest_view(digest, urls)
    return {"html": render_html(view), "text": render_text(view), "markdown": render_markdown(view)}


__all__ = ["EXTENSIONS", "FORMATS", "MEDIA_TYPES", "Format", "render", "render_all"]
