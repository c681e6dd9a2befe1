"""User text on its way to HTML or XML: Markdown rendering, sanitizing, plain-text summaries and XML-safe characters."""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

_ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# XML 1.0 forbids these code points outright; escaping cannot save them, so they are dropped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def xml_safe(text: str | None) -> str:
    """Drop characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _XML_INVALID.sub("", text or "")


def sanitize_html(html: str) -> str:
    return nh3.clean(
        xml_safe(html),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(source: str | None) -> str:
    """Show notes Markdown to sanitized HTML: raw HTML in the source is not trusted."""
    return sanitize_html(_markdown.render(xml_safe(source)))


def plain_text(source: str | None, *, limit: int | None = None) -> str:
    """Markdown or HTML to one line of plain text, for descriptions and meta tags."""
    rendered = _markdown.render(xml_safe(source))
    text = nh3.clean(rendered, tags=set())
    text = _TAGS.sub(" ", text)
    text = html.unescape(text)
    text = _SPACES.sub(" ", text).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text
