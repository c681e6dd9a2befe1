"""Feed descriptions (HTML written by another host) to the catalogue's show notes (Markdown, raw HTML never rendered).

The HTML is sanitized first with nh3 (the catalogue's allow-list), then its structure is written as Markdown:
paragraphs, line breaks, emphasis, links, lists, headings, quotes and code. Text is escaped so that it reads the same
after Markdown rendering; what has no Markdown form keeps its text.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ..text import sanitize_html

_ESCAPE = re.compile(r"([\\`*_\[\]<>])")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\n]+")
_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "pre", "h2", "h3", "h4", "table", "hr"}


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", _SPACES.sub(" ", text))


def _all_text(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _inline(element: etree._Element) -> str:
    parts = [_escape(element.text or "")]
    for child in element:
        parts.append(_node(child))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _node(element: etree._Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    inner = _inline(element)
    if tag in ("strong", "b"):
        return f"**{inner.strip()}**" if inner.strip() else ""
    if tag in ("em", "i"):
        return f"*{inner.strip()}*" if inner.strip() else ""
    if tag == "code":
        return f"`{_all_text(element).replace('`', '')}`"
    if tag == "a":
        href = (element.get("href") or "").replace(" ", "%20").replace(")", "%29")
        label = inner.strip()  # a link around an image only (dropped by the sanitizer) shows nothing: dropped too
        return f"[{label}]({href})" if href and label else label
    if tag == "br":
        return "\\\n"
    if tag in ("ul", "ol"):
        items = [li for li in element if li.tag == "li"]
        marks = [f"{n}." if tag == "ol" else "-" for n in range(1, len(items) + 1)]
        lines = [f"{mark} {_inline(li).strip()}" for mark, li in zip(marks, items, strict=True)]
        return "\n\n" + "\n".join(lines) + "\n\n"
    if tag in ("h2", "h3", "h4"):
        return f"\n\n{'#' * int(tag[1])} {inner.strip()}\n\n"
    if tag == "blockquote":
        return "\n\n" + "\n".join(f"> {line}" for line in inner.strip().splitlines()) + "\n\n"
    if tag == "pre":
        return "\n\n```\n" + _all_text(element).replace("```", "") + "\n```\n\n"
    if tag == "hr":
        return "\n\n---\n\n"
    if tag in _BLOCKS or tag in ("tr", "li"):
        return f"\n\n{inner.strip()}\n\n"
    if tag in ("td", "th"):
        return f"{inner.strip()} "
    return inner


def html_to_markdown(source: str) -> str:
    """Sanitized Markdown of an HTML (or plain text) description."""
    if not source.strip():
        return ""
    clean = sanitize_html(source)
    if not clean.strip():
        return ""
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    text = _inline(root) if not any(child.tag in _BLOCKS for child in root) else _node(root)
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
