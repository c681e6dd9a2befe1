"""Podcasting 2.0 JSON chapters: parsing, every validation rule with its message, rendering."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media_catalogue.errors import Invalid
from media_catalogue.media.chapters import chapter_spans, check_within, parse_chapters, render_chapters

DOC = {
    "version": "1.2.0",
    "chapters": [
        {"startTime": 0, "title": "Intro", "img": "https://example.org/a.jpg"},
        {"startTime": 61.5, "title": "Guest", "url": "https://example.org/guest", "toc": True},
        {"startTime": 600, "endTime": 700, "title": "Outro"},
    ],
}


def test_parses_bytes_str_dict_and_list() -> None:
    expected = DOC["chapters"]
    assert parse_chapters(json.dumps(DOC).encode()) == expected
    assert parse_chapters(json.dumps(DOC)) == expected
    assert parse_chapters(DOC) == expected
    assert parse_chapters(DOC["chapters"]) == expected  # type: ignore[arg-type]


def test_titles_are_trimmed_and_unknown_keys_dropped() -> None:
    assert parse_chapters([{"startTime": 0, "title": "  A  ", "extra": 1}]) == [{"startTime": 0, "title": "A"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        ({"version": "1.2.0"}, 'no "chapters" list'),
        ({"version": 1, "chapters": []}, '"version" must be a string'),
        ("42", "expected a list of chapters"),
        ([1], "chapter 1 must be an object"),
        ([{"title": "A"}], "chapter 1: startTime must be a number"),
        ([{"startTime": -1, "title": "A"}], "chapter 1: startTime must be a number"),
        ([{"startTime": True, "title": "A"}], "chapter 1: startTime must be a number"),
        ([{"startTime": "0", "title": "A"}], "chapter 1: startTime must be a number"),
        ([{"startTime": 0, "title": "A"}, {"startTime": 0, "title": "B"}], "chapter 2: startTime 0 must be after"),
        ([{"startTime": 5, "title": "A"}, {"startTime": 3, "title": "B"}], "chapter 2: startTime 3 must be after"),
        ([{"startTime": 0}], "chapter 1: a title is required"),
        ([{"startTime": 0, "title": "  "}], "chapter 1: a title is required"),
        ([{"startTime": 0, "title": "A", "url": "javascript:alert(1)"}], "url must be an http(s) URL"),
        ([{"startTime": 0, "title": "A", "img": "/relative.png"}], "img must be an http(s) URL"),
        ([{"startTime": 5, "title": "A", "endTime": 5}], "endTime must be a number greater than startTime"),
        ([{"startTime": 0, "title": "A", "toc": "yes"}], "toc must be true or false"),
        ([{"startTime": i, "title": "x"} for i in range(501)], "at most 500"),
    ],
)
def test_invalid_chapters_name_the_rule(data: Any, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_chapters(data)
    assert caught.value.code == "chapters_invalid" and caught.value.field == "chapters"
    assert message in caught.value.message


def test_check_within_the_duration() -> None:
    chapters = parse_chapters(DOC)
    check_within(chapters, 700_000)
    with pytest.raises(Invalid, match="chapter 3 \\('Outro'\\) starts at 600"):
        check_within(chapters, 500_000)
    with pytest.raises(Invalid, match="ends after the end"):
        check_within(chapters, 650_000)


def test_spans_end_at_the_next_chapter_and_the_audio() -> None:
    spans = chapter_spans(parse_chapters(DOC), 900_000)
    assert [(start, end) for start, end, _ in spans] == [(0, 61_500), (61_500, 600_000), (600_000, 700_000)]


def test_render_round_trips() -> None:
    chapters = parse_chapters(DOC)
    rendered = json.loads(render_chapters(chapters))
    assert rendered["version"] == "1.2.0"
    assert parse_chapters(rendered) == chapters


@given(st.lists(st.floats(min_value=0, max_value=86_400, allow_nan=False), min_size=1, max_size=30, unique=True))
def test_any_ascending_start_times_parse_and_spans_are_ordered(starts: list[float]) -> None:
    chapters = parse_chapters([{"startTime": s, "title": f"c{i}"} for i, s in enumerate(sorted(starts))])
    spans = chapter_spans(chapters, 86_400_001)
    assert all(start <= end for start, end, _ in spans)
    assert [s for s, _, _ in spans] == sorted(s for s, _, _ in spans)
