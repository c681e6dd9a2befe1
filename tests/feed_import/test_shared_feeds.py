"""The real-world feeds in ../shared/feeds (written by other hosts and tools): podcasts import with every GUID as the
rules say (expected values written out, or computed by the independent oracle), a second import changes nothing, and
everything else is refused with nothing left behind."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from media_catalogue.config import Settings
from tests.feed_import.conftest import Run, api_guids, data_files, shared_feed
from tests.feed_import.oracle import expected_guids

BC_SAMPLE = [
    "9a7e7418443444538633719efdfbe7fa",
    "79fce1d28aa8413e98aa7c48b60146ea",
    "5c50cce62c3446f7b8670d2946f899ac",
    "4a1f701de2e94cc781f4ce3553e2ff88",
]
REPLY_ALL = [
    "tag:soundcloud,2010:tracks/178485892",
    "tag:soundcloud,2010:tracks/178489631",
    "tag:soundcloud,2010:tracks/175708017",
]


def _same_bytes(got: list[str], expected: list[str]) -> None:
    assert sorted(g.encode("utf-8") for g in got) == sorted(e.encode("utf-8") for e in expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("podcast-feed-parser/bc-sample.xml", BC_SAMPLE),
        ("podcast-feed-parser/bc-sample-order.xml", BC_SAMPLE),
        ("podcast-feed-parser/bc-sample-custom-tags.xml", BC_SAMPLE),
        ("podcast-feed-parser/bc-sample-new-feed-url.xml", BC_SAMPLE),
        ("podcast-feed-parser/replyall-sample-ordering.xml", REPLY_ALL),
    ],
)
def test_small_podcasts_keep_their_written_out_guids(run: Run, api: TestClient, name: str, expected: list[str]) -> None:
    path = shared_feed(name)
    assert expected_guids(path.read_text(encoding="utf-8")) == expected  # the oracle agrees with the reading by eye
    result = run("import-feed", path, "--show", "imported", "--no-download")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("imported imported (show created): ")
    _same_bytes(api_guids(api, "imported"), expected)
    again = run("import-feed", path, "--show", "imported", "--no-download")
    assert again.exit_code == 0, again.output
    assert f"0 added, 0 updated, {len(expected)} unchanged" in again.stdout.splitlines()[-1]
    _same_bytes(api_guids(api, "imported"), expected)


@pytest.mark.parametrize(
    "name",
    [
        "rss-parser/giantbomb-podcast.rss",
        "rss-parser/itunes-missing-image.rss",
        "rss-parser/itunes-keywords-astext.rss",
        "rss-parser/item-itunes-episodeType.rss",
        "rss-parser/itunes-category.rss",
        "rss-parser/itunes-keywords.rss",
        "rss-parser/itunes-keywords-array.rss",
        "rss-parser/narro.rss",
    ],
)
def test_real_podcasts_keep_every_guid(run: Run, api: TestClient, name: str) -> None:
    path = shared_feed(name)
    expected = expected_guids(path.read_text(encoding="utf-8"))
    assert expected
    result = run("import-feed", path, "--show", "imported", "--no-download")
    assert result.exit_code == 0, result.output
    assert all(line.startswith(("warning", "imported ")) for line in result.stdout.splitlines())
    _same_bytes(api_guids(api, "imported"), expected)
    again = run("import-feed", path, "--show", "imported", "--no-download")
    assert again.exit_code == 0, again.output
    assert f"0 added, 0 updated, {len(expected)} unchanged" in again.stdout.splitlines()[-1]
    assert len(api_guids(api, "imported")) == len(expected)


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("podcast-feed-parser/bc-sample-bad.xml", "not well-formed XML"),
        ("rss-parser/content-encoded.rss", "none with an audio or video enclosure"),
        ("rss-parser/encoding.rss", "none with an audio or video enclosure"),
        ("rss-parser/guardian.rss", "none with an audio or video enclosure"),
        ("rss-parser/instant-article.rss", "none with an audio or video enclosure"),
        ("rss-parser/itunes-href.rss", "none with an audio or video enclosure"),
        ("rss-parser/unrecognized.rss", "an HTML page"),
        ("rss-parser/craigslist.rss", "RSS 1.0 (RDF)"),
        ("rss-parser/rss-1.rss", "RSS 1.0 (RDF)"),
        ("rss-parser/feedburner.atom", "an Atom feed"),
        ("rss-parser/heise.atom", "an Atom feed"),
        ("rss-parser/incomplete-fields.atom", "an Atom feed"),
        ("rss-parser/missing-fields.atom", "an Atom feed"),
    ],
)
def test_what_is_not_a_podcast_feed_is_refused_leaving_nothing(
    run: Run, api: TestClient, env: Settings, name: str, found: str
) -> None:
    path = shared_feed(name)
    shows_before = api.get("/api/shows").json()
    files_before = data_files(env)
    result = run("import-feed", path, "--show", "refused", "--no-download")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: refused: found ")
    assert found in lines[0] and "accepted: an RSS 2.0 podcast feed" in lines[0]
    assert api.get("/api/shows").json() == shows_before
    assert api.get("/api/shows/refused").status_code == 404
    assert data_files(env) == files_before
