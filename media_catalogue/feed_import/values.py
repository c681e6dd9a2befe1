"""Small readers of feed values: element lookup by namespace, text, numbers, yes/no, dates, durations, URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .document import local_name, namespace_of


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int | None
    type: str


@dataclass(frozen=True)
class PersonData:
    name: str
    role: str
    href: str | None = None
    img: str | None = None


def children(
    parent: etree._Element | None, namespace: str | None = None, name: str | None = None
) -> list[etree._Element]:
    if parent is None:
        return []
    return [
        child
        for child in parent
        if isinstance(child.tag, str)
        and (namespace is None or namespace_of(child) == namespace)
        and (name is None or local_name(child) == name)
    ]


def first(parent: etree._Element | None, namespace: str, name: str) -> etree._Element | None:
    found = children(parent, namespace, name)
    return found[0] if found else None


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(str(part) for part in element.itertext()).strip()


def whole_number(value: str | None) -> int | None:
    value = (value or "").strip()
    if re.fullmatch(r"\d{1,12}", value):
        return int(value)
    return None


def yes_no(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("yes", "true", "explicit", "1"):
        return True
    if value in ("no", "false", "clean", "0"):
        return False
    return None


def resolve(url: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL: relative ones are resolved against the base; None when that cannot be done."""
    url = (url or "").strip(" \t\r\n")
    if not url:
        return None
    if urlsplit(url).scheme:
        return url
    if base and urlsplit(base).scheme in ("http", "https"):
        return urljoin(base, url)
    return None


def iso_or_rfc822(value: str, where: str, warnings: list[str]) -> datetime | None:
    """pubDate with its own time zone (RFC 822, or ISO 8601 as some tools write); None with a warning otherwise."""
    if not value:
        warnings.append(f"warning: {where}: no pubDate; the episode stays a draft until it gets a date")
        return None
    moment: datetime | None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        warnings.append(f"warning: {where}: pubDate {value!r} is not a date; the episode stays a draft")
        return None
    if moment.tzinfo is None:
        warnings.append(f"warning: {where}: pubDate {value!r} has no time zone; read as UTC")
        moment = moment.replace(tzinfo=UTC)
    return moment


def seconds_of(value: str, where: str, warnings: list[str]) -> int | None:
    """itunes:duration as seconds: 3723, 62:03, 1:02:03 (fractions dropped)."""
    if not value:
        return None
    parts = value.strip().split(":")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if not numbers or len(numbers) > 3 or any(n < 0 for n in numbers):
        warnings.append(f"warning: {where}: itunes:duration {value!r} is not a duration; not imported")
        return None
    total = 0.0
    for number in numbers:
        total = total * 60 + number
    return int(total)
