"""Podcasting 2.0 JSON chapters (https://github.com/Podcastindex-org/podcast-namespace, jsonChapters.md): parse,
validate and render. The same list feeds the `podcast:chapters` file, the ID3 CHAP/CTOC frames and the pages."""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import urlsplit

from ..errors import Invalid

VERSION = "1.2.0"
MAX_CHAPTERS = 500
_KNOWN = {"startTime", "endTime", "title", "img", "url", "toc", "location"}


def _fail(message: str) -> Invalid:
    return Invalid(f"Chapters: {message}", code="chapters_invalid", field="chapters")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_url(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}: {key} must be a URL string")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _fail(f"{where}: {key} must be an http(s) URL, got {value!r}")
    return value.strip()


def parse_chapters(data: bytes | str | list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    """Parse and validate chapters: a JSON document (bytes or str) or an already-decoded object/list.

    Returns normalised chapter dicts (startTime, title, and url, img, endTime, toc when given), in order.
    Raises Invalid naming the chapter and the rule it breaks."""
    document: Any = data
    if isinstance(data, bytes | str):
        try:
            document = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _fail(f"not valid JSON ({error})") from None
    if isinstance(document, dict):
        if "chapters" not in document:
            raise _fail('the JSON object has no "chapters" list')
        version = document.get("version")
        if version is not None and not isinstance(version, str):
            raise _fail('"version" must be a string such as "1.2.0"')
        document = document["chapters"]
    if not isinstance(document, list):
        raise _fail('expected a list of chapters or an object {"version": "1.2.0", "chapters": [...]}')
    if len(document) > MAX_CHAPTERS:
        raise _fail(f"{len(document)} chapters; at most {MAX_CHAPTERS} are accepted")
    chapters: list[dict[str, Any]] = []
    previous: float | None = None
    for index, item in enumerate(document, start=1):
        where = f"chapter {index}"
        if not isinstance(item, dict):
            raise _fail(f"{where} must be an object")
        start: Any = item.get("startTime")
        if not _is_number(start) or start < 0:
            raise _fail(f"{where}: startTime must be a number of seconds, 0 or more")
        if previous is not None and start <= previous:
            raise _fail(f"{where}: startTime {start} must be after the previous chapter's {previous}")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _fail(f"{where}: a title is required")
        chapter: dict[str, Any] = {"startTime": start, "title": title.strip()}
        if "endTime" in item:
            end = item["endTime"]
            if not _is_number(end) or end <= start:
                raise _fail(f"{where}: endTime must be a number greater than startTime")
            chapter["endTime"] = end
        for key in ("url", "img"):
            if item.get(key) not in (None, ""):
                chapter[key] = _check_url(item[key], where, key)
        if "toc" in item:
            if not isinstance(item["toc"], bool):
                raise _fail(f"{where}: toc must be true or false")
            chapter["toc"] = item["toc"]
        if "location" in item:
            chapter["location"] = item["location"]
        chapters.append(chapter)
        previous = start
    return chapters


def check_within(chapters: list[dict[str, Any]], duration_ms: int) -> None:
    """Every chapter must start (and end) within the audio."""
    duration = duration_ms / 1000
    for index, chapter in enumerate(chapters, start=1):
        if chapter["startTime"] >= duration:
            raise _fail(
                f"chapter {index} ({chapter['title']!r}) starts at {chapter['startTime']} s, "
                f"after the end of the audio ({duration:.3f} s)"
            )
        if chapter.get("endTime", 0) > duration + 1:
            raise _fail(f"chapter {index} ({chapter['title']!r}) ends after the end of the audio ({duration:.3f} s)")


def chapter_spans(chapters: list[dict[str, Any]], duration_ms: int) -> list[tuple[int, int, dict[str, Any]]]:
    """(start_ms, end_ms, chapter) for each chapter: a chapter ends where the next starts, the last at the end."""
    spans = []
    for index, chapter in enumerate(chapters):
        start = int(round(chapter["startTime"] * 1000))
        if "endTime" in chapter:
            end = int(round(chapter["endTime"] * 1000))
        elif index + 1 < len(chapters):
            end = int(round(chapters[index + 1]["startTime"] * 1000))
        else:
            end = duration_ms
        spans.append((start, max(min(end, duration_ms), start), chapter))
    return spans


def render_chapters(chapters: list[dict[str, Any]]) -> bytes:
    """The JSON chapters file served at /chapters/{show}/{episode}.json (mime type application/json+chapters)."""
    body = {"version": VERSION, "chapters": [{k: c[k] for k in c if k in _KNOWN} for c in chapters]}
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


MIME_TYPE = "application/json+chapters"
