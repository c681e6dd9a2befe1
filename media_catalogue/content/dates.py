"""Publication dates as the newsletters give them: a full date-time, a day, a month or a year."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ..catalogue.models import DatePrecision
from ..errors import ContentError
from .specs import PublishedValue

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_published(value: PublishedValue, timezone: str, rel: str) -> tuple[datetime | None, DatePrecision]:
    """A publication date as the newsletters give it: a full date-time, a day, a month or a year.

    A missing day or time is taken as the start of that period in the show's time zone, and the precision is kept
    so pages can say "September 2021" instead of pretending to know the day.
    """
    zone = ZoneInfo(timezone)
    if value is None:
        return None, DatePrecision.day
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)), DatePrecision.day
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=zone), DatePrecision.day
    text = str(value).strip()
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ContentError(rel, f"published: month {month} does not exist", field="published")
        return datetime(year, month, 1, tzinfo=zone), DatePrecision.month
    if match := _YEAR.match(text):
        return datetime(int(match.group(1)), 1, 1, tzinfo=zone), DatePrecision.year
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ContentError(
            rel,
            f"published: '{text}' is not a date; write 2021-05-31, 2021-05-31T10:00:00+02:00, 2021-05 or 2021",
            field="published",
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)), DatePrecision.day


def published_date(value: PublishedValue, rel: str) -> tuple[date | None, DatePrecision]:
    when, precision = parse_published(value, "UTC", rel)
    return (when.date() if when else None), precision
