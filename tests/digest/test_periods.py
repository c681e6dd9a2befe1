"""The period presets: whole calendar months, quarters and half-years before today's; "since the last digest" from
the day after the last one marked as sent, and the last half-year when none was."""

from __future__ import annotations

from datetime import date

import pytest

from media_catalogue.digest.periods import period


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        ("last-month", date(2026, 1, 5), (date(2025, 12, 1), date(2025, 12, 31))),
        ("last-month", date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
        ("last-quarter", date(2026, 11, 26), (date(2026, 7, 1), date(2026, 9, 30))),
        ("last-quarter", date(2026, 2, 1), (date(2025, 10, 1), date(2025, 12, 31))),
        ("last-half-year", date(2026, 7, 1), (date(2026, 1, 1), date(2026, 6, 30))),
        ("last-half-year", date(2026, 6, 30), (date(2025, 7, 1), date(2025, 12, 31))),
        ("since-last", date(2026, 11, 26), (date(2026, 1, 1), date(2026, 6, 30))),  # none marked yet
    ],
)
def test_presets(preset: str, today: date, expected: tuple[date, date]) -> None:
    assert period(preset, today) == expected  # type: ignore[arg-type]


def test_since_the_last_digest() -> None:
    assert period("since-last", date(2026, 11, 26), date(2026, 6, 30)) == (date(2026, 7, 1), date(2026, 11, 25))
    # marked the day before: a one-day period rather than an empty or backwards one
    assert period("since-last", date(2026, 11, 26), date(2026, 11, 25)) == (date(2026, 11, 26), date(2026, 11, 26))
