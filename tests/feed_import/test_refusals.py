"""Crafted refusals: an HTML page, an empty file, not XML, Atom, an RSS <redirect> stub, a channel without items,
entity declarations, a locked feed (and the owner's confirmation, recorded in the audit trail), another podcast
into an existing show. Each exits 2 with one line saying what was found and what is accepted, and leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from media_catalogue.catalogue import audit
from media_catalogue.config import Settings
from media_catalogue.db import Database
from tests.feed_import.conftest import Run, api_guids, data_files
from tests.feed_import.test_guid_rules import item, rss

LOCKED = rss(
    item(1, "<guid>locked-1</guid>"),
    channel='<podcast:locked owner="owner@old-host.example.net">yes</podcast:locked>'
    "<itunes:owner><itunes:name>Owner</itunes:name><itunes:email>itunes@example.net</itunes:email></itunes:owner>",
)


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("<!DOCTYPE html><html><head><title>My podcast</title></head><body><p>Hi</body></html>", "an HTML page"),
        ("", "an empty document"),
        ("   \n\n", "an empty document"),
        ("Just some text, not XML at all.", "text that is not well-formed XML"),
        ("<rss><channel><title>x</title><item></channel></rss>", "text that is not well-formed XML"),
        (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>e</title></entry></feed>',
            "an Atom feed",
        ),
        (
            '<rss version="2.0"><redirect><newLocation>https://new.example.org/feed.xml</newLocation></redirect></rss>',
            "an RSS <redirect> stub pointing to https://new.example.org/feed.xml",
        ),
        ('<rss version="2.0"><channel><title>Empty</title></channel></rss>', "an RSS channel with no items"),
        (rss(item(1, "<guid>x</guid>", enclosure="")), "an RSS channel with 1 item(s) but none with an audio"),
        ("<opml version='2.0'><body/></opml>", "an XML document whose root is <opml>"),
        (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">]><rss><channel>&lol;</channel></rss>',
            "an XML document declaring entities",
        ),
        (LOCKED, "a feed locked by its owner (podcast:locked yes); owner: owner@old-host.example.net"),
    ],
)
def test_refusals_say_what_was_found_and_leave_nothing(
    run: Run, api: TestClient, env: Settings, tmp_path: Path, content: str, found: str
) -> None:
    assert run("import-feed", _feed(tmp_path, "ok.rss", rss(item(1, "<guid>kept</guid>"))), "--show", "kept",
               "--no-download").exit_code == 0  # fmt: skip
    shows_before = api.get("/api/shows").json()
    files_before = data_files(env)
    result = run("import-feed", _feed(tmp_path, "refused.xml", content), "--show", "refused", "--no-download")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: refused: found {found}"), lines
    assert "accepted" in lines[0]
    assert api.get("/api/shows").json() == shows_before
    assert data_files(env) == files_before


def _feed(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_locked_feed_imports_once_the_owner_confirmed(
    run: Run, api: TestClient, database: Database, tmp_path: Path
) -> None:
    result = run("import-feed", _feed(tmp_path, "locked.rss", LOCKED), "--show", "locked", "--no-download",
                 "--owner-confirmed")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert api_guids(api, "locked") == ["locked-1"]
    with database.session() as session:
        entries = audit.entries(session, object_type="show")
        confirmed = [e for e in entries if e.action == "show.import.owner_confirmed"]
        assert len(confirmed) == 1 and confirmed[0].actor.startswith("cli:") and confirmed[0].via == "cli"
        assert "owner@old-host.example.net" in confirmed[0].note and confirmed[0].actor in confirmed[0].note


def test_another_podcast_cannot_be_imported_into_an_existing_show(run: Run, api: TestClient, tmp_path: Path) -> None:
    first = rss(item(1, "<guid>a-1</guid>"), channel='<atom:link rel="self" href="https://a.example.org/feed"/>')
    assert run("import-feed", _feed(tmp_path, "a.rss", first), "--show", "show", "--no-download").exit_code == 0
    other = rss(item(1, "<guid>b-1</guid>"), channel='<atom:link rel="self" href="https://b.example.org/feed"/>')
    result = run("import-feed", _feed(tmp_path, "b.rss", other), "--show", "show", "--no-download")
    assert result.exit_code == 2
    assert "error: refused: found show 'show' exists and this feed is another podcast" in result.stderr
    assert api_guids(api, "show") == ["a-1"]
    # The same GUIDs cannot land in a second show either (podcast apps would see one episode twice).
    result = run("import-feed", _feed(tmp_path, "a.rss", first), "--show", "copy", "--no-download")
    assert result.exit_code == 2 and "podcast:guid" in result.stderr
    assert api.get("/api/shows/copy").status_code == 404


def test_the_show_keeps_the_feeds_podcast_guid_or_computes_it_from_the_original_url(
    run: Run, api: TestClient, tmp_path: Path
) -> None:
    own = rss(item(1, "<guid>g-1</guid>"), channel="<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>")
    assert run("import-feed", _feed(tmp_path, "own.rss", own), "--show", "own", "--no-download").exit_code == 0
    assert api.get("/api/shows/own").json()["podcast_guid"] == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    # The spec's own example: https://mp3s.nashownotes.com/pc20rss.xml gives 917393e3-1b1e-5cef-ace4-edaa54e1f810.
    computed = rss(item(1, "<guid>h-1</guid>"))
    result = run("import-feed", _feed(tmp_path, "c.rss", computed), "--show", "computed", "--no-download",
                 "--feed-url", "https://mp3s.nashownotes.com/pc20rss.xml")  # fmt: skip
    assert result.exit_code == 2  # same podcast:guid as the show above: it is that podcast
    assert "already has" in result.stderr


def test_a_show_cannot_be_imported_under_a_word_of_the_url_plan(run: Run, api: TestClient, tmp_path: Path) -> None:
    result = run("import-feed", _feed(tmp_path, "a.rss", rss(item(1, "<guid>a-1</guid>"))), "--show", "page",
                 "--no-download")  # fmt: skip
    assert result.exit_code == 2
    assert "error: refused: found the show slug 'page', which the site's own addresses use" in result.stderr
    assert api.get("/api/shows/page").status_code == 404
