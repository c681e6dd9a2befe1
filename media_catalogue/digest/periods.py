"""The periods staff choose a digest by: last month, last quarter, last half-year (calendar ones, ending before
today), and since the last digest (the day after the period of the last one marked as sent, up to yesterday)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

Preset = Literal["last-month", "last-quarter", "last-half-year", "since-last"]
PRESETS: tuple[Preset, ...] = ("last-month", "last-quarter", "last-half-year", "since-last")


def _months_back(today: date, size: int) -> tuple[date, date]:
    """The last whole block of `size` months (1, 3 or 6, aligned on the calendar year) before today's block."""
    block_start_month = (today.month - 1) // size * size + 1
    end = date(today.year, block_start_month, 1) - timedelta(days=1)
    start_month = (end.month - 1) // size * size + 1
    return date(end.year, start_month, 1), end


def period(preset: Preset, today: date, last_end: date | None = None) -> tuple[date, date]:
    if preset == "last-month":
        return _months_back(today, 1)
    if preset == "last-quarter":
        return _months_back(today, 3)
    if preset == "last-half-year" or last_end is None:
        return _months_back(today, 6)
    end = max(today - timedelta(days=1), last_end + timedelta(days=1))
    return last_end + timedelta(days=1), end
