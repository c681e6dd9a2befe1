"""/feeds.opml lists every show feed, and a feed reader's OPML parser (listparser) reads it."""

from __future__ import annotations

import listparser
from fastapi.testclient import TestClient

from media_catalogue.catalogue.models import Show
from media_catalogue.config import Settings
from media_catalogue.db import Database
from media_catalogue.web.app import create_app


def test_the_opml_lists_every_show_feed(settings: Settings, database: Database) -> None:
    with database.session() as session:
        for n, slug in enumerate(["alpha", "beta & co", "moved"]):
            session.add(Show(slug=slug.replace(" & ", "-"), title=f"Show <{slug}>", language="en",
                             podcast_guid=f"00000000-0000-5000-8000-00000000000{n}"))  # fmt: skip
        session.flush()
        session.query(Show).filter(Show.slug == "moved").one().new_feed_url = "https://elsewhere.example.com/f.xml"
    with TestClient(create_app(settings, database=database)) as client:
        response = client.get("/feeds.opml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/x-opml")
    parsed = listparser.parse(response.text)
    assert not parsed.bozo, parsed.bozo_exception
    assert sorted((f.title, f.url) for f in parsed.feeds) == [
        ("Show <alpha>", "https://podcasts.example.org/feeds/alpha.xml"),
        ("Show <beta & co>", "https://podcasts.example.org/feeds/beta-co.xml"),
        ("Show <moved>", "https://elsewhere.example.com/f.xml"),
    ]
