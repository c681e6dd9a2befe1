"""The one rule for imprecise publication dates, used by intake, feeds, pages, the API, JSON-LD and the sitemap.

Newsletters often give only a day, a month or a year. Such a date stands for 12:00 (noon) in the show's time zone on
that day (the first day of the month, or 1 January): noon is the same calendar day everywhere from UTC-11 to UTC+12,
so an app that shows the date in its own time zone, or in UTC, still shows the day the staff wrote. Midnight would
turn "2021" into 31 December 2020 in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Brussels"
NOON = time(12, 0)


def zone(name: str | None) -> ZoneInfo:
    """The named time zone, or the catalogue's default when the name is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def day_instant(day: date, timezone: str | None) -> datetime:
    """The instant (in UTC) that stands for a date known only to the day: noon in that time zone."""
    return datetime.combine(day, NOON, tzinfo=zone(timezone)).astimezone(UTC)


def local_day(value: datetime | date, timezone: str | None) -> date:
    """The calendar day of an instant in the time zone (a date is its own day)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(zone(timezone)).date()
    return value
