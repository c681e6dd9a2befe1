"""Property tests: whatever Unicode staff type into titles and show notes, the feed is well-formed XML and the
text comes back as written (minus the characters XML 1.0 cannot carry)."""

from __future__ import annotations

import feedparser
import lxml.html
from feed_catalogue import NOW, Factory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy.orm import Session

from media_catalogue.config import Settings
from media_catalogue.feeds.build import build_feed
from media_catalogue.text import plain_text, xml_safe

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co")),
    min_size=1,
    max_size=80,
)
_EDGES = st.sampled_from(
    ["]]>", "&amp;", "<b>x</b>", "<script>alert(1)</script>", "\x00\x0b", "שלום עולם", "🎙️👩🏾‍🔬", "\u202e"]
)
_TITLES = st.one_of(_TEXT, st.builds(lambda a, b, c: a + b + c, _TEXT, _EDGES, _TEXT))
_SETTINGS = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(title=_TITLES, notes=_TITLES)
def test_any_title_and_notes_give_well_formed_xml_that_round_trips(
    make: Factory, session: Session, settings: Settings, title: str, notes: str
) -> None:
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":  # PostgreSQL text cannot hold NUL at all
        title, notes = title.replace("\x00", ""), notes.replace("\x00", "")
    show = make.show(title=f"Show {title}")
    make.episode(show, "the-episode", title=title, show_notes=notes, summary="")
    data = build_feed(show, list(show.episodes), settings, now=NOW)

    root = etree.fromstring(data)  # raises on anything that is not well-formed XML
    item = root.find("channel/item")
    assert item is not None
    expected_title = xml_safe(title).strip() or "the-episode"
    assert item.findtext("title") == expected_title
    assert root.findtext("channel/title") == xml_safe(f"Show {title}").strip()

    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    if plain_text(notes):
        assert content is not None
        fragment = lxml.html.fragment_fromstring(content, create_parent="div")
        assert not fragment.xpath("//script")
        # The notes' words survive (Markdown syntax aside): compare whitespace-normalized plain text.
        assert " ".join(fragment.text_content().split()) == plain_text(notes)

    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == 1
