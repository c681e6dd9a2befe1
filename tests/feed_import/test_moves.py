"""move-feed: the feed says itunes:new-feed-url (read here by podcastparser, as gPodder does) and its old URL answers
301 to the new one, per Apple's move procedure; the old URL is kept among the show's previous feed URLs."""

from __future__ import annotations

import io
from pathlib import Path

import podcastparser
from fastapi.testclient import TestClient
from sqlalchemy import select

from media_catalogue.catalogue import audit
from media_catalogue.catalogue.models import Show
from media_catalogue.db import Database
from tests.feed_import.conftest import Run
from tests.feed_import.test_guid_rules import item, rss

NEW_URL = "https://new-host.example.com/podcasts/crafted.xml"
OLD_HOST_URL = "https://old-host.example.net/feeds/show.rss"


def test_move_feed_answers_301_and_says_new_feed_url(
    run: Run, api: TestClient, database: Database, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(rss(item(1, "<guid>m-1</guid>") + item(2, "<guid>m-2</guid>")), encoding="utf-8")
    assert run("import-feed", feed, "--show", "crafted", "--no-download", "--feed-url", OLD_HOST_URL).exit_code == 0
    before = api.get("/feeds/crafted.xml")
    assert before.status_code == 200
    assert podcastparser.parse("/feeds/crafted.xml", io.BytesIO(before.content)).get("new_url") is None

    result = run("move-feed", "crafted", "--to", NEW_URL)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("moved crafted: https://podcasts.example.org/feeds/crafted.xml now answers 301")

    moved = api.get("/feeds/crafted.xml", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == NEW_URL
    parsed = podcastparser.parse("https://podcasts.example.org/feeds/crafted.xml", io.BytesIO(moved.content))
    assert parsed["new_url"] == NEW_URL
    assert sorted(e["guid"] for e in parsed["episodes"]) == ["m-1", "m-2"]  # the episodes move along, same GUIDs
    with database.session() as session:
        show = session.scalars(select(Show)).one()
        assert show.previous_feed_urls == [OLD_HOST_URL, "https://podcasts.example.org/feeds/crafted.xml"]
        assert show.moved_at is not None
        assert [e.action for e in audit.entries(session, object_type="show")][0] == "show.move_feed"


def test_move_feed_refuses_what_is_not_a_web_address(run: Run, tmp_path: Path) -> None:
    feed = tmp_path / "feed.rss"
    feed.write_text(rss(item(1, "<guid>m-1</guid>")), encoding="utf-8")
    assert run("import-feed", feed, "--show", "crafted", "--no-download").exit_code == 0
    result = run("move-feed", "crafted", "--to", "ftp://elsewhere/feed")
    assert result.exit_code == 1 and "must be a web address" in result.stderr
    assert run("move-feed", "nope", "--to", NEW_URL).exit_code == 1
