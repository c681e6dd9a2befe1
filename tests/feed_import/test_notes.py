"""Descriptions written as HTML by other hosts become sanitized Markdown show notes that render the same."""

from __future__ import annotations

from media_catalogue.feed_import.notes import html_to_markdown
from media_catalogue.text import render_markdown


def test_html_becomes_markdown_without_what_the_sanitizer_drops() -> None:
    source = (
        '<p>Hello <b>world</b> &amp; <a href="https://example.org/a?x=1&amp;y=2">a link</a>.'
        '<script>alert(1)</script><img src="x" onerror="alert(2)"></p>'
        "<ul><li>one</li><li><em>two</em></li></ul><p>Line<br>break, 5 * 3 = 15_000 [sic]</p>"
    )
    notes = html_to_markdown(source)
    assert "script" not in notes and "alert" not in notes and "onerror" not in notes
    rendered = render_markdown(notes)
    assert "<strong>world</strong> &amp; " in rendered
    assert '<a href="https://example.org/a?x=1&amp;y=2" rel="noopener noreferrer nofollow">a link</a>' in rendered
    assert "<li>one</li>" in rendered and "<em>two</em>" in rendered
    assert "5 * 3 = 15_000 [sic]" in rendered and "<br" in rendered


def test_plain_text_descriptions_stay_as_they_are() -> None:
    assert html_to_markdown("Just *plain* text_with_underscores") == "Just \\*plain\\* text\\_with\\_underscores"
    assert "Just *plain* text_with_underscores" in render_markdown(
        html_to_markdown("Just *plain* text_with_underscores")
    )
    assert html_to_markdown("   ") == ""
