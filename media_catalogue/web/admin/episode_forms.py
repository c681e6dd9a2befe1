"""What the workspace's episode forms send, read into EpisodeFields input (and back into the form when it has to
be shown again with its errors): chapter times, people, links and translation rows, the schedule's local time."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ...errors import Invalid

_TIME = re.compile(r"^(?:(\d+):)?(?:(\d{1,2}):)?(\d{1,2}(?:\.\d+)?)$")


def _seconds(text: str) -> float:
    match = _TIME.match(text.strip())
    if not match:
        raise Invalid(f"'{text}' is not a time; write it as 1:05:30, 5:30 or 330.", field="chapters")
    hours, minutes, seconds = match.groups()
    if hours is not None and minutes is None:
        hours, minutes = None, hours
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def clock(seconds: float) -> str:
    whole = int(seconds)
    return (
        f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
        if whole >= 3600
        else f"{whole // 60}:{whole % 60:02d}"
    )


def episode_form_data(form: Any) -> dict[str, Any]:
    """The form's fields as EpisodeFields input (empty rows of the people, links and chapters editors skipped)."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def rows(*names: str) -> list[tuple[str, ...]]:
        columns = [[v.strip() if isinstance(v, str) else "" for v in form.getlist(n)] for n in names]
        length = max((len(c) for c in columns), default=0)
        padded = [c + [""] * (length - len(c)) for c in columns]
        return [row for row in zip(*padded, strict=True) if any(row)]

    def number(name: str) -> str | None:
        return text(name) or None

    chapters = []
    for start, title, url in rows("chapter_start", "chapter_title", "chapter_url"):
        if not (start or title):
            continue
        chapter: dict[str, Any] = {"startTime": _seconds(start or "0"), "title": title}
        if url:
            chapter["url"] = url
        chapters.append(chapter)
    explicit = text("explicit")
    data: dict[str, Any] = {
        "title": text("title"),
        "number": number("number"),
        "season": number("season"),
        "season_name": text("season_name") or None,
        "episode_type": text("episode_type") or "full",
        "summary": text("summary"),
        "show_notes": form.get("show_notes", "") if isinstance(form.get("show_notes", ""), str) else "",
        "explicit": {"yes": True, "no": False}.get(explicit),
        "people": [{"person": p, "role": r or "guest"} for p, r in rows("person", "person_role") if p],
        "links": [
            {"kind": k or "other", "url": u, "label": label}
            for k, u, label in rows("link_kind", "link_url", "link_label")
            if u or label  # the kind menu always has a value: a row counts once an address or a label is typed
        ],
        "chapters": chapters or None,
        "translations": [t for t in form.getlist("translations") if isinstance(t, str) and t],
    }
    if text("slug"):
        data["slug"] = text("slug")
    return data


def raw_values(form: Any) -> dict[str, Any]:
    """What the user typed, to show the form again with their input and the errors."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["people"] = [
        {"person": p, "role": r} for p, r in zip(form.getlist("person"), form.getlist("person_role"), strict=False) if p
    ]
    values["links"] = [
        {"kind": k, "url": u, "label": lab}
        for k, u, lab in zip(
            form.getlist("link_kind"), form.getlist("link_url"), form.getlist("link_label"), strict=False
        )
        if u
    ]
    values["chapters_raw"] = [
        r
        for r in zip(
            form.getlist("chapter_start"), form.getlist("chapter_title"), form.getlist("chapter_url"), strict=False
        )
        if any(r)
    ]
    values["translations"] = form.getlist("translations")
    values["explicit"] = {"yes": True, "no": False}.get(values.get("explicit", ""))
    return values


def local_datetime(value: Any, zone: str) -> datetime:
    """A datetime-local form value read in the show's time zone (daylight saving time included)."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("Choose the date and time it should go live.", field="published_at")
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("Write the date and time as 2026-12-01 08:00.", field="published_at") from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(zone))
