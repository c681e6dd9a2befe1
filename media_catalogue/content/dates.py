"""Publication dates as the newsletters give them: a full date-time, a day, a month or a year."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..catalogue.dates import day_instant
from ..catalogue.models import DatePrecision
from ..errors import ContentError
from .specs import PublishedValue

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_published(value: PublishedValue, timezone: str, rel: str) -> tuple[datetime | None, DatePrecision]:
    """A publication date as the newsletters give it: a full date-time, a day, a month or a year.

    A date without a time stands for noon in the show's time zone on that day (catalogue.dates: the same calendar day
    from UTC-11 to UTC+12); a month or a year for noon on its first day. The precision is kept so pages can say
    "September 2021" instead of pretending to know the day.
    """
    zone = ZoneInfo(timezone)
    if value is None:
        return None, DatePrecision.day
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)), DatePrecision.day
    if isinstance(value, date):
        return day_instant(value, timezone), DatePrecision.day
    text = str(value).strip()
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ContentError(rel, f"published: month {month} does not exist", field="published")
        return day_instant(date(year, month, 1), timezone), DatePrecision.month
    if match := _YEAR.match(text):
        return day_instant(date(int(match.group(1)), 1, 1), timezone), DatePrecision.year
    try:
        if _DAY.match(text):  # a day written as text (quoted in YAML) is a day, not midnight
            return day_instant(date.fromisoformat(text), timezone), DatePrecision.day
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
